"""Small, valid PDF files made on the spot for upload tests, and the text a reader sees in a PDF."""
from io import BytesIO

from pypdf import PdfReader, PdfWriter


def make_pdf(pages=1):
    """Return the bytes of a valid PDF with blank A4 pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_text(data):
    """Return a PDF's text as a reader sees it: no-break and narrow no-break spaces read as spaces."""
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return text.replace("\u202f", " ").replace("\u00a0", " ")
