"""The 18 regions and 101 départements of France, with their official INSEE codes."""
import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    overseas: bool


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region_code: str
    overseas: bool


def _read(filename):
    with open(DATA_DIR / filename, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def regions():
    """Return every region keyed by its code, in official code order."""
    rows = _read("regions.csv")
    return {r["code"]: Region(r["code"], r["name"], r["overseas"] == "1") for r in rows}


@cache
def departements():
    """Return every département keyed by its code, in official code order."""
    rows = _read("departements.csv")
    return {
        r["code"]: Departement(r["code"], r["name"], r["region_code"], r["overseas"] == "1")
        for r in rows
    }


def region_name(code):
    """Return the name of a region, or the code itself when it is unknown."""
    region = regions().get(code)
    return region.name if region else code


def departements_of(region_code):
    """Return the départements of one region."""
    return [d for d in departements().values() if d.region_code == region_code]


def is_in_region(departement_code, region_code):
    """Tell whether a département belongs to a region."""
    departement = departements().get(departement_code)
    return departement is not None and departement.region_code == region_code
