from io import BytesIO

import pytest

from tests.support.pdf import make_pdf


@pytest.fixture
def certification_form():
    """Return the fields of a valid FFP2 certification form, with a real PDF report."""

    def build(report=None, filename="rapport-essai.pdf", **changes):
        data = {
            "category": "FFP2",
            "standard": "",
            "testing_body": "notified_body",
            "testing_body_name": "Apave Certification",
            "report_reference": "RE-2020-0412",
            "report_date": "2020-04-12",
            "filtration_3um_pct": "",
            "air_permeability": "",
            "breathability_hours": "",
            "washes": "",
        }
        data.update(changes)
        data["report"] = (BytesIO(make_pdf() if report is None else report), filename)
        return data

    return build
