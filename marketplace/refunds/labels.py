"""The names of the statement's sections, in the reader's language."""
from flask_babel import lazy_gettext as _l

from ..domain.refund import Section

SECTION_LABELS = {
    Section.SINGLE_USE: _l("Single-use masks"),
    Section.REUSABLE: _l("Reusable masks"),
    Section.MADE_LOCALLY: _l("Masks made locally (counted as reusable)"),
}
