"""A buyer's demand filled in right: as the demand form posts it, and as the demands service takes it."""
from tests.support.clock import days_from_today


def demand_form(**overrides):
    """Return the fields of the demand form, with overrides."""
    data = {
        "category": "FFP2", "quantity": "100000", "region_code": "53", "departement_code": "35",
        "max_unit_price": "0,95".replace(",", "."), "needed_by": days_from_today(20).isoformat(),
        "contact_name": "Claire Martin", "contact_email": "claire@example.fr", "contact_phone": "",
    }
    return data | overrides


def demand_data(**overrides):
    """Return what demands.post_demand takes, with overrides."""
    data = {
        "category": "FFP2", "accepted_substitutes": [], "quantity": 50_000, "region_code": "53",
        "departement_code": "35", "max_unit_price_cents": 95, "needed_by": days_from_today(20),
        "public_facing": False, "contact_name": "Claire Martin", "contact_email": "claire@example.fr",
        "contact_phone": None,
    }
    return data | overrides
