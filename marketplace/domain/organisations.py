"""Who trades on the marketplace: kinds of organisation, sectors, local authority types."""
from enum import StrEnum

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.fr import siret as siret_number

from .errors import DomainError, N_


class OrganisationKind(StrEnum):
    PRODUCER = "producer"
    IMPORTER = "importer"
    COMPANY = "company"
    SECTOR_REFERENT = "sector_referent"
    LOCAL_AUTHORITY = "local_authority"
    HEALTHCARE = "healthcare"


SELLER_KINDS = frozenset({OrganisationKind.PRODUCER, OrganisationKind.IMPORTER})
BUYER_KINDS = frozenset(OrganisationKind) - SELLER_KINDS


class AuthorityType(StrEnum):
    COMMUNE = "commune"
    DEPARTEMENT = "departement"
    REGION = "region"
    GROUPING = "grouping"
    PUBLIC_ESTABLISHMENT = "public_establishment"


# The 18 industrial sectors ("filières") of the national industry council, each with an SME referent
# (the Economy ministry's note "Masques à destination des entreprises", 24 April 2020).
SECTORS = (
    "Aéronautique",
    "Alimentaire",
    "Automobile",
    "Bois",
    "Chimie et matériaux",
    "Eau",
    "Ferroviaire",
    "Industries de la mer",
    "Industries de sécurité",
    "Industries des nouveaux systèmes énergétiques",
    "Industries électroniques",
    "Industries et technologies de santé",
    "Industries pour la construction",
    "Infrastructures numériques",
    "Mines et métallurgie",
    "Mode et luxe",
    "Nucléaire",
    "Transformation et valorisation des déchets",
)


def normalise_siret(raw):
    """Return the 14-digit SIRET, or raise a DomainError saying what is wrong with it."""
    try:
        return siret_number.validate(raw)
    except InvalidLength:
        raise DomainError(N_("A SIRET has exactly 14 digits."), field="siret")
    except InvalidChecksum:
        raise DomainError(N_("This SIRET is not valid: its check digit is wrong. Please check it."), field="siret")
    except InvalidFormat:
        raise DomainError(N_("A SIRET contains digits only."), field="siret")
