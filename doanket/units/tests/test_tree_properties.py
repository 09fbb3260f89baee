"""Random trees with random reform histories: the prefix query must agree with a walk."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doanket.units import selectors
from doanket.units.models import Unit, UnitLink, valid_on
from doanket.units.services import unit_link_create, unit_move

DAYS = [datetime.date(2020, 1, 1) + datetime.timedelta(days=100 * i) for i in range(12)]


def walked_subtree(root_id: int, on: datetime.date) -> set[int]:
    children: dict[int, list[int]] = {}
    for child_id, parent_id in UnitLink.objects.filter(valid_on(on)).values_list(
        "child_id", "parent_id"
    ):
        children.setdefault(parent_id, []).append(child_id)
    seen, stack = set(), [root_id]
    while stack:
        node = stack.pop()
        seen.add(node)
        stack.extend(children.get(node, []))
    return seen


histories = st.tuples(
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=14),
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=1000),
            st.integers(min_value=0, max_value=1000),
            st.sampled_from(DAYS),
        ),
        max_size=10,
    ),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=histories)
def test_the_prefix_subtree_equals_the_walked_subtree_on_every_date(db, history):
    UnitLink.objects.all().delete()
    Unit.objects.all().delete()
    parents_choice, moves = history
    root = Unit.objects.create(code="R", name="Gốc", kind=Unit.Kind.PROVINCE)
    unit_link_create(child=root, parent=None)
    units = [root]
    for i, pick in enumerate(parents_choice):
        unit = Unit.objects.create(code=f"U{i}", name=f"Đơn vị {i}", kind=Unit.Kind.COMMUNE)
        unit_link_create(child=unit, parent=units[pick % len(units)])
        units.append(unit)
    for who, where, on in sorted(moves, key=lambda move: move[2]):
        unit = units[1 + who % (len(units) - 1)] if len(units) > 1 else None
        target = units[where % len(units)]
        if unit is None:
            continue
        try:
            unit_move(unit=unit, parent=target, on=on)
        except Exception as error:  # a refused move (a cycle, the same day) changes nothing
            assert "ValidationError" in type(error).__name__
    for on in DAYS:
        placed = list(UnitLink.objects.filter(valid_on(on)).values_list("child_id", flat=True))
        assert len(placed) == len(set(placed)), "a unit appears twice on one date"
        for unit in units:
            expected = walked_subtree(unit.pk, on)
            got = set(selectors.unit_subtree(unit=unit, on=on).values_list("pk", flat=True))
            assert got == expected
