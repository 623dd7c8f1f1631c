"""A local authority's refund statement: the external order form filled in right."""


def external_order(**overrides):
    """Return the fields of the form adding an order bought outside the marketplace, with overrides."""
    data = {"kind": "reusable", "supplier": "Atelier Textile Breton", "number": "EXT-17", "order_date": "2020-04-25",
            "quantity": "1000", "total_ttc": "3 100,00", "payment_reference": "M-2020-0300", "payment_date": "2020-05-20"}
    return data | overrides
