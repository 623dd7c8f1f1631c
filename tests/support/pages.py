"""Reading what a page shows, and comparing two answers that must read the same."""
import re
from html import unescape

FORM_TOKEN = re.compile(r'(name="csrf_token"[^>]*value=|value=)"[\w-]+\.[\w-]+\.[\w-]+"')


def error_of(page, field_id):
    """Return the text shown under a field, or None."""
    marker = f'id="{field_id}-error">'
    if marker not in page:
        return None
    return unescape(page.split(marker, 1)[1].split("</div>", 1)[0])


def without_form_tokens(page):
    """Return page without its CSRF tokens, which differ between any two pages."""
    return FORM_TOKEN.sub("TOKEN", page)
