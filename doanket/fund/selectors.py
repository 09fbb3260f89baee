"""Reads on the fund: the statement of a unit for a period (its own fund, or every fund
of its subtree on a chosen map) and the figures the report forms compute from it.

Everything is summed from entries with a few grouped queries. A reversal counts against
the kind of what it reverses, on its own date: the reversal of a donation lowers what
was received in the period it is posted in, even when the donation lay in an earlier one.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from doanket.fund.models import Drive, Entry, Fund, Posting
from doanket.units.models import Unit, UnitLink, valid_on

HOUSE_CATEGORIES = (Posting.Category.HOUSE_NEW, Posting.Category.HOUSE_REPAIR)
DONATION, DISBURSEMENT, TRANSFER = (
    Posting.Kind.DONATION,
    Posting.Kind.DISBURSEMENT,
    Posting.Kind.TRANSFER,
)


def _of_original(name: str):
    """A posting's field, read from the original when the posting is a reversal (the
    reversal row itself carries no drive, donor, category or recipient)."""
    return Coalesce(F(f"posting__reverses__{name}"), F(f"posting__{name}"))


# province first, then districts, then communes
LEVEL = Case(
    *[When(unit__kind=kind, then=Value(n)) for n, kind in enumerate(Unit.Kind.values)],
    output_field=IntegerField(),
)


# +1 for a posting, −1 for a reversal: counts of postings net of their reversals
SIGN = Case(
    When(posting__kind=Posting.Kind.REVERSAL, then=Value(-1)),
    default=Value(1),
    output_field=IntegerField(),
)


def _entries(fund_ids, start: datetime.date | None, end: datetime.date):
    """The entries of the funds up to `end` (from `start` when given), each with the kind
    it counts as."""
    entries = Entry.objects.filter(fund_id__in=list(fund_ids), date__lte=end)
    if start is not None:
        entries = entries.filter(date__gte=start)
    return entries.annotate(kind_of=_of_original("kind")).order_by()


# Where funds sit on a map ----------------------------------------------------------


def _root_path(unit: Unit, on: datetime.date) -> str | None:
    return (
        UnitLink.objects.filter(valid_on(on), child=unit)
        .order_by("valid_from")
        .values_list("path", flat=True)
        .first()
    )


def _segment(root: str, path: str) -> int | None:
    """The child of the root a path passes through; None for the root itself."""
    rest = path[len(root) :].strip("/")
    return int(rest.split("/")[0]) if rest else None


def fund_owners(unit: Unit, on: datetime.date, *, rollup: bool = True) -> dict[int, int | None]:
    """fund id → the child of `unit` on the map of `on` whose subtree holds the fund
    (None: the unit itself). Without `rollup`, only the unit's own fund.

    A fund of a unit absent from that map (a 2024 commune seen on today's map, a commune
    of today seen on the old one) counts where its figures live then, as reports do:
    at its primary successor, else its last parent's place (decision 0004)."""
    root = _root_path(unit, on) if rollup else None
    if root is None:
        own = Fund.objects.filter(unit=unit).values_list("pk", flat=True).first()
        return {own: None} if own else {}
    owners: dict[int, int | None] = {}
    placed = UnitLink.objects.filter(
        valid_on(on), path__startswith=root, child__fund__isnull=False
    ).values_list("child__fund__pk", "path")
    for fund_id, path in placed:
        owners[fund_id] = _segment(root, path)
    absent = dict(
        Fund.objects.filter(Q(unit__valid_from__gt=on) | Q(unit__valid_to__lt=on)).values_list(
            "unit_id", "pk"
        )
    )
    if absent:
        from doanket.reporting.selectors import _representative_paths

        paths = _representative_paths(set(absent), on)
        for unit_id, fund_id in absent.items():
            path = paths.get(unit_id)
            if path and path.startswith(root):
                owners[fund_id] = _segment(root, path)
    return owners


# Grouped sums ----------------------------------------------------------------------


def _balances(fund_ids, start: datetime.date, end: datetime.date) -> dict[int, dict]:
    """Per fund: opening balance, received, spent and the entries' sum at the end."""
    rows = (
        _entries(fund_ids, None, end)
        .values("fund_id")
        .annotate(
            opening=Sum("amount", filter=Q(date__lt=start)),
            closing=Sum("amount"),
            received=Sum("amount", filter=Q(date__gte=start, kind_of=DONATION)),
            spent=Sum("amount", filter=Q(date__gte=start, kind_of=DISBURSEMENT)),
        )
    )
    return {
        row["fund_id"]: {
            "opening": row["opening"] or 0,
            "closing": row["closing"] or 0,
            "received": row["received"] or 0,
            "spent": -(row["spent"] or 0),
        }
        for row in rows
    }


def _transfers(fund_ids, start, end) -> list[tuple[int, bool, int, int]]:
    """(fund, whether it is the sending side, the other fund, amount moved in the
    direction of the original transfer: a reversal gives a negative amount)."""
    rows = (
        _entries(fund_ids, start, end)
        .filter(kind_of=TRANSFER)
        .values("fund_id", "posting__fund_id", "posting__counterpart_id")
        .annotate(total=Sum("amount"))
    )
    found = []
    for row in rows:
        sending = row["fund_id"] == row["posting__fund_id"]
        other = row["posting__counterpart_id"] if sending else row["posting__fund_id"]
        found.append((row["fund_id"], sending, other, -row["total"] if sending else row["total"]))
    return found


def _receipts(fund_ids, start, end, by: str) -> list[dict]:
    """Donations net of their reversals, grouped by the original's `by` field."""
    return list(
        _entries(fund_ids, start, end)
        .filter(kind_of=DONATION)
        .annotate(group=_of_original(by))
        .values("group")
        .annotate(amount=Sum("amount"), count=Sum(SIGN))
    )


def _recipients(fund_ids, start, end, categories=None) -> list[dict]:
    """Disbursements net of their reversals per fund, category and recipient (a
    household of the register, or a named project)."""
    entries = _entries(fund_ids, start, end).filter(kind_of=DISBURSEMENT)
    entries = entries.annotate(
        category_of=_of_original("category"),
        household_of=_of_original("household_id"),
        project_of=_of_original("project"),
    )
    if categories is not None:
        entries = entries.filter(category_of__in=categories)
    rows = entries.values("fund_id", "category_of", "household_of", "project_of").annotate(
        amount=Sum("amount"), count=Sum(SIGN)
    )
    return [{**row, "amount": -row["amount"]} for row in rows]


@dataclass
class Spending:
    """Spending of one category: đồng and postings net of reversals, the recipients
    (households or projects) left with money, the households among them."""

    amount: int = 0
    count: int = 0
    recipients: set = field(default_factory=set)
    households: set = field(default_factory=set)


def _spending(rows: list[dict]) -> dict[str, Spending]:
    """Per category, from rows of one owner (possibly several funds): a recipient counts
    when the funds together leave it with money in the period."""
    nets: dict[tuple[str, tuple], int] = defaultdict(int)
    result: dict[str, Spending] = defaultdict(Spending)
    for row in rows:
        category = row["category_of"]
        result[category].amount += row["amount"]
        result[category].count += row["count"]
        who = ("h", row["household_of"]) if row["household_of"] else ("p", row["project_of"])
        nets[category, who] += row["amount"]
    for (category, who), net in nets.items():
        if net > 0:
            result[category].recipients.add(who)
            if who[0] == "h":
                result[category].households.add(who[1])
    return result


def _helped(rows: list[dict]) -> int:
    """Households left with money across all categories."""
    nets: dict[int, int] = defaultdict(int)
    for row in rows:
        if row["household_of"]:
            nets[row["household_of"]] += row["amount"]
    return sum(1 for net in nets.values() if net > 0)


# The statement ---------------------------------------------------------------------


@dataclass
class Line:
    key: object
    label: str
    amount: int
    count: int


@dataclass
class CategoryLine:
    key: str
    label: str
    amount: int = 0
    count: int = 0
    households: int = 0
    houses: int | None = None  # only for the Great-Unity house categories


@dataclass
class ChildLine:
    """A child unit's part of a roll-up (None for the unit's own fund and funds counted
    at the unit itself)."""

    unit: Unit | None
    funds: int = 0
    opening: int = 0
    received: int = 0
    spent: int = 0
    closing: int = 0

    @property
    def transfers(self) -> int:
        """Money moved in less money moved out, whatever the other side."""
        return self.closing - self.opening - self.received + self.spent


@dataclass
class FundStatement:
    unit: Unit
    start: datetime.date
    end: datetime.date
    on: datetime.date
    rollup: bool
    placed: bool = True  # whether the unit is on the map of `on`
    funds: list[Fund] = field(default_factory=list)
    opening: int = 0
    received: int = 0
    spent: int = 0
    transfers_in: int = 0
    transfers_out: int = 0
    internal_transfers: int = 0  # between funds of the roll-up: counted on neither side
    ledger_closing: int = 0
    received_by_drive: list[Line] = field(default_factory=list)
    received_by_donor_type: list[Line] = field(default_factory=list)
    spent_by_category: list[CategoryLine] = field(default_factory=list)
    households_helped: int = 0
    houses: int = 0
    children: list[ChildLine] = field(default_factory=list)

    @property
    def has_fund(self) -> bool:
        return bool(self.funds)

    @property
    def closing(self) -> int:
        return self.opening + self.received - self.spent + self.transfers_in - self.transfers_out

    @property
    def balanced(self) -> bool:
        """The statement's arithmetic agrees with the ledger's sum at the period's end."""
        return self.closing == self.ledger_closing


def fund_statement(
    unit: Unit,
    start: datetime.date,
    end: datetime.date,
    *,
    on: datetime.date | None = None,
    rollup: bool = False,
) -> FundStatement:
    """The unit's fund for the period from `start` to `end` (both included), alone or
    rolled up over every fund of the unit's subtree on the map of `on` (default: `end`).
    In a roll-up, transfers between two funds of the subtree cancel out."""
    on = on or end
    owners = fund_owners(unit, on, rollup=rollup)
    statement = FundStatement(unit, start, end, on, rollup)
    statement.placed = unit.is_valid_on(on)
    if not owners:
        return statement
    ids = set(owners)
    statement.funds = list(
        Fund.objects.filter(pk__in=ids).select_related("unit").order_by(LEVEL, "pk")
    )
    balances = _balances(ids, start, end)
    for values in balances.values():
        statement.opening += values["opening"]
        statement.received += values["received"]
        statement.spent += values["spent"]
        statement.ledger_closing += values["closing"]
    for _fund, sending, other, amount in _transfers(ids, start, end):
        if other in ids:
            statement.internal_transfers += amount if sending else 0
        elif sending:
            statement.transfers_out += amount
        else:
            statement.transfers_in += amount
    statement.received_by_drive = _by_drive(ids, start, end, rollup)
    statement.received_by_donor_type = _by_donor_type(ids, start, end)
    rows = _recipients(ids, start, end)
    spending = _spending(rows)
    statement.spent_by_category = _category_lines(spending)
    statement.households_helped = _helped(rows)
    statement.houses = sum(line.houses or 0 for line in statement.spent_by_category)
    if rollup:
        statement.children = _child_lines(unit, on, owners, balances)
    return statement


def _by_drive(ids, start, end, rollup: bool) -> list[Line]:
    rows = _receipts(ids, start, end, "drive_id")
    drives = Drive.objects.select_related("fund__unit").in_bulk(
        [row["group"] for row in rows if row["group"]]
    )
    lines = []
    for row in rows:
        drive = drives.get(row["group"])
        if drive is None:
            label = _("Ngoài các đợt vận động")
        elif rollup:
            label = f"{drive.name} ({drive.fund.unit.name})"
        else:
            label = drive.name
        lines.append(Line(row["group"], label, row["amount"] or 0, row["count"] or 0))
    lines.sort(key=lambda line: (line.key is None, -(line.amount or 0), line.label))
    return lines


def _by_donor_type(ids, start, end) -> list[Line]:
    rows = {row["group"]: row for row in _receipts(ids, start, end, "donor_type")}
    return [
        Line(value, str(label), rows[value]["amount"] or 0, rows[value]["count"] or 0)
        for value, label in Posting.DonorType.choices
        if value in rows
    ]


def _category_lines(spending: dict[str, Spending]) -> list[CategoryLine]:
    """Every category in its order, zero where nothing was spent, so that statements of
    different units and periods read alike."""
    lines = []
    for value, label in Posting.Category.choices:
        part = spending.get(value, Spending())
        lines.append(
            CategoryLine(
                value,
                str(label),
                part.amount,
                part.count,
                len(part.households),
                len(part.recipients) if value in HOUSE_CATEGORIES else None,
            )
        )
    return lines


def _child_lines(unit, on, owners, balances) -> list[ChildLine]:
    from doanket.units.selectors import unit_children

    lines = {None: ChildLine(None)}
    for child in unit_children(unit=unit, on=on):
        lines[child.pk] = ChildLine(child)
    for fund_id, owner in owners.items():
        if owner not in lines:  # a child without a placement of its own that day
            lines[owner] = ChildLine(Unit.objects.filter(pk=owner).first())
        line = lines[owner]
        line.funds += 1
        values = balances.get(fund_id)
        if values:
            line.opening += values["opening"]
            line.received += values["received"]
            line.spent += values["spent"]
            line.closing += values["closing"]
    own = lines.pop(None)
    return ([own] if own.funds else []) + list(lines.values())


# Report figures --------------------------------------------------------------------

FIGURE_KEYS = (
    "fund.opening",
    "fund.received",
    "fund.spent",
    "fund.houses_new",
    "fund.houses_new_amount",
    "fund.houses_repaired",
    "fund.houses_repaired_amount",
)
HOUSE_KEYS = {
    Posting.Category.HOUSE_NEW: ("fund.houses_new", "fund.houses_new_amount"),
    Posting.Category.HOUSE_REPAIR: ("fund.houses_repaired", "fund.houses_repaired_amount"),
}


def fund_figures(unit: Unit, start, end, on, keys=FIGURE_KEYS) -> dict:
    """{None: {key: value}} for the unit's subtree on the map of `on`, and {child id:
    {key: value}} for each of its children then; None values where no fund is held."""
    children = list(
        UnitLink.objects.filter(valid_on(on), parent=unit).values_list("child_id", flat=True)
    )
    blank = dict.fromkeys(keys)
    result: dict = {None: dict(blank), **{child: dict(blank) for child in children}}
    owners = fund_owners(unit, on)
    if not owners:
        return result
    balances = _balances(set(owners), start, end)
    wants_houses = any(key in keys for pair in HOUSE_KEYS.values() for key in pair)
    rows = _recipients(set(owners), start, end, HOUSE_CATEGORIES) if wants_houses else []
    groups: dict = {None: list(owners)}
    for fund_id, owner in owners.items():
        if owner is not None:
            groups.setdefault(owner, []).append(fund_id)
    for owner, fund_ids in groups.items():
        mine = set(fund_ids)
        values = _figures(
            [balances[f] for f in mine if f in balances],
            [row for row in rows if row["fund_id"] in mine],
            keys,
        )
        result.setdefault(owner, {}).update(values)
    return result


def _figures(balances: list[dict], rows: list[dict], keys) -> dict:
    spending = _spending(rows)
    values = {
        "fund.opening": sum(b["opening"] for b in balances),
        "fund.received": sum(b["received"] for b in balances),
        "fund.spent": sum(b["spent"] for b in balances),
    }
    for category, (count_key, amount_key) in HOUSE_KEYS.items():
        part = spending.get(category, Spending())
        values[count_key] = len(part.recipients)
        values[amount_key] = part.amount
    return {key: values[key] for key in keys if key in values}
