"""What the marketplace's PDF documents share: an A4 page, headings, tables that repeat their
headings, boxes to sign in.

Text is set in DejaVu Sans, embedded (marketplace/data/fonts, Bitstream Vera licence): any name in a
Latin, Greek or Cyrillic script renders ("Łódź", the minus sign, the narrow no-break space of French
numbers), where the PDF's built-in fonts stop at Windows-1252. A glyph the font lacks (Chinese, for
one) is left out with a logged warning, never an error.
"""
from pathlib import Path

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

FONTS = Path(__file__).resolve().parent.parent / "data" / "fonts"
FONT = "DejaVu"
GREY = (225, 228, 232)
HEADINGS = FontFace(emphasis="BOLD", fill_color=GREY)


class Document(FPDF):
    def __init__(self, title, orientation="portrait"):
        super().__init__(orientation=orientation, format="A4")
        self.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.doc_title = title
        self.set_title(title)
        self.set_creator(_("National mask marketplace"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)
        self.add_page()

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(90)
        self.cell(0, 5, str(f"{self.doc_title} · {_('Page %(page)s of %(pages)s', page=self.page_no(), pages='{nb}')}"),
                  align="C")
        self.set_text_color(0)

    def heading(self, text, size=11):
        if self.get_y() + 28 > self.page_break_trigger:  # keep a heading with the start of its table
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", size)
        self.multi_cell(0, 6, str(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=9)

    def line_of_text(self, text, bold=False, size=9):
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, 5, str(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=9)

    def grid(self, headings, rows, widths, align, total=None, stretch=True):
        """Draw a table whose headings repeat on each page; total: a last row in bold."""
        if stretch:
            widths = [w * self.epw / sum(widths) for w in widths]
        self.set_font(FONT, size=8.5)
        with self.table(col_widths=widths, text_align=align, headings_style=HEADINGS, line_height=5,
                        width=sum(widths), align="LEFT", padding=1) as table:
            table.row([str(h) for h in headings])
            for values in rows:
                table.row([str(v) for v in values])
            if total:
                table.row([str(v) for v in total], style=FontFace(emphasis="BOLD"))
        self.set_font(FONT, size=9)

    def output_bytes(self):
        return bytes(self.output())


def signature_boxes(pdf, titles, notes=None):
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
        pdf.set_font(FONT, "B", 9)
        pdf.multi_cell(width - 4, 5, str(title), new_x="LEFT", new_y="NEXT")
        pdf.set_font(FONT, size=8)
        note = (notes or [None] * len(titles))[index]
        if note:
            pdf.multi_cell(width - 4, 4, str(note), new_x="LEFT", new_y="NEXT")
        pdf.set_xy(x + 2, top + height - 7)
        pdf.cell(width - 4, 5, str(_("Date, name, signature and seal")))
    pdf.set_xy(pdf.l_margin, top + height + 2)
