"""Which mask categories may stand in for the one a buyer asks for — only if the buyer opts in.

A substitute protects at least as well as what is asked: a higher grade of the same family, or a
recognised foreign equivalent of it (the Economy ministry's note "Masques à destination des
entreprises", 24 April 2020). Never applied silently: a demand lists the substitutes its buyer
ticked, and the matcher offers only those.
"""
from .errors import DomainError, N_
from .masks import CATEGORIES, Category

FOREIGN_FFP2 = (Category.N95, Category.KN95, Category.P2, Category.KF94, Category.DS2)
FOREIGN_SURGICAL = (Category.SURGICAL_US, Category.SURGICAL_CN)

SUBSTITUTES = {
    Category.FFP1: (Category.FFP2, Category.FFP3, *FOREIGN_FFP2),
    Category.FFP2: (Category.FFP3, *FOREIGN_FFP2),
    Category.SURGICAL_I: (Category.SURGICAL_II, Category.SURGICAL_IIR, *FOREIGN_SURGICAL),
    Category.SURGICAL_II: (Category.SURGICAL_IIR, *FOREIGN_SURGICAL),
    Category.UNS2: (Category.UNS1,),
    Category.AFNOR: (Category.UNS1,),
}


def allowed_substitutes(category):
    """Return the categories that may replace category, best protection first."""
    return SUBSTITUTES.get(Category(category), ())


def check_substitutes(category, accepted):
    """Return the accepted substitutes as categories, or refuse one that may not replace category."""
    allowed = allowed_substitutes(category)
    chosen = []
    for value in accepted:
        if value not in CATEGORIES or Category(value) not in allowed:
            raise DomainError(
                N_("%(substitute)s cannot replace %(category)s."),
                field="accepted_substitutes",
                substitute=Category(value) if value in CATEGORIES else value,
                category=Category(category),
            )
        chosen.append(Category(value))
    return [c for c in allowed if c in chosen]


def categories_served(category, accepted):
    """Return every category that satisfies a demand: the one asked, then its accepted substitutes."""
    return [Category(category), *check_substitutes(category, accepted)]
