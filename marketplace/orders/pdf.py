"""The purchase order (bon de commande) of an order, as a PDF document."""
from flask_babel import gettext as _

from ..domain.geography import region_name
from ..web.filters import money, number
from ..web.formatting import day, percent_rate
from ..web.locale import category_name
from ..web.pdf import Document, FONT, signature_boxes


def _party(pdf, label, organisation, x, y, width):
    pdf.set_xy(x, y)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(width, 5, str(label), new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    lines = [organisation.name, f"SIRET {organisation.siret}", region_name(organisation.region_code)]
    pdf.multi_cell(width, 5, str("\n".join(lines)), border=1, new_x="LEFT", new_y="NEXT", padding=2)


def purchase_order_pdf(order, amounts, ordered_on):
    """Return the purchase order (bon de commande) of an order as PDF bytes."""
    title = _("Purchase order %(number)s", number=order.number)
    pdf = Document(title)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 9, str(title), new_x="LMARGIN", new_y="NEXT")
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
    signature_boxes(pdf, [_("For the buyer"), _("For the supplier")])
    return pdf.output_bytes()
