"""Reading what a page shows."""
from html import unescape


def error_of(page, field_id):
    """Return the text shown under a field, or None."""
    marker = f'id="{field_id}-error">'
    if marker not in page:
        return None
    return unescape(page.split(marker, 1)[1].split("</div>", 1)[0])
