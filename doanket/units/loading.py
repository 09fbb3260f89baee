"""Loading the official divisions, and the synthetic residential areas of the demo."""

import datetime
import json
import random
from pathlib import Path

from django.db import transaction

from doanket.core.lib.vn_text import fold, nfc
from doanket.units.models import BEGINNING, END, REFORM_DATE, MemberOrg, Succession, Unit, UnitLink

FIXTURE = Path(__file__).parent / "fixtures" / "divisions.json"
LAST_LEGACY_DAY = REFORM_DATE - datetime.timedelta(days=1)

VILLAGE_NAMES = [
    "Đông",
    "Đoài",
    "Nam",
    "Bắc",
    "Thượng",
    "Hạ",
    "Trung",
    "An Lạc",
    "Phú Xá",
    "Tân Lập",
    "Cao Xá",
    "Hòa Bình",
    "Đại Đồng",
    "Thanh Liễu",
    "Văn Xá",
    "Kim Đôi",
    "Lạc Dục",
    "Phương Độ",
    "Mỹ Xá",
    "Quảng Xá",
    "Ngọc Lặc",
    "Vĩnh Lại",
    "Cổ Dũng",
    "Đồng Tâm",
    "Tiền Phong",
    "Quyết Thắng",
    "Hưng Long",
    "Bình Minh",
    "Ấp Bắc",
    "Ưng Hòe",
    "Lý Văn",
    "Đào Xá",
]


def _day(text: str | None, default: datetime.date) -> datetime.date:
    return datetime.date.fromisoformat(text) if text else default


def _create_all(model, objects) -> None:
    """bulk_create with the normalised name and search key that save() would set."""
    objects = list(objects)
    for obj in objects:
        obj.name = nfc(obj.name)
        obj.name_folded = fold(obj.name)
    model.objects.bulk_create(objects, batch_size=1000)


def divisions_loaded() -> bool:
    return Unit.objects.filter(code="30", kind=Unit.Kind.PROVINCE).exists()


@transaction.atomic
def divisions_load(*, path: Path = FIXTURE) -> dict[str, int]:
    """Load the units, placements and successions of the fixture, once."""
    if divisions_loaded():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = data["units"]
    units = {
        row["key"]: Unit(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            valid_from=_day(row["valid_from"], BEGINNING),
            valid_to=_day(row["valid_to"], END),
        )
        for row in rows
    }
    _create_all(Unit, units.values())
    paths: dict[str, str] = {}
    links = []
    depth_of = {"province": 0, "district": 1, "commune": 2}
    for row in sorted(rows, key=lambda r: (r["parent"] is not None, depth_of[r["kind"]])):
        unit = units[row["key"]]
        parent = units[row["parent"]] if row["parent"] else None
        paths[row["key"]] = (paths[row["parent"]] if parent else "/") + f"{unit.pk}/"
        links.append(
            UnitLink(
                child=unit,
                parent=parent,
                valid_from=unit.valid_from,
                valid_to=unit.valid_to,
                path=paths[row["key"]],
                depth=paths[row["key"]].count("/") - 2,
            )
        )
    UnitLink.objects.bulk_create(links)
    Succession.objects.bulk_create(
        Succession(
            old=units[row["old"]],
            new=units[row["new"]],
            date=datetime.date.fromisoformat(row["date"]),
            kind=row["kind"],
            primary=row["primary"],
        )
        for row in data["successions"]
    )
    return {"units": len(units), "links": len(links), "successions": len(data["successions"])}


def _area_names(commune: Unit, rng: random.Random, count: int) -> list[str]:
    if commune.name.startswith("Xã"):
        return [f"Thôn {name}" for name in rng.sample(VILLAGE_NAMES, count)]
    style = rng.choice(["Tổ dân phố {}", "Khu dân cư số {}", "Khu {}"])
    return [style.format(number) for number in range(1, count + 1)]


@transaction.atomic
def residential_areas_generate(*, seed: int = 2025) -> int:
    """Give each legacy commune 5–15 synthetic residential areas, relinked on 1/7/2025.

    An area keeps its identity across the reform; when its commune was split, the areas
    are shared among the successors, the primary one first.
    """
    if Unit.objects.filter(kind=Unit.Kind.RESIDENTIAL_AREA).exists():
        return 0
    legacy_links = UnitLink.objects.filter(
        child__valid_to=LAST_LEGACY_DAY, child__kind=Unit.Kind.COMMUNE
    ).select_related("child")
    successors: dict[int, list[int]] = {}
    for succession in Succession.objects.order_by("-primary", "new__code"):
        successors.setdefault(succession.old_id, []).append(succession.new_id)
    new_paths = dict(
        UnitLink.objects.filter(valid_from=REFORM_DATE).values_list("child_id", "path")
    )
    plans = []
    for link in sorted(legacy_links, key=lambda item: item.child.code):
        commune = link.child
        rng = random.Random(f"{seed}:{commune.code}")
        names = _area_names(commune, rng, rng.randint(5, 15))
        heirs = successors.get(commune.pk, [])
        for number, name in enumerate(names, start=1):
            area = Unit(
                code=f"{commune.code}.{number:02d}",
                name=name,
                kind=Unit.Kind.RESIDENTIAL_AREA,
            )
            heir = heirs[(number - 1) % len(heirs)] if heirs else None
            plans.append((area, link.path, heir))
    _create_all(Unit, [area for area, _path, _heir in plans])
    links = []
    for area, old_path, heir in plans:
        links.append(
            UnitLink(
                child=area,
                parent_id=int(old_path.strip("/").split("/")[-1]),
                valid_from=BEGINNING,
                valid_to=LAST_LEGACY_DAY if heir else END,
                path=f"{old_path}{area.pk}/",
                depth=old_path.count("/") - 1,
            )
        )
        if heir:
            links.append(
                UnitLink(
                    child=area,
                    parent_id=heir,
                    valid_from=REFORM_DATE,
                    valid_to=END,
                    path=f"{new_paths[heir]}{area.pk}/",
                    depth=new_paths[heir].count("/") - 1,
                )
            )
    UnitLink.objects.bulk_create(links, batch_size=2000)
    return len(plans)


ORG_LEVELS = {
    MemberOrg.OrgType.FARMERS: {"province", "district", "commune"},
    MemberOrg.OrgType.WOMEN: {"province", "district", "commune"},
    MemberOrg.OrgType.YOUTH: {"province", "district", "commune"},
    MemberOrg.OrgType.VETERANS: {"province", "district", "commune"},
    MemberOrg.OrgType.LABOUR: {"province", "district"},
}

ORG_NAME_PREFIX = {
    MemberOrg.OrgType.FARMERS: "Hội Nông dân",
    MemberOrg.OrgType.WOMEN: "Hội Liên hiệp Phụ nữ",
    MemberOrg.OrgType.YOUTH: "Đoàn Thanh niên",
    MemberOrg.OrgType.VETERANS: "Hội Cựu chiến binh",
    MemberOrg.OrgType.LABOUR: "Liên đoàn Lao động",
}


@transaction.atomic
def member_orgs_create_standard() -> int:
    """The five mass organisations at each level where they sit, for the unit's lifetime."""
    if MemberOrg.objects.exists():
        return 0
    orgs = []
    for unit in Unit.objects.exclude(kind=Unit.Kind.RESIDENTIAL_AREA):
        for org_type, levels in ORG_LEVELS.items():
            if unit.kind in levels:
                org = MemberOrg(
                    unit=unit,
                    org_type=org_type,
                    name=f"{ORG_NAME_PREFIX[org_type]} {unit.name}",
                    valid_from=unit.valid_from,
                    valid_to=unit.valid_to,
                )
                orgs.append(org)
    _create_all(MemberOrg, orgs)
    return len(orgs)
