"""What the local authority's and the administrators' refund statement pages share: the page and its documents."""
import re

from flask import make_response, render_template

from ..web.forms import ConfirmForm
from .csv_export import statement_csv
from .labels import SECTION_LABELS
from .pdf import statement_pdf


def render_statement(refund_file, pdf_url, csv_url, editable, back=None):
    """Show a body's statement; editable: with the forms to add and remove entries (the body itself only)."""
    return render_template(
        "refunds/statement.html", file=refund_file, editable=editable, pdf_url=pdf_url, csv_url=csv_url, back=back,
        confirm=ConfirmForm() if editable else None, section_labels=SECTION_LABELS,
    )


def _download(refund_file, body, mimetype, extension):
    name = re.sub(r"[^A-Za-z0-9]+", "-", refund_file.organisation.name).strip("-").lower() or "statement"
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="etat-recapitulatif-{name}.{extension}"'
    return response


def statement_pdf_response(refund_file):
    """Return the statement laid out like the official model, as a PDF download."""
    return _download(refund_file, statement_pdf(refund_file), "application/pdf", "pdf")


def statement_csv_response(refund_file):
    """Return the statement's lines and totals as a CSV download."""
    return _download(refund_file, statement_csv(refund_file), "text/csv; charset=utf-8", "csv")
