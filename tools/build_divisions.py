"""Regenerate doanket/units/fixtures/divisions.json (Hải Dương + Hải Phòng divisions).

How to run (from the repository root)::

    python3 -m venv /tmp/divvenv
    /tmp/divvenv/bin/pip install -r tools/requirements-divisions.txt
    /tmp/divvenv/bin/python tools/build_divisions.py [--vp-legacy-json PATH]

The packages used here (``vietnamadminunits``, MIT; ``vietnam-provinces`` for
cross-checking only) are DEVELOPMENT TOOLS ONLY.  They live in the throw-away
venv /tmp/divvenv and must never become runtime dependencies of the project:
the Django app only reads the committed JSON fixture.

What it does
------------
* Legacy units (as of 30/06/2025) of Tỉnh Hải Dương (30) and Thành phố Hải Phòng
  (31) come from table ``admin_units_legacy`` of vietnamadminunits'
  ``data/dataset.db`` (read through ``vietnamadminunits.database.query``).
* New commune-level units of Thành phố Hải Phòng from 01/07/2025 come from table
  ``admin_units`` of the same database.
* The old -> new commune mapping comes from the package's converter data
  (``data/converter_2025.json``, loaded by
  ``vietnamadminunits.converter.converter_2025``):
  ``DICT_PROVINCE_WARD_NO_DIVIDED`` (old commune went wholly into one new
  commune) and ``DICT_PROVINCE_WARD_DIVIDED`` (old commune divided among several
  new communes, each with ``isDefaultNewWard``).
* primary flag of a split = the package's ``isDefaultNewWard``.  Upstream
  computes it geometrically: the new commune whose (approximate) polygon contains
  the geocoded centre of the old commune, else the new commune whose centre is
  nearest.  It approximates "the new commune holding the old commune's centre";
  it is NOT an official designation and not an area share.
* Correction applied (printed at run time): upstream's source lists old communes
  by name only, so two legacy "Xã Hòa Bình" (Kim Thành, HD and Vĩnh Bảo, HP) were
  both mapped to the union of their successors.  A pair (old, new) is dropped
  when no predecessor of ``new`` with an unambiguous name lies in the old
  commune's legacy province.
* The legacy district Huyện Bạch Long Vĩ (318) has no communes; it became Đặc khu
  Bạch Long Vĩ.  That is the only district-level succession row (kind "rename"),
  needed so that every new commune has a predecessor.
* Names: the package's full name (with its type word) is kept, NFC; the unit type
  is derived from the name's type word (the package's ``wardType`` column is
  wrong for two new units, reported as a warning).
* Cross-check: new Hải Phòng communes are compared with ``vietnam-provinces``
  (new-units-only data); with ``--vp-legacy-json`` pointing at
  ``vietnam_provinces/data/nested-divisions.json`` from the vietnam-provinces
  0.6.0 wheel (data of 2025-01-04) the legacy units are compared too.
  Disagreements are printed, never applied.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from importlib.metadata import version
from pathlib import Path

try:
    import vietnamadminunits.converter.converter_2025 as vau_conv
    from vietnamadminunits.database import query
except ImportError:  # pragma: no cover
    sys.exit("vietnamadminunits missing: run with /tmp/divvenv/bin/python (see docstring)")

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "doanket" / "units" / "fixtures" / "divisions.json"

REFORM_DATE = "2025-07-01"
LEGACY_END = "2025-06-30"
HD, HP = "30", "31"
HD_KEY, HP_KEY = "tinhhaiduong", "thanhphohaiphong"

# type word -> level; longest first so "Thành phố"/"Thị xã"/"Thị trấn" win.
TYPE_WORDS = {
    "Thành phố": {"province", "district"},
    "Thị trấn": {"commune"},
    "Thị xã": {"district"},
    "Đặc khu": {"commune"},
    "Phường": {"commune"},
    "Huyện": {"district"},
    "Quận": {"district"},
    "Tỉnh": {"province"},
    "Xã": {"commune"},
}

EXPECTED = {
    "hd_districts": 12,
    "hd_communes": 207,
    "new_hp": {"Phường": 45, "Xã": 67, "Đặc khu": 2},
}

warnings: list[str] = []


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s.strip())


# Old-style vs new-style tone placement ("Hoà"/"Hòa", "Thuỷ"/"Thủy") is not a real
# disagreement between sources; only the cross-check folds it.
_TONE = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
_TONE_RE = re.compile("(" + "|".join(_TONE) + r")(?=\W|$)")


def tone_fold(s: str) -> str:
    return _TONE_RE.sub(lambda m: _TONE[m.group(1)], nfc(s))


def type_word(name: str) -> str:
    for w in sorted(TYPE_WORDS, key=len, reverse=True):
        if name.startswith(w + " "):
            return w
    raise ValueError(f"name without type word: {name!r}")


def unit(key, code, name, kind, parent, valid_from, valid_to):
    return {
        "key": key,
        "code": code,
        "name": nfc(name),
        "kind": kind,
        "parent": parent,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


def load_legacy():
    rows = query(
        "SELECT DISTINCT provinceCode, province, provinceKey, districtCode, district, "
        "districtType, districtKey, wardCode, ward, wardType, wardKey "
        f"FROM admin_units_legacy WHERE provinceCode IN ('{HD}', '{HP}')"
    )
    provinces, districts, communes = {}, {}, {}
    old_key_to_code = {}  # converter key "prov_dist_ward" -> commune code (or district code)
    for r in rows:
        pc = r["provinceCode"].zfill(2)
        dc = r["districtCode"].zfill(3)
        provinces[pc] = nfc(r["province"])
        districts[dc] = (nfc(r["district"]), pc, r["districtType"])
        conv_key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        if not r["wardCode"]:
            old_key_to_code[conv_key] = ("district", dc)
            continue
        wc = r["wardCode"].zfill(5)
        assert wc not in communes, f"duplicate legacy commune code {wc}"
        communes[wc] = (nfc(r["ward"]), dc, pc, r["wardType"])
        old_key_to_code[conv_key] = ("commune", wc)
    for dc, (name, _, dtype) in districts.items():
        if type_word(name) != dtype:
            warnings.append(f"legacy district {dc} {name}: package type {dtype!r}")
    for wc, (name, _, _, wtype) in communes.items():
        if type_word(name) != wtype:
            warnings.append(f"legacy commune {wc} {name}: package type {wtype!r}")
    return provinces, districts, communes, old_key_to_code


def load_new():
    rows = query(
        "SELECT DISTINCT provinceCode, province, wardCode, ward, wardType, wardKey "
        f"FROM admin_units WHERE provinceCode = '{HP}'"
    )
    new, key_to_code = {}, {}
    for r in rows:
        wc = r["wardCode"].zfill(5)
        assert wc not in new, f"duplicate new commune code {wc}"
        name = nfc(r["ward"])
        if type_word(name) != r["wardType"]:
            warnings.append(
                f"new commune {wc} {name}: package wardType {r['wardType']!r} "
                f"contradicts the name; the name's type word is used"
            )
        new[wc] = name
        key_to_code[r["wardKey"]] = wc
    province_name = {nfc(r["province"]) for r in rows}
    assert province_name == {"Thành phố Hải Phòng"}, province_name
    return new, key_to_code


def load_mapping(old_key_to_code, new_key_to_code):
    """Return {old_ref: {new_code: is_default}} with old_ref=("commune"|"district", code)."""
    assert sorted(vau_conv.DICT_PROVINCE[HP_KEY]) == sorted([HD_KEY, HP_KEY]), (
        vau_conv.DICT_PROVINCE[HP_KEY]
    )
    mapping: dict[tuple, dict[str, bool]] = defaultdict(dict)
    for new_key, olds in vau_conv.DICT_PROVINCE_WARD_NO_DIVIDED[HP_KEY].items():
        for ok in olds:
            mapping[old_key_to_code[ok]][new_key_to_code[new_key]] = True
    for ok, news in vau_conv.DICT_PROVINCE_WARD_DIVIDED.get(HP_KEY, {}).items():
        ref = old_key_to_code[ok]
        assert ref not in mapping, f"{ok} both undivided and divided"
        for x in news:
            mapping[ref][new_key_to_code[x["newWardKey"]]] = bool(x["isDefaultNewWard"])
    return mapping


def fix_ambiguous_names(mapping, communes):
    """Drop (old, new) pairs that cross the legacy province border because of a name clash."""
    name_count = Counter(name for name, *_ in communes.values())
    prov_of = {("commune", c): v[2] for c, v in communes.items()}
    support = defaultdict(set)  # new code -> legacy provinces of unambiguous predecessors
    for ref, news in mapping.items():
        if ref[0] == "commune" and name_count[communes[ref[1]][0]] > 1:
            continue
        for n in news:
            support[n].add(prov_of.get(ref, HP))
    fixes = []
    for ref, news in mapping.items():
        if ref[0] != "commune":
            continue
        drop = [n for n in news if prov_of[ref] not in support[n]]
        for n in drop:
            fixes.append((ref[1], n, news[n]))
            del news[n]
        if drop:
            assert news, f"{ref} lost all successors"
            if len(news) > 1:
                assert sum(news.values()) == 1, f"{ref}: primary lost by correction"
    return fixes


def build(args):
    vau_version = version("vietnamadminunits")
    provinces, districts, communes, old_key_to_code = load_legacy()
    new, new_key_to_code = load_new()
    mapping = load_mapping(old_key_to_code, new_key_to_code)
    fixes = fix_ambiguous_names(mapping, communes)

    # ---- units -------------------------------------------------------------
    units = []
    assert provinces[HP] == "Thành phố Hải Phòng" and provinces[HD] == "Tỉnh Hải Dương", provinces
    units.append(unit(HP, HP, provinces[HP], "province", None, None, None))
    units.append(unit(HD, HD, provinces[HD], "province", None, None, LEGACY_END))
    for dc, (name, pc, _) in districts.items():
        units.append(unit(dc, dc, name, "district", pc, None, LEGACY_END))
    for wc, (name, dc, _, _) in communes.items():
        units.append(unit(wc, wc, name, "commune", dc, None, LEGACY_END))
    for wc, name in new.items():
        units.append(unit(f"new:{wc}", wc, name, "commune", HP, REFORM_DATE, None))
    rank = {"province": 0, "district": 1, "commune": 2}
    units.sort(key=lambda u: (rank[u["kind"]], u["valid_from"] is not None, u["code"], u["key"]))
    keys = [u["key"] for u in units]
    assert len(keys) == len(set(keys)), "duplicate unit keys"

    # ---- successions -------------------------------------------------------
    preds = defaultdict(set)
    for ref, news in mapping.items():
        for n in news:
            preds[n].add(ref)
    succ = [{"old": HD, "new": HP, "date": REFORM_DATE, "kind": "merge", "primary": True}]
    for ref, news in mapping.items():
        old_key = ref[1]
        old_name = communes[old_key][0] if ref[0] == "commune" else districts[old_key][0]
        for n, is_default in news.items():
            if len(news) > 1:
                kind, primary = "split", is_default
            elif preds[n] == {ref}:
                kind = "rename" if old_name != new[n] else "merge"
                primary = True
            else:
                kind, primary = "merge", True
            succ.append(
                {
                    "old": old_key,
                    "new": f"new:{n}",
                    "date": REFORM_DATE,
                    "kind": kind,
                    "primary": bool(primary),
                }
            )
    succ.sort(key=lambda s: (len(s["old"]), s["old"], s["new"]))

    # ---- checks --------------------------------------------------------------
    by_key = {u["key"]: u for u in units}
    hd_d = [u for u in units if u["kind"] == "district" and u["parent"] == HD]
    hp_d = [u for u in units if u["kind"] == "district" and u["parent"] == HP]
    hd_c = [
        u
        for u in units
        if u["kind"] == "commune" and by_key.get(u["parent"], {}).get("parent") == HD
    ]
    hp_c = [
        u
        for u in units
        if u["kind"] == "commune" and u["valid_to"] and by_key[u["parent"]]["parent"] == HP
    ]
    new_c = [u for u in units if u["kind"] == "commune" and u["valid_from"] == REFORM_DATE]
    new_types = Counter(type_word(u["name"]) for u in new_c)
    assert len(hd_d) == EXPECTED["hd_districts"], len(hd_d)
    assert len(hd_c) == EXPECTED["hd_communes"], len(hd_c)
    assert dict(new_types) == EXPECTED["new_hp"], new_types
    for u in units:
        assert unicodedata.is_normalized("NFC", u["name"])
        assert u["kind"] in TYPE_WORDS[type_word(u["name"])], u
        assert u["parent"] is None or u["parent"] in by_key, u
    for s in succ:
        assert s["old"] in by_key and s["new"] in by_key, s
    rows_by_old = defaultdict(list)
    for s in succ:
        rows_by_old[s["old"]].append(s)
    for u in hd_c + hp_c:
        assert u["key"] in rows_by_old, f"legacy commune without successor: {u}"
    for old, rows in rows_by_old.items():
        if any(r["kind"] == "split" for r in rows):
            assert all(r["kind"] == "split" for r in rows) and len(rows) > 1, rows
            assert sum(r["primary"] for r in rows) == 1, f"split {old} needs exactly one primary"
        else:
            assert len(rows) == 1 and rows[0]["primary"], rows
    has_pred = {s["new"] for s in succ}
    for u in new_c:
        assert u["key"] in has_pred, f"new commune without predecessor: {u}"
    district_rows = [s for s in succ if by_key[s["old"]]["kind"] == "district"]
    assert all(by_key[s["old"]]["code"] == "318" for s in district_rows), district_rows
    assert not any(u["parent"] == "318" for u in units), "Bạch Long Vĩ unexpectedly has communes"

    data = {
        "source": f"vietnamadminunits {vau_version}",
        "reform_date": REFORM_DATE,
        "units": units,
        "successions": succ,
    }
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    text = unicodedata.normalize("NFC", text)
    assert len(text.encode("utf-8")) < 1_000_000
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")

    # ---- report --------------------------------------------------------------
    kinds = Counter(s["kind"] for s in succ if by_key[s["old"]]["kind"] == "commune")
    split_olds = {s["old"] for s in succ if s["kind"] == "split"}
    print(
        f"source: vietnamadminunits {vau_version}; "
        f"vietnam-provinces {version('vietnam-provinces')} (cross-check)"
    )
    print(
        f"legacy Hải Dương: {len(hd_d)} district-level, {len(hd_c)} commune-level "
        f"{dict(Counter(type_word(u['name']) for u in hd_c))}"
    )
    print(
        f"legacy Hải Phòng: {len(hp_d)} district-level, {len(hp_c)} commune-level "
        f"{dict(Counter(type_word(u['name']) for u in hp_c))}"
    )
    print(f"new Hải Phòng: {len(new_c)} commune-level {dict(new_types)}")
    print(
        f"successions: {len(succ)} rows; commune rows by kind {dict(kinds)}; "
        f"old communes split: {len(split_olds)}; province rows: 1; "
        f"district rows (Bạch Long Vĩ): {len(district_rows)}"
    )
    for old, n, was_default in fixes:
        print(
            f"CORRECTION: dropped {old} {communes[old][0]} ({districts[communes[old][1]][0]}) -> "
            f"new:{n} {new[n]} (name clash across provinces; upstream default={was_default})"
        )
    for w in warnings:
        print("WARNING:", w)
    cross_check(new, provinces, districts, communes, args.vp_legacy_json)
    print(f"wrote {OUT.relative_to(REPO)} ({len(text.encode('utf-8'))} bytes, {len(units)} units)")


def cross_check(new, provinces, districts, communes, vp_legacy_json):
    try:
        from vietnam_provinces import ProvinceCode, Ward
    except ImportError:
        print("DISAGREE: vietnam-provinces not installed, new-unit cross-check skipped")
        return
    vp = {str(int(w.code)).zfill(5): w for w in Ward.iter_by_province(ProvinceCode(int(HP)))}
    vp_by_name = {nfc(w.name): c for c, w in vp.items()}
    n_dis = 0
    for code in sorted(set(vp) | set(new)):
        mine, theirs = new.get(code), vp.get(code)
        if mine and theirs and tone_fold(theirs.name) == tone_fold(mine):
            continue
        n_dis += 1
        if mine and not theirs:
            print(
                f"DISAGREE new {code} {mine}: not in vietnam-provinces"
                + (f" (it has {mine} as {vp_by_name[mine]})" if mine in vp_by_name else "")
            )
        elif theirs and not mine:
            print(f"DISAGREE new {code} {theirs.name}: only in vietnam-provinces")
        else:
            print(f"DISAGREE new {code}: {mine!r} vs vietnam-provinces {theirs.name!r}")
    print(
        f"cross-check new Hải Phòng vs vietnam-provinces: {len(vp)} vs {len(new)} units, "
        f"{n_dis} disagreements (tone-mark placement ignored)"
    )
    if not vp_legacy_json:
        print(
            "(legacy cross-check skipped: pass --vp-legacy-json with "
            "vietnam-provinces 0.6.0's nested-divisions.json)"
        )
        return
    legacy = json.loads(Path(vp_legacy_json).read_text(encoding="utf-8"))
    n_dis = 0
    seen = set()
    for p in legacy:
        pc = str(p["code"]).zfill(2)
        if pc not in (HD, HP):
            continue
        for d in p["districts"]:
            dc = str(d["code"]).zfill(3)
            if dc not in districts or districts[dc][1] != pc:
                n_dis += 1
                print(f"DISAGREE legacy district {dc} {d['name']}: missing here")
            elif tone_fold(d["name"]) != tone_fold(districts[dc][0]):
                n_dis += 1
                print(
                    f"DISAGREE legacy district {dc}: {districts[dc][0]!r} vs vp-0.6 {d['name']!r}"
                )
            for w in d["wards"]:
                wc = str(w["code"]).zfill(5)
                seen.add(wc)
                if wc not in communes or communes[wc][1] != dc:
                    n_dis += 1
                    print(f"DISAGREE legacy commune {wc} {w['name']}: missing/other district here")
                elif tone_fold(w["name"]) != tone_fold(communes[wc][0]):
                    n_dis += 1
                    print(
                        f"DISAGREE legacy commune {wc}: {communes[wc][0]!r} vs vp-0.6 {w['name']!r}"
                    )
    for wc in sorted(set(communes) - seen):
        n_dis += 1
        print(f"DISAGREE legacy commune {wc} {communes[wc][0]}: not in vp-0.6")
    print(
        f"cross-check legacy vs vietnam-provinces 0.6.0 data: {n_dis} disagreements "
        "(tone-mark placement ignored)"
    )


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--vp-legacy-json", help="nested-divisions.json of vietnam-provinces 0.6.0 (optional)"
    )
    build(ap.parse_args())
