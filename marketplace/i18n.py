"""Language selection: French by default, English on request."""
from flask import current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LOGIN_MESSAGE = _l("Please log in to see this page.")


def select_locale():
    """Pick the user's saved language, then the session's choice, then French."""
    if current_user and current_user.is_authenticated:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
