"""Language: which one a page speaks (French by default, English on request), and the names shown in it."""
from flask import current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..domain.masks import category_label

LOGIN_MESSAGE = _l("Please log in to see this page.")


def select_locale():
    """Pick the language chosen in this visit, then the user's saved one, then French."""
    chosen = session.get("locale")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in current_app.config["LANGUAGES"]:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def category_name(category):
    """Return a mask category's name, translated when shown: in the page's language, or the mail recipient's."""
    # Lazy: a mail's context is built in the sender's request, but rendered in the recipient's locale.
    return _l(category_label(category))
