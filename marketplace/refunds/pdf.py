"""The refund statement (état récapitulatif) as a PDF document laid out like the official model."""
from decimal import Decimal

from flask_babel import gettext as _

from ..domain.geography import region_name
from ..domain.organisations import AuthorityType
from ..web.filters import money, number
from ..web.formatting import day, euros, unit_euros
from ..web.pdf import Document, FONT, signature_boxes
from .labels import SECTION_LABELS


def _order_rows(lines):
    return [[line.code, line.entry.supplier, line.entry.number, day(line.entry.order_date), number(line.entry.quantity),
             unit_euros(line.entry.unit_price_ttc), euros(line.entry.total_ttc), line.entry.payment_reference or "—"]
            for line in lines]


def _statement_header(pdf, refund_file):
    organisation, policy = refund_file.organisation, refund_file.policy
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, str(_("Summary statement (état récapitulatif)")), new_x="LMARGIN", new_y="NEXT")
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
    rows = []
    for key, shares in refund_file.shares.items():
        code = refund_file.code_of(key) or "—"
        rows += [[code, s.share.beneficiary, money(s.share.paid_cents), euros(s.owed)] for s in shares]
        own = refund_file.kept.get(key)
        if own:
            rows.append([code, _("%(body)s (its own part, kept)", body=refund_file.organisation.name), euros(own.paid),
                         euros(own.kept)])
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
    signature_boxes(pdf, [head, _("The public accountant")], [
        _("Certified accurate, and the orders above issued by the body."),
        _("Payments above certified as made."),
    ])
    return pdf.output_bytes()
