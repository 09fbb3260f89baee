"""Writes on the household registers. Each one checks who and what, changes, keeps the
counters and records the change in the history, in one transaction."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doanket.accounts.models import User
from doanket.core.audit import audit_record
from doanket.core.lib.dates import format_date
from doanket.core.lib.vn_text import nfc
from doanket.households import access
from doanket.households.counters import counted
from doanket.households.criteria import AREA_CRITERIA, FAMILY_CRITERIA
from doanket.households.models import (
    AreaTitle,
    Evaluation,
    EvaluationComment,
    Household,
    HouseholdMove,
    HouseholdYear,
    Poverty,
    Result,
    StreakReward,
    Zone,
)
from doanket.households.poverty import check_status, standard_for
from doanket.units import selectors as unit_selectors
from doanket.units.models import Unit, UnitLink, valid_on

FIRST_YEAR = 2000
POSTING_DAYS = 10
MAX_MEMBERS = 50


def today() -> datetime.date:
    return timezone.localdate()


def check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(_("Năm không hợp lệ: hãy ghi năm bằng 4 chữ số.")) from None
    if year > today().year:
        raise ValidationError(
            _("Năm %(year)s chưa đến: chỉ ghi nhận cho năm nay (%(now)s) hoặc các năm trước.")
            % {"year": year, "now": today().year}
        )
    if year < FIRST_YEAR:
        raise ValidationError(_("Năm %(year)s quá xa, không ghi nhận.") % {"year": year})
    return year


def _check_date(value: datetime.date, what: str) -> None:
    if value is None:
        raise ValidationError(_("Hãy ghi %(what)s (dd/mm/yyyy).") % {"what": what})
    if value > today():
        raise ValidationError(
            _("%(what)s %(date)s chưa đến: không ghi nhận ngày trong tương lai.")
            % {"what": what.capitalize(), "date": format_date(value)}
        )


def _require_editor(user: User, area: Unit) -> None:
    if not access.can_edit_area(user, area):
        raise PermissionDenied(_("Bạn không có quyền cập nhật hộ gia đình của khu dân cư này."))


def _require_area(unit: Unit) -> None:
    if unit.kind != Unit.Kind.RESIDENTIAL_AREA:
        raise ValidationError(_("Hộ gia đình chỉ thuộc khu dân cư (thôn, tổ dân phố)."))


def _log(action: str, user: User, area: Unit, obj, summary: str, before=None, after=None):
    audit_record(
        action=action, actor=user, unit=area, obj=obj, summary=summary, before=before, after=after
    )


def household_fields(data: dict) -> dict:
    """Cleaned household fields, refused with a sentence naming what is wrong."""
    head = nfc(str(data.get("head_name") or "")).strip()
    if not head:
        raise ValidationError({"head_name": _("Hãy ghi họ tên chủ hộ.")})
    if len(head) > 200:
        raise ValidationError({"head_name": _("Họ tên chủ hộ dài quá 200 ký tự.")})
    members = data.get("members")
    if members in (None, ""):
        members = 1
    try:
        members = int(members)
    except (TypeError, ValueError):
        raise ValidationError({"members": _("Số nhân khẩu phải là số nguyên.")}) from None
    if not 1 <= members <= MAX_MEMBERS:
        raise ValidationError(
            {"members": _("Số nhân khẩu phải từ 1 đến %(max)s.") % {"max": MAX_MEMBERS}}
        )
    typed_phone = str(data.get("phone") or "")
    if any(ch.isalpha() for ch in typed_phone):
        raise ValidationError({"phone": _("Số điện thoại chỉ gồm chữ số (ví dụ 0912 345 678).")})
    phone = "".join(ch for ch in typed_phone if ch.isdigit() or ch == "+")
    if phone and not 8 <= len(phone.lstrip("+")) <= 12:
        raise ValidationError({"phone": _("Số điện thoại phải có 8 đến 12 chữ số.")})
    return {
        "head_name": head,
        "number": nfc(str(data.get("number") or "")).strip()[:30],
        "address": nfc(str(data.get("address") or "")).strip()[:300],
        "members": members,
        "phone": phone,
        "notes": nfc(str(data.get("notes") or "")).strip(),
    }


def _duplicate(area: Unit, fields: dict, exclude: int | None = None) -> Household | None:
    key = Household.key_for(fields["head_name"], fields["address"], fields["number"])
    found = Household.objects.filter(area=area, match_key=key, gone_on__isnull=True)
    if exclude:
        found = found.exclude(pk=exclude)
    return found.first()


@transaction.atomic
def household_create(*, user: User, area: Unit, data: dict, year: int | None = None) -> Household:
    _require_area(area)
    _require_editor(user, area)
    fields = household_fields(data)
    if _duplicate(area, fields):
        raise ValidationError(
            _("Khu dân cư đã có hộ “%(name)s” cùng địa chỉ (hoặc cùng số hộ).")
            % {"name": fields["head_name"]}
        )
    year = check_year(year or today().year)
    household = Household.objects.create(area=area, **fields)
    with counted([household.pk]):
        HouseholdYear.objects.create(household=household, year=year, area=area)
    _log("household.create", user, area, household, _("Thêm hộ %s") % household.head_name)
    return household


@transaction.atomic
def household_update(*, user: User, household: Household, data: dict) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_editor(user, household.area)
    fields = household_fields(data)
    if _duplicate(household.area, fields, exclude=household.pk):
        raise ValidationError(_("Khu dân cư đã có một hộ khác cùng tên chủ hộ và địa chỉ."))
    before = {name: getattr(household, name) for name in fields}
    for name, value in fields.items():
        setattr(household, name, value)
    household.save()
    changed = {k: v for k, v in fields.items() if before[k] != v}
    if changed:
        _log(
            "household.update",
            user,
            household.area,
            household,
            _("Sửa thông tin hộ %s") % household.head_name,
            before={k: before[k] for k in changed},
            after=changed,
        )
    return household


@transaction.atomic
def household_move(
    *, user: User, household: Household, to_area: Unit, date: datetime.date, reason: str = ""
) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_area(to_area)
    _require_editor(user, household.area)
    _require_editor(user, to_area)
    _check_date(date, _("ngày chuyển"))
    if to_area.pk == household.area_id:
        raise ValidationError(_("Hộ đã ở khu dân cư này."))
    if household.gone_on:
        raise ValidationError(_("Hộ đã chuyển đi hoặc không còn, không chuyển khu được."))
    evaluated = HouseholdYear.objects.filter(household=household, year__gte=date.year).exclude(
        result=""
    )
    if evaluated.exists():
        raise ValidationError(
            _(
                "Hộ đã được bình xét năm %(year)s ở khu dân cư hiện tại; chỉ chuyển khu từ "
                "năm sau (ghi ngày chuyển từ 01/01/%(next)s)."
            )
            % {"year": date.year, "next": date.year + 1}
        )
    last_move = household.moves.order_by("-date").values_list("date", flat=True).first()
    first_year = household.years.order_by("year").values_list("year", flat=True).first()
    earliest = max(
        filter(None, [last_move, datetime.date(first_year, 1, 1) if first_year else None]),
        default=None,
    )
    if earliest and date < earliest:
        raise ValidationError(
            _("Ngày chuyển phải từ %(date)s trở đi (hộ ở khu hiện tại từ ngày đó).")
            % {"date": format_date(earliest)}
        )
    from_area = household.area
    with counted([household.pk]):
        HouseholdYear.objects.filter(household=household, year__gte=date.year).update(area=to_area)
        household.area = to_area
        household.save()
    HouseholdMove.objects.create(
        household=household,
        from_area=from_area,
        to_area=to_area,
        date=date,
        reason=nfc(reason)[:300],
        by=user,
    )
    _log(
        "household.move",
        user,
        from_area,
        household,
        _("Chuyển hộ %(name)s từ %(from)s sang %(to)s")
        % {"name": household.head_name, "from": from_area.name, "to": to_area.name},
    )
    return household


@transaction.atomic
def household_gone(
    *, user: User, household: Household, date: datetime.date, reason: str
) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_editor(user, household.area)
    _check_date(date, _("ngày"))
    reason = nfc(reason or "").strip()
    if not reason:
        raise ValidationError(_("Hãy ghi lý do (chuyển đi nơi khác, tách hộ, không còn …)."))
    if household.gone_on:
        raise ValidationError(_("Hộ đã được đánh dấu không còn từ trước."))
    with counted([household.pk]):
        # The year it left still counts it; later years do not.
        HouseholdYear.objects.filter(household=household, year__gt=date.year).update(present=False)
        household.gone_on = date
        household.gone_reason = reason[:300]
        household.save()
    _log(
        "household.gone",
        user,
        household.area,
        household,
        _("Hộ %(name)s không còn ở khu từ %(date)s: %(reason)s")
        % {"name": household.head_name, "date": format_date(date), "reason": reason},
    )
    return household


def year_rows_ensure(area: Unit, year: int) -> int:
    """Open the year for an area: every household living there gets its row. Returns how
    many were added. Runs inside the caller's transaction."""
    have = HouseholdYear.objects.filter(year=year, household__area=area).values("household_id")
    missing = list(
        Household.objects.filter(area=area, gone_on__isnull=True)
        .exclude(pk__in=have)
        .values_list("pk", flat=True)
    )
    if not missing:
        return 0
    with counted(missing):
        HouseholdYear.objects.bulk_create(
            [HouseholdYear(household_id=pk, year=year, area=area) for pk in missing],
            batch_size=2000,
        )
    return len(missing)


def _open_evaluation(area: Unit, year: int) -> Evaluation:
    evaluation, _created = Evaluation.objects.select_for_update().get_or_create(
        area=area, year=year
    )
    return evaluation


def evaluation_for(area: Unit, year: int) -> Evaluation:
    return Evaluation.objects.get_or_create(area=area, year=year)[0]


@transaction.atomic
def registration_set(
    *, user: User, area: Unit, year, registered: set[int], on: datetime.date | None = None
) -> int:
    """Record which households of the area registered for "Gia đình văn hóa" this year
    (the ticked list). Returns how many changed."""
    _require_area(area)
    _require_editor(user, area)
    year = check_year(year)
    evaluation = _open_evaluation(area, year)
    if evaluation.status != Evaluation.Status.OPEN:
        raise ValidationError(
            _("Khu dân cư đã họp bình xét năm %(year)s: danh sách đăng ký không sửa được nữa.")
            % {"year": year}
        )
    year_rows_ensure(area, year)
    # A household that has left keeps what was recorded for it; it is not changed now.
    rows = HouseholdYear.objects.filter(
        area=area, year=year, present=True, household__gone_on__isnull=True
    )
    known = set(rows.values_list("household_id", flat=True))
    left = HouseholdYear.objects.filter(
        area=area, year=year, present=True, household__gone_on__isnull=False
    ).values_list("household_id", flat=True)
    registered = set(registered) - set(left)
    strangers = registered - known
    if strangers:
        raise ValidationError(
            _("Có %(n)s hộ không thuộc khu dân cư này trong năm %(year)s.")
            % {"n": len(strangers), "year": year}
        )
    changing = list(
        rows.exclude(registered=True, household_id__in=registered)
        .exclude(registered=False, household_id__in=known - set(registered))
        .values_list("household_id", flat=True)
    )
    if not changing:
        return 0
    on = on or today()
    with counted(changing):
        rows.filter(household_id__in=registered).update(registered=True, registered_on=on)
        rows.exclude(household_id__in=registered).update(registered=False, registered_on=None)
    _log(
        "households.register",
        user,
        area,
        evaluation,
        _("Đăng ký gia đình văn hóa năm %(year)s: %(n)s hộ") % {"year": year, "n": len(registered)},
    )
    return len(changing)


def _evaluation_locked(evaluation: Evaluation) -> None:
    if evaluation.is_decided:
        raise ValidationError(
            _("Kết quả năm %(year)s đã có quyết định công nhận và đã khóa.")
            % {"year": evaluation.year}
        )


def _fresh(evaluation: Evaluation, version) -> Evaluation:
    fresh = Evaluation.objects.select_for_update().select_related("area").get(pk=evaluation.pk)
    try:
        stale = version is not None and int(version) != fresh.version
    except (TypeError, ValueError):
        stale = True
    if stale:
        raise ValidationError(
            _("Hồ sơ bình xét vừa được người khác thay đổi. Hãy tải lại trang rồi làm lại.")
        )
    return fresh


def _bump(evaluation: Evaluation, **fields) -> None:
    evaluation.version += 1
    for name, value in fields.items():
        setattr(evaluation, name, value)
    evaluation.save()


@transaction.atomic
def evaluation_hold_meeting(
    *,
    user: User,
    evaluation: Evaluation,
    meeting_on: datetime.date,
    attendees,
    chaired_by: str,
    minutes=None,
    version=None,
) -> Evaluation:
    evaluation = _fresh(evaluation, version)
    _require_editor(user, evaluation.area)
    _evaluation_locked(evaluation)
    if evaluation.status not in (Evaluation.Status.OPEN, Evaluation.Status.MEETING_HELD):
        raise ValidationError(_("Danh sách đã niêm yết; không sửa thông tin cuộc họp được nữa."))
    _check_date(meeting_on, _("ngày họp"))
    if meeting_on.year != evaluation.year:
        raise ValidationError(
            _("Cuộc họp bình xét năm %(year)s phải họp trong năm %(year)s.")
            % {"year": evaluation.year}
        )
    try:
        attendees = int(attendees)
    except (TypeError, ValueError):
        raise ValidationError(_("Số người dự họp phải là số nguyên.")) from None
    if attendees < 1:
        raise ValidationError(_("Số người dự họp phải lớn hơn 0."))
    chaired_by = nfc(chaired_by or "").strip()
    if not chaired_by:
        raise ValidationError(_("Hãy ghi người chủ trì cuộc họp."))
    if minutes is None and not evaluation.minutes:
        raise ValidationError(_("Hãy tải lên biên bản cuộc họp bình xét."))
    if minutes is not None:
        evaluation.minutes.save(minutes.name, minutes, save=False)
    _bump(
        evaluation,
        status=Evaluation.Status.MEETING_HELD,
        meeting_on=meeting_on,
        attendees=attendees,
        chaired_by=chaired_by[:200],
    )
    _log(
        "evaluation.meeting",
        user,
        evaluation.area,
        evaluation,
        _("Họp bình xét gia đình văn hóa năm %(year)s ngày %(date)s")
        % {"year": evaluation.year, "date": format_date(meeting_on)},
    )
    return evaluation


def clean_criteria(criteria: dict, codes: list[str]) -> dict[str, bool]:
    unknown = set(criteria) - set(codes)
    if unknown:
        raise ValidationError(
            _("Tiêu chí không có trong danh mục: %(codes)s.")
            % {"codes": ", ".join(sorted(unknown))}
        )
    return {code: bool(criteria.get(code)) for code in codes}


@transaction.atomic
def evaluation_mark(
    *,
    user: User,
    evaluation: Evaluation,
    household: Household,
    achieved: bool,
    criteria: dict,
    notes: dict | None = None,
    note: str = "",
) -> HouseholdYear:
    """The meeting's verdict on one registered household, criterion by criterion."""
    evaluation = _fresh(evaluation, None)
    _require_editor(user, evaluation.area)
    _evaluation_locked(evaluation)
    if evaluation.status == Evaluation.Status.OPEN:
        raise ValidationError(
            _("Hãy ghi thông tin cuộc họp bình xét trước khi ghi kết quả từng hộ.")
        )
    if evaluation.status != Evaluation.Status.MEETING_HELD:
        raise ValidationError(_("Danh sách đã niêm yết; kết quả chỉ sửa khi xử lý góp ý."))
    household = Household.objects.get(pk=household.pk)
    if household.gone_on is not None:
        raise ValidationError(
            _("Hộ %(name)s đã chuyển đi (không còn ở khu) từ %(date)s nên không bình xét.")
            % {"name": household.head_name, "date": format_date(household.gone_on)}
        )
    row = HouseholdYear.objects.filter(
        household=household, year=evaluation.year, area=evaluation.area, present=True
    ).first()
    if row is None or not row.registered:
        raise ValidationError(
            _("Hộ %(name)s không đăng ký gia đình văn hóa năm %(year)s nên không bình xét.")
            % {"name": household.head_name, "year": evaluation.year}
        )
    ticks = clean_criteria(criteria, FAMILY_CRITERIA)
    if achieved and not all(ticks.values()):
        missing = [code for code, met in ticks.items() if not met]
        raise ValidationError(
            _("Hộ chưa đạt các tiêu chí %(codes)s nên không thể ghi “Đạt”.")
            % {"codes": ", ".join(missing)}
        )
    notes = {k: nfc(str(v)).strip()[:300] for k, v in (notes or {}).items() if k in ticks and v}
    if not achieved and all(ticks.values()) and not nfc(note or "").strip():
        raise ValidationError(
            _("Hộ đạt đủ 9 tiêu chí mà ghi “Không đạt”: hãy ghi lý do vào phần ghi chú.")
        )
    with counted([household.pk]):
        row.result = Result.ACHIEVED if achieved else Result.NOT_ACHIEVED
        row.criteria = ticks
        row.criteria_notes = notes
        row.result_note = nfc(note or "").strip()[:300]
        row.evaluation = evaluation
        row.save()
    _bump(evaluation)
    _log(
        "evaluation.mark",
        user,
        evaluation.area,
        row,
        _("Bình xét hộ %(name)s: %(result)s")
        % {"name": household.head_name, "result": Result(row.result).label},
    )
    return row


def unmarked(evaluation: Evaluation):
    return HouseholdYear.objects.filter(
        area=evaluation.area,
        year=evaluation.year,
        present=True,
        registered=True,
        result="",
        household__gone_on__isnull=True,
    )


@transaction.atomic
def evaluation_post(*, user, evaluation, posted_on, version=None) -> Evaluation:
    """Post the list publicly; comments are taken for 10 days."""
    evaluation = _fresh(evaluation, version)
    _require_editor(user, evaluation.area)
    _evaluation_locked(evaluation)
    if evaluation.status != Evaluation.Status.MEETING_HELD:
        raise ValidationError(_("Chỉ niêm yết được sau khi đã họp bình xét."))
    _check_date(posted_on, _("ngày niêm yết"))
    if posted_on < evaluation.meeting_on:
        raise ValidationError(_("Ngày niêm yết phải từ ngày họp trở đi."))
    left = unmarked(evaluation).count()
    if left:
        raise ValidationError(
            _("Còn %(n)s hộ đã đăng ký chưa có kết quả bình xét. Hãy ghi kết quả trước.")
            % {"n": left}
        )
    _bump(evaluation, status=Evaluation.Status.POSTED, posted_on=posted_on)
    _log(
        "evaluation.post",
        user,
        evaluation.area,
        evaluation,
        _("Niêm yết danh sách gia đình văn hóa năm %(year)s từ %(date)s")
        % {"year": evaluation.year, "date": format_date(posted_on)},
    )
    return evaluation


def posting_ends(evaluation: Evaluation) -> datetime.date | None:
    if evaluation.posted_on is None:
        return None
    return evaluation.posted_on + datetime.timedelta(days=POSTING_DAYS)


@transaction.atomic
def evaluation_comment_add(
    *, user, evaluation, received_on, text, author="", household=None, response=""
) -> EvaluationComment:
    evaluation = _fresh(evaluation, None)
    _require_editor(user, evaluation.area)
    if evaluation.status != Evaluation.Status.POSTED:
        raise ValidationError(_("Chỉ nhận góp ý trong thời gian niêm yết danh sách."))
    _check_date(received_on, _("ngày nhận góp ý"))
    if received_on < evaluation.posted_on:
        raise ValidationError(_("Ngày nhận góp ý phải từ ngày niêm yết trở đi."))
    text = nfc(text or "").strip()
    if not text:
        raise ValidationError(_("Hãy ghi nội dung góp ý."))
    if household is not None and household.area_id != evaluation.area_id:
        raise ValidationError(_("Hộ được góp ý không thuộc khu dân cư này."))
    comment = EvaluationComment.objects.create(
        evaluation=evaluation,
        household=household,
        received_on=received_on,
        author=nfc(author or "").strip()[:200],
        text=text,
        response=nfc(response or "").strip(),
        by=user,
    )
    _bump(evaluation)
    _log("evaluation.comment", user, evaluation.area, comment, _("Góp ý: %s") % text[:200])
    return comment


@transaction.atomic
def evaluation_propose(*, user, evaluation, proposed_on, version=None) -> Evaluation:
    evaluation = _fresh(evaluation, version)
    _require_editor(user, evaluation.area)
    _evaluation_locked(evaluation)
    if evaluation.status != Evaluation.Status.POSTED:
        raise ValidationError(_("Hãy niêm yết danh sách trước khi đề nghị xã công nhận."))
    _check_date(proposed_on, _("ngày đề nghị"))
    ends = posting_ends(evaluation)
    if proposed_on < ends:
        raise ValidationError(
            _("Danh sách niêm yết đủ %(days)s ngày (đến %(date)s) mới được đề nghị công nhận.")
            % {"days": POSTING_DAYS, "date": format_date(ends)}
        )
    _bump(evaluation, status=Evaluation.Status.PROPOSED, proposed_on=proposed_on)
    _log(
        "evaluation.propose",
        user,
        evaluation.area,
        evaluation,
        _("Đề nghị công nhận gia đình văn hóa năm %(year)s") % {"year": evaluation.year},
    )
    return evaluation


def _decision_fields(number: str, decided_on, signer: str) -> tuple[str, str]:
    number = nfc(number or "").strip()
    signer = nfc(signer or "").strip()
    if not number:
        raise ValidationError(_("Hãy ghi số quyết định (ví dụ 125/QĐ-UBND)."))
    if not signer:
        raise ValidationError(_("Hãy ghi người ký quyết định."))
    _check_date(decided_on, _("ngày quyết định"))
    return number[:60], signer[:200]


@transaction.atomic
def evaluation_decide(*, user, evaluation, number, decided_on, signer, version=None):
    """The commune's decision: the results become official and locked."""
    evaluation = _fresh(evaluation, version)
    if not access.can_approve_above(user, evaluation.area):
        raise PermissionDenied(
            _("Chỉ người phê duyệt của cấp xã (hoặc cấp trên) ra quyết định công nhận.")
        )
    _evaluation_locked(evaluation)
    if evaluation.status in (Evaluation.Status.OPEN,):
        raise ValidationError(
            _("Khu dân cư chưa họp bình xét năm %(year)s: chưa thể ra quyết định công nhận.")
            % {"year": evaluation.year}
        )
    if evaluation.status != Evaluation.Status.PROPOSED:
        raise ValidationError(
            _("Khu dân cư chưa gửi đề nghị công nhận (sau 10 ngày niêm yết) nên chưa quyết định.")
        )
    number, signer = _decision_fields(number, decided_on, signer)
    if decided_on < evaluation.proposed_on:
        raise ValidationError(_("Ngày quyết định phải từ ngày đề nghị trở đi."))
    rows = HouseholdYear.objects.filter(evaluation=evaluation).exclude(result="")
    with counted(list(rows.values_list("household_id", flat=True))):
        rows.update(official=True)
    _bump(
        evaluation,
        status=Evaluation.Status.DECIDED,
        decision_number=number,
        decision_on=decided_on,
        decision_signer=signer,
        decided_by=user,
    )
    achieved = rows.filter(result=Result.ACHIEVED).count()
    _log(
        "evaluation.decide",
        user,
        evaluation.area,
        evaluation,
        _("Quyết định %(number)s công nhận %(n)s gia đình văn hóa năm %(year)s")
        % {"number": number, "n": achieved, "year": evaluation.year},
    )
    return evaluation


def title_decider(area: Unit, on: datetime.date) -> Unit | None:
    """The unit whose body decides a residential area's title on a date: the first
    ancestor of the kind the settings name for that date (before 01/07/2025 the district,
    from then the commune), else the nearest ancestor above the area."""
    kind = Unit.Kind.COMMUNE
    for start, name in sorted(settings.AREA_TITLE_DECIDER_KINDS):
        if on >= datetime.date.fromisoformat(start):
            kind = name
    ancestors = unit_selectors.unit_ancestors(unit=area, on=on)
    for unit in reversed(ancestors):
        if unit.kind == kind:
            return unit
    parent = UnitLink.objects.filter(valid_on(on), child=area).select_related("parent").first()
    return parent.parent if parent else None


@transaction.atomic
def area_title_propose(*, user, area, year, proposal_file, proposed_on, criteria) -> AreaTitle:
    _require_area(area)
    _require_editor(user, area)
    year = check_year(year)
    _check_date(proposed_on, _("ngày đề nghị"))
    if proposal_file is None:
        raise ValidationError(
            _("Hãy tải lên hồ sơ đề nghị (báo cáo thành tích, biên bản họp khu dân cư).")
        )
    ticks = clean_criteria(criteria, AREA_CRITERIA)
    title = AreaTitle.objects.select_for_update().filter(area=area, year=year).first()
    if title and title.status != AreaTitle.Status.PROPOSED:
        raise ValidationError(_("Danh hiệu năm %(year)s đã có quyết định.") % {"year": year})
    title = title or AreaTitle(area=area, year=year)
    title.proposed_on = proposed_on
    title.criteria = ticks
    title.proposal_file.save(proposal_file.name, proposal_file, save=False)
    title.save()
    _log(
        "area_title.propose",
        user,
        area,
        title,
        _("Đề nghị công nhận %(area)s văn hóa năm %(year)s") % {"area": area.name, "year": year},
    )
    return title


@transaction.atomic
def area_title_decide(*, user, title, achieved: bool, number, decided_on, signer) -> AreaTitle:
    title = AreaTitle.objects.select_for_update().select_related("area").get(pk=title.pk)
    if title.status != AreaTitle.Status.PROPOSED:
        raise ValidationError(_("Danh hiệu này đã có quyết định."))
    number, signer = _decision_fields(number, decided_on, signer)
    if decided_on < title.proposed_on:
        raise ValidationError(_("Ngày quyết định phải từ ngày đề nghị trở đi."))
    decider = title_decider(title.area, decided_on)
    if decider is None or not access.can_approve_above(user, title.area, deciders={decider.pk}):
        raise PermissionDenied(
            _("Danh hiệu này do %(unit)s quyết định; bạn không có quyền phê duyệt ở đó.")
            % {"unit": decider.name if decider else _("cấp trên")}
        )
    if achieved and not all(title.criteria.get(code) for code in AREA_CRITERIA):
        raise ValidationError(_("Khu dân cư chưa đạt đủ 5 nhóm tiêu chí nên không công nhận."))
    title.status = AreaTitle.Status.ACHIEVED if achieved else AreaTitle.Status.NOT_ACHIEVED
    title.decider = decider
    title.decision_number, title.decision_on, title.decision_signer = number, decided_on, signer
    title.decided_by = user
    title.save()
    _log(
        "area_title.decide",
        user,
        title.area,
        title,
        _("Quyết định %(number)s: %(area)s năm %(year)s %(status)s")
        % {
            "number": number,
            "area": title.area.name,
            "year": title.year,
            "status": title.get_status_display().lower(),
        },
    )
    return title


@transaction.atomic
def poverty_set(
    *,
    user: User,
    household: Household,
    year,
    status: str,
    zone: str,
    income=None,
    deprivations=(),
    decision: str = "",
    decided_on: datetime.date | None = None,
) -> HouseholdYear:
    """A household's poverty status for a year, checked against the year's standard."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require_editor(user, household.area)
    year = check_year(year)
    if status not in Poverty.values or status == Poverty.UNKNOWN:
        raise ValidationError(_("Hãy chọn diện hộ: nghèo, cận nghèo, mức sống trung bình, khác."))
    standard = standard_for(year)
    if income in ("", None):
        income = None
    else:
        try:
            if isinstance(income, bool) or (isinstance(income, float) and not income.is_integer()):
                raise ValueError
            income = int(income)
        except (TypeError, ValueError):
            raise ValidationError(_("Thu nhập bình quân phải là số đồng.")) from None
    deprivations = sorted(set(deprivations or ()))
    check_status(standard, zone, status, income, deprivations)
    if decided_on is not None:
        _check_date(decided_on, _("ngày quyết định"))
    row = HouseholdYear.objects.filter(household=household, year=year).first()
    with counted([household.pk]):
        if row is None:
            if household.gone_on and household.gone_on.year < year:
                raise ValidationError(_("Hộ đã không còn ở khu trong năm %(y)s.") % {"y": year})
            row = HouseholdYear(household=household, year=year, area=household.area)
        before = {"poverty": row.poverty, "deprivations": row.deprivations}
        row.poverty = status
        row.standard = standard
        row.zone = zone
        row.income = income
        row.deprivations = deprivations
        row.poverty_decision = nfc(decision or "").strip()[:100]
        row.poverty_decided_on = decided_on
        row.save()
    _log(
        "household.poverty",
        user,
        household.area,
        row,
        _("Hộ %(name)s năm %(year)s: %(status)s")
        % {"name": household.head_name, "year": year, "status": Poverty(status).label},
        before=before,
        after={"poverty": status, "deprivations": deprivations},
    )
    return row


def default_zone(area: Unit) -> str:
    """Urban for areas of a ward or township (phường, thị trấn), else rural."""
    link = UnitLink.objects.filter(valid_on(today()), child=area).select_related("parent").first()
    name = (link.parent.name if link and link.parent else "").lower()
    return Zone.URBAN if name.startswith(("phường", "thị trấn")) else Zone.RURAL


@transaction.atomic
def streak_reward_record(
    *, user, first_year, last_year, number, decided_on, household=None, area=None
) -> StreakReward:
    owner_area = household.area if household is not None else area
    if owner_area is None:
        raise ValidationError(_("Hãy chọn hộ hoặc khu dân cư được khen."))
    if not access.can_approve_above(user, owner_area) and not access.can_edit_area(
        user, owner_area
    ):
        raise PermissionDenied(_("Bạn không có quyền ghi khen thưởng ở đây."))
    first_year, last_year = check_year(first_year), check_year(last_year)
    if first_year > last_year:
        raise ValidationError(_("Năm đầu phải trước năm cuối của chuỗi năm được khen."))
    overlapping = StreakReward.objects.filter(
        household=household, area=area if household is None else None
    ).filter(first_year__lte=last_year, last_year__gte=first_year)
    if overlapping.exists():
        raise ValidationError(_("Những năm này đã được khen thưởng; một năm không tính hai lần."))
    number = nfc(number or "").strip()
    if not number:
        raise ValidationError(_("Hãy ghi số quyết định khen thưởng."))
    _check_date(decided_on, _("ngày quyết định"))
    reward = StreakReward.objects.create(
        household=household,
        area=area if household is None else None,
        first_year=first_year,
        last_year=last_year,
        decision_number=number[:60],
        decision_on=decided_on,
        by=user,
    )
    _log(
        "streak.reward",
        user,
        owner_area,
        reward,
        _("Khen thưởng %(first)s–%(last)s, quyết định %(number)s")
        % {"first": first_year, "last": last_year, "number": number},
    )
    return reward
