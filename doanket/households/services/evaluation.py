"""The year-end evaluation of cultured families: meeting, marks, posting, proposal, decision."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from doanket.accounts.models import User
from doanket.core.lib.dates import format_date
from doanket.core.lib.vn_text import nfc
from doanket.households import access
from doanket.households.counters import counted
from doanket.households.criteria import FAMILY_CRITERIA
from doanket.households.models import (
    Evaluation,
    EvaluationComment,
    Household,
    HouseholdYear,
    Result,
)
from doanket.households.services.common import (
    POSTING_DAYS,
    _check_date,
    _decision_fields,
    _log,
    _require_editor,
    clean_criteria,
)
from doanket.units.models import Unit


def _open_evaluation(area: Unit, year: int) -> Evaluation:
    evaluation, _created = Evaluation.objects.select_for_update().get_or_create(
        area=area, year=year
    )
    return evaluation


def evaluation_for(area: Unit, year: int) -> Evaluation:
    return Evaluation.objects.get_or_create(area=area, year=year)[0]


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
