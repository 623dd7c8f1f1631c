"""Small, valid PDF files made on the spot for upload tests."""
from io import BytesIO

from pypdf import PdfWriter


def make_pdf(pages=1):
    """Return the bytes of a valid PDF with blank A4 pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
