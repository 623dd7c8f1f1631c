"""Bulk import of offers from a CSV file: every row is checked, and nothing is saved if one is wrong."""
import csv
import io
from datetime import date

from ..domain.errors import DomainError, N_, Refusals
from ..domain.masks import Category
from ..domain.offers import parse_price_cents
from ..extensions import db
from .offers import DeliveryScope, _ensure_seller, build_offer, check_offer, offer_terms

COLUMNS = ("category", "quantity", "unit_price", "regions", "available_from", "expires_on")
MAX_ROWS = 5000
EVERYWHERE = {"all", "france", "toutes", "tout"}


class RowError:
    """One error of one row: its line in the file, the column at fault (None for the row) and the message."""

    def __init__(self, line, column, message, params):
        self.line = line
        self.column = column
        self.message = message
        self.params = params


class ImportRefused(DomainError):
    """The file has invalid rows; `rows` lists every error of each, by line number and column."""

    def __init__(self, rows):
        super().__init__(N_("Nothing was imported: %(count)s rows have errors."), count=len({r.line for r in rows}))
        self.rows = rows


def _date(raw, field, required):
    raw = (raw or "").strip()
    if not raw:
        if required:
            raise DomainError(N_("The date %(column)s is missing."), field=field, column=field)
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(N_("The date %(column)s must be written YYYY-MM-DD."), field=field, column=field)


def _category(raw):
    category = (raw or "").strip().upper()
    if category not in Category.__members__.values():
        raise DomainError(N_("Unknown mask category %(category)s."), field="category", category=category or "—")
    return category


def _quantity(raw):
    try:
        return int((raw or "").strip().replace(" ", ""))
    except ValueError:
        raise DomainError(N_("The quantity must be a whole number of units above zero."), field="quantity")


def _delivery(regions_cell):
    codes = [code.strip() for code in regions_cell.split("|") if code.strip()]
    if not codes or codes == ["own"]:
        return DeliveryScope.OWN, codes
    if regions_cell.lower() in EVERYWHERE:
        return DeliveryScope.ALL, codes
    return DeliveryScope.SEVERAL, codes


PARSERS = {
    "category": ("category", _category),
    "quantity": ("quantity", _quantity),
    "unit_price": ("unit_price_cents", parse_price_cents),
    "available_from": ("available_from", lambda raw: _date(raw, "available_from", True)),
    "expires_on": ("expires_on", lambda raw: _date(raw, "expires_on", False)),
}


def _row_data(row, refusals):
    """Read the cells of a row; leave out (and add to refusals) each one typed wrong."""
    data = {}
    for column, (key, parse) in PARSERS.items():
        with refusals.check():
            data[key] = parse(row.get(column))
    data["delivery_scope"], data["regions"] = _delivery((row.get("regions") or "").strip())
    return data


def _row_errors(organisation, line, row):
    """Return every error of a row (empty when it is right) and, when right, the offer's terms."""
    refusals = Refusals()
    data = _row_data(row, refusals)
    terms = None
    with refusals.check():
        if refusals.errors:
            check_offer(organisation, data)
        else:
            terms = offer_terms(organisation, data)
    errors = [RowError(line, e.field if e.field in COLUMNS else None, e.message, e.params) for e in refusals.errors]
    return errors, terms


def read_rows(content):
    """Parse the CSV text (comma or semicolon separated) into rows keyed by column."""
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DomainError(N_("The file lacks the columns: %(columns)s."), field="file", columns=", ".join(missing))
    rows = list(reader)
    if not rows:
        raise DomainError(N_("The file has no offer."), field="file")
    if len(rows) > MAX_ROWS:
        raise DomainError(N_("A file holds at most %(max)s offers."), field="file", max=MAX_ROWS)
    return rows


def import_offers(user, content):
    """Check every row, then submit all the offers to moderation, or none of them."""
    _ensure_seller(user)
    try:
        rows = read_rows(content)
    except UnicodeDecodeError:
        raise DomainError(N_("The file must be a CSV file encoded in UTF-8."), field="file")
    terms, errors = [], []
    for line, row in enumerate(rows, start=2):  # line 1 holds the column names
        row_errors, row_terms = _row_errors(user.organisation, line, row)
        errors.extend(row_errors)
        terms.append(row_terms)
    if errors:
        raise ImportRefused(errors)
    offers = [build_offer(user, item, submit=True) for item in terms]
    db.session.commit()
    return offers
