"""Bulk import of offers from a CSV file: every row is checked, and nothing is saved if one is wrong."""
import csv
import io
from datetime import date

from ..domain.errors import DomainError, N_
from ..domain.masks import Category
from ..domain.offers import parse_price_cents
from ..extensions import db
from .offers import DeliveryScope, _ensure_seller, build_offer, offer_terms

COLUMNS = ("category", "quantity", "unit_price", "regions", "available_from", "expires_on")
MAX_ROWS = 5000
EVERYWHERE = {"all", "france", "toutes", "tout"}


class RowError:
    def __init__(self, line, message, params):
        self.line = line
        self.message = message
        self.params = params


class ImportRefused(DomainError):
    """The file has invalid rows; `rows` lists them, by line number."""

    def __init__(self, rows):
        super().__init__(N_("Nothing was imported: %(count)s rows have errors."), count=len(rows))
        self.rows = rows


def _date(raw, field, required):
    raw = (raw or "").strip()
    if not raw:
        if required:
            raise DomainError(N_("The date %(column)s is missing."), column=field)
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(N_("The date %(column)s must be written YYYY-MM-DD."), column=field)


def _row_data(row):
    category = (row.get("category") or "").strip().upper()
    if category not in Category.__members__.values():
        raise DomainError(N_("Unknown mask category %(category)s."), category=category or "—")
    try:
        quantity = int((row.get("quantity") or "").strip().replace(" ", ""))
    except ValueError:
        raise DomainError(N_("The quantity must be a whole number of units above zero."))
    regions_cell = (row.get("regions") or "").strip()
    codes = [code.strip() for code in regions_cell.split("|") if code.strip()]
    if not codes or codes == ["own"]:
        scope = DeliveryScope.OWN
    elif regions_cell.lower() in EVERYWHERE:
        scope = DeliveryScope.ALL
    else:
        scope = DeliveryScope.SEVERAL
    return {
        "category": category,
        "quantity": quantity,
        "unit_price_cents": parse_price_cents(row.get("unit_price")),
        "delivery_scope": scope,
        "regions": codes,
        "available_from": _date(row.get("available_from"), "available_from", True),
        "expires_on": _date(row.get("expires_on"), "expires_on", False),
    }


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
        try:
            terms.append(offer_terms(user.organisation, _row_data(row)))
        except DomainError as error:
            errors.append(RowError(line, error.message, error.params))
    if errors:
        raise ImportRefused(errors)
    offers = [build_offer(user, item, submit=True) for item in terms]
    db.session.commit()
    return offers
