"""CSV cells that a spreadsheet opens as text, never as a formula (OWASP's advice on CSV injection)."""

# A cell starting with one of these is read as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value):
    """Return a text a user typed as a CSV cell: a leading apostrophe before what would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
