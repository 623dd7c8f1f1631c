"""Comparing pages: two answers that must read the same."""
import re

FORM_TOKEN = re.compile(r'(name="csrf_token"[^>]*value=|value=)"[\w-]+\.[\w-]+\.[\w-]+"')


def without_form_tokens(page):
    """Return page without its CSRF tokens, which differ between any two pages."""
    return FORM_TOKEN.sub("TOKEN", page)
