"""Loading the logged-in user for Flask-Login."""
from ..extensions import db
from ..models import User


def load_user(user_id):
    """Return the user with this id, or None."""
    return db.session.get(User, int(user_id))
