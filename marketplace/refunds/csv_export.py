"""The statement as CSV: one row per order, then the totals per section and the shares owed.

Semicolons and decimal commas, as French spreadsheets open them; UTF-8 with a byte order mark. What
users typed (suppliers, numbers, references, names) never opens as a formula.
"""
import csv
import io
from decimal import Decimal

from flask_babel import gettext as _

from ..web.spreadsheets import text_cell
from .labels import SECTION_LABELS


def _amount(value, places="0.01"):
    return str(Decimal(value).quantize(Decimal(places))).replace(".", ",")


def _header():
    return [_("Section"), _("Code"), _("Supplier"), _("Order number"), _("Order date"), _("Quantity"),
            _("Unit price incl. tax"), _("Total incl. tax"), _("Reference price"), _("External funding"),
            _("Refund"), _("Payment reference (mandat)"), _("Payment date")]


def _row(line):
    e = line.entry
    return [e.section.value, line.code, text_cell(e.supplier), text_cell(e.number), e.order_date.isoformat(), e.quantity,
            _amount(e.unit_price_ttc, "0.0001"), _amount(e.total_ttc), _amount(line.cap),
            _amount(e.external_funding), _amount(line.refund), text_cell(e.payment_reference),
            e.payment_date.isoformat() if e.payment_date else ""]


def statement_csv(refund_file):
    """Return the statement's CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_header())
    writer.writerows(_row(line) for line in refund_file.statement.lines)
    writer.writerow([])
    writer.writerow([_("Section"), _("Category"), _("Quantity"), _("Total incl. tax"), _("External funding"), _("Refund")])
    for total in refund_file.statement.totals:
        writer.writerow([total.section.value, str(SECTION_LABELS[total.section]), total.quantity,
                         _amount(total.total_ttc), _amount(total.external_funding), _amount(total.refund)])
    writer.writerow(["", _("Total"), "", _amount(refund_file.statement.total_ttc), "",
                     _amount(refund_file.statement.total_refund)])
    if refund_file.shares:
        writer.writerow([])
        writer.writerow([_("Code"), _("Body the masks were bought for"), _("Paid"), _("Refund owed")])
        for key, shares in refund_file.shares.items():
            code = refund_file.code_of(key) or ""
            writer.writerows([code, text_cell(s.share.beneficiary), _amount(s.share.paid_cents / Decimal(100)), _amount(s.owed)]
                             for s in shares)
            own = refund_file.kept.get(key)
            if own:
                writer.writerow([code, text_cell(_("%(body)s (its own part, kept)", body=refund_file.organisation.name)),
                                 _amount(own.paid), _amount(own.kept)])
    return "\ufeff" + out.getvalue()
