"""The purchase order and the refund statement as PDF documents (fpdf2, built-in Helvetica).

The built-in fonts read Windows-1252, which holds French letters and the euro sign; Babel's narrow
no-break spaces become plain no-break spaces to fit.
"""
from decimal import Decimal

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from ..domain.geography import region_name
from ..domain.organisations import AuthorityType
from ..i18n import category_name
from ..templating import money, number
from .formatting import day, euros, percent_rate, unit_euros
from .labels import SECTION_LABELS

GREY = (225, 228, 232)
HEADINGS = FontFace(emphasis="BOLD", fill_color=GREY)


def _text(value):
    return str(value).replace("\u202f", "\u00a0")


class Document(FPDF):
    def __init__(self, title, orientation="portrait"):
        super().__init__(orientation=orientation, format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.doc_title = title
        self.set_title(title)
        self.set_creator(_("National mask marketplace"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)
        self.add_page()

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90)
        self.cell(0, 5, _text(f"{self.doc_title} · {_('Page %(page)s of %(pages)s', page=self.page_no(), pages='{nb}')}"),
                  align="C")
        self.set_text_color(0)

    def heading(self, text, size=11):
        if self.get_y() + 28 > self.page_break_trigger:  # keep a heading with the start of its table
            self.add_page()
        self.ln(3)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, 6, _text(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=9)

    def line_of_text(self, text, bold=False, size=9):
        self.set_font("Helvetica", "B" if bold else "", size)
        self.multi_cell(0, 5, _text(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=9)

    def grid(self, headings, rows, widths, align, total=None, stretch=True):
        """Draw a table whose headings repeat on each page; total: a last row in bold."""
        if stretch:
            widths = [w * self.epw / sum(widths) for w in widths]
        self.set_font("Helvetica", size=8.5)
        with self.table(col_widths=widths, text_align=align, headings_style=HEADINGS, line_height=5,
                        width=sum(widths), align="LEFT", padding=1) as table:
            table.row([_text(h) for h in headings])
            for values in rows:
                table.row([_text(v) for v in values])
            if total:
                table.row([_text(v) for v in total], style=FontFace(emphasis="BOLD"))
        self.set_font("Helvetica", size=9)

    def output_bytes(self):
        return bytes(self.output())


# --- the purchase order --------------------------------------------------------------------


def _party(pdf, label, organisation, x, y, width):
    pdf.set_xy(x, y)
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(width, 5, _text(label), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    lines = [organisation.name, f"SIRET {organisation.siret}", region_name(organisation.region_code)]
    pdf.multi_cell(width, 5, _text("\n".join(lines)), border=1, new_x="LEFT", new_y="NEXT", padding=2)


def purchase_order_pdf(order, amounts, ordered_on):
    """Return the purchase order (bon de commande) of an order as PDF bytes."""
    title = _("Purchase order %(number)s", number=order.number)
    pdf = Document(title)
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.line_of_text(_("Date of the order: %(date)s", date=day(ordered_on)))
    pdf.line_of_text(_("Made through the national mask marketplace."))
    top = pdf.get_y() + 4
    _party(pdf, _("Buyer"), order.buyer_organisation, 15, top, 85)
    _party(pdf, _("Supplier"), order.seller_organisation, 110, top, 85)
    pdf.set_y(top + 32)
    pdf.heading(_("Ordered"))
    category = category_name(order.category)
    pdf.grid(
        [_("Masks"), _("Quantity"), _("Unit price excl. tax"), _("Total excl. tax"), _("VAT rate"), _("VAT"),
         _("Total incl. tax")],
        [[category, number(amounts.quantity), money(amounts.unit_price_ht_cents), money(amounts.total_ht_cents),
          percent_rate(amounts.vat_rate_bp), money(amounts.vat_cents), money(amounts.total_ttc_cents)]],
        [40, 22, 24, 26, 18, 24, 26], ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
    )
    pdf.ln(3)
    pdf.grid([_("Totals"), ""], [
        [_("Total excl. tax"), money(amounts.total_ht_cents)],
        [_("VAT at %(rate)s", rate=percent_rate(amounts.vat_rate_bp)), money(amounts.vat_cents)],
    ], [50, 35], ("LEFT", "RIGHT"), total=[_("Total incl. tax"), money(amounts.total_ttc_cents)], stretch=False)
    pdf.ln(2)
    pdf.line_of_text(_("VAT is computed on the line total excluding tax and rounded to the cent."), size=8)
    if order.payment_reference:
        pdf.line_of_text(_("Payment reference (mandat): %(reference)s", reference=order.payment_reference))
    _signature_boxes(pdf, [_("For the buyer"), _("For the supplier")])
    return pdf.output_bytes()


# --- the refund statement ------------------------------------------------------------------


def _signature_boxes(pdf, titles, notes=None):
    """Draw side-by-side boxes to sign in, keeping them together on one page."""
    height = 32
    if pdf.get_y() + height + 8 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(6)
    width = (pdf.epw - 10) / len(titles)
    top = pdf.get_y()
    for index, title in enumerate(titles):
        x = pdf.l_margin + index * (width + 10)
        pdf.rect(x, top, width, height)
        pdf.set_xy(x + 2, top + 2)
        pdf.set_font("Helvetica", "B", 9)
        pdf.multi_cell(width - 4, 5, _text(title), new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", size=8)
        note = (notes or [None] * len(titles))[index]
        if note:
            pdf.multi_cell(width - 4, 4, _text(note), new_x="LEFT", new_y="NEXT")
        pdf.set_xy(x + 2, top + height - 7)
        pdf.cell(width - 4, 5, _text(_("Date, name, signature and seal")))
    pdf.set_xy(pdf.l_margin, top + height + 2)


def _order_rows(lines):
    return [[line.code, line.entry.supplier, line.entry.number, day(line.entry.order_date), number(line.entry.quantity),
             unit_euros(line.entry.unit_price_ttc), euros(line.entry.total_ttc), line.entry.payment_reference or "—"]
            for line in lines]


def _statement_header(pdf, refund_file):
    organisation, policy = refund_file.organisation, refund_file.policy
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 8, _text(_("Summary statement (état récapitulatif)")), new_x="LMARGIN", new_y="NEXT")
    pdf.line_of_text(_("State contribution to the purchase of masks by local authorities"), bold=True, size=10)
    pdf.line_of_text(_("%(name)s — SIRET %(siret)s — %(region)s", name=organisation.name, siret=organisation.siret,
                       region=region_name(organisation.region_code)))
    pdf.line_of_text(_(
        "Orders dated from %(start)s to %(end)s. The State pays %(rate)s of the price incl. tax within "
        "%(single)s per single-use mask and %(reusable)s per reusable mask, after external funding.",
        start=day(policy.window_start), end=day(policy.window_end), rate=f"{policy.rate * 100:.0f}\u00a0%",
        single=euros(policy.cap_single_use), reusable=euros(refund_file.reusable_cap),
    ), size=8.5)


ORDER_WIDTHS = [14, 62, 34, 22, 24, 28, 32, 51]
ORDER_ALIGN = ("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT")


def _order_sections(pdf, statement):
    headings = [_("Code"), _("Supplier"), _("Order number"), _("Order date"), _("Quantity"), _("Unit price incl. tax"),
                _("Total incl. tax"), _("Payment reference (mandat)")]
    for total in statement.totals:
        section = total.section
        pdf.heading(f"{section.value}. {SECTION_LABELS[section]}")
        lines = [line for line in statement.lines if line.entry.section == section]
        if not lines:
            pdf.line_of_text(_("No order."))
            continue
        pdf.grid(headings, _order_rows(lines), ORDER_WIDTHS, ORDER_ALIGN,
                 total=["", _("Total %(section)s", section=section.value), "", "", number(total.quantity), "",
                        euros(total.total_ttc), ""])


def _fundings(pdf, refund_file):
    pdf.heading(_("External funding received"))
    if not refund_file.fundings:
        pdf.line_of_text(_("No external funding."))
        return
    rows = [[refund_file.code_of(f.line_key) or "—", f.funder, number(f.masks_funded), money(f.amount_cents),
             f.receipt_reference] for f in refund_file.fundings]
    pdf.grid([_("Code"), _("Funder"), _("Masks funded"), _("Amount"), _("Receipt reference")], rows,
             [14, 90, 30, 35, 60], ("LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT"))


def _refunds(pdf, statement, policy):
    pdf.heading(_("State contribution per order"))
    rate = f"{policy.rate * 100:.0f}\u00a0%"
    rows = [[line.code, number(line.entry.quantity), euros(line.cap), euros(line.eligible), euros(line.entry.external_funding),
             euros(line.refund)] for line in statement.lines]
    pdf.grid([_("Code"), _("Quantity"), _("Reference price"), _("Refundable amount"),
              _("External funding"), _("Contribution (%(rate)s)", rate=rate)], rows,
             [14, 26, 30, 70, 40, 45], ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"))
    pdf.heading(_("Totals per category"))
    rows = [[f"{t.section.value}. {SECTION_LABELS[t.section]}", number(t.quantity), euros(t.total_ttc),
             euros(t.external_funding), euros(t.refund)] for t in statement.totals]
    pdf.grid([_("Category"), _("Quantity"), _("Total incl. tax"), _("External funding"), _("Contribution")], rows,
             [95, 30, 40, 40, 40], ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
             total=[_("Total contribution claimed"), number(sum(t.quantity for t in statement.totals)),
                    euros(statement.total_ttc), euros(sum((t.external_funding for t in statement.totals), Decimal(0))),
                    euros(statement.total_refund)])


def _payments(pdf, statement):
    pdf.heading(_("Payments"))
    rows = [[line.code, line.entry.supplier, euros(line.entry.total_ttc), line.entry.payment_reference or _("not paid yet"),
             day(line.entry.payment_date)] for line in statement.lines]
    pdf.grid([_("Code"), _("Supplier"), _("Total incl. tax"), _("Payment reference (mandat)"), _("Payment date")], rows,
             [14, 90, 35, 60, 30], ("LEFT", "LEFT", "RIGHT", "LEFT", "LEFT"))


def _shares(pdf, refund_file):
    if not refund_file.shares:
        return
    pdf.heading(_("Purchases made for other bodies: the contribution passed on"))
    rows = [[refund_file.code_of(key) or "—", s.share.beneficiary, money(s.share.paid_cents), euros(s.owed)]
            for key, shares in refund_file.shares.items() for s in shares]
    pdf.grid([_("Code"), _("Body the masks were bought for"), _("Paid"), _("Contribution owed")], rows,
             [14, 120, 40, 40], ("LEFT", "LEFT", "RIGHT", "RIGHT"))


def statement_pdf(refund_file):
    """Return the summary statement, laid out like the official model, as PDF bytes."""
    pdf = Document(_("Summary statement (état récapitulatif)"), orientation="landscape")
    statement = refund_file.statement
    _statement_header(pdf, refund_file)
    _order_sections(pdf, statement)
    _fundings(pdf, refund_file)
    _refunds(pdf, statement, refund_file.policy)
    _payments(pdf, statement)
    _shares(pdf, refund_file)
    head = _("The mayor") if refund_file.organisation.authority_type == AuthorityType.COMMUNE else _("The president")
    _signature_boxes(pdf, [head, _("The public accountant")], [
        _("Certified accurate, and the orders above issued by the body."),
        _("Payments above certified as made."),
    ])
    return pdf.output_bytes()
