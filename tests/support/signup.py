"""The signup form filled in right."""
from marketplace.demo import make_siret


def signup_data(**overrides):
    """Return the fields of the signup form of a producer of Bretagne, with overrides."""
    data = {
        "name": "Filtres d'Armor",
        "siret": make_siret(42),
        "kind": "producer",
        "sector": "",
        "authority_type": "",
        "region_code": "53",
        "departement_code": "22",
        "headcount": "120",
        "full_name": "Anne Le Goff",
        "email": "anne@filtres-armor.fr",
        "password": "long enough password",
        "confirm": "long enough password",
    }
    data.update(overrides)
    return data
