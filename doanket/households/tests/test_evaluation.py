"""The year-end evaluation of cultured families and the areas' titles, told as the year
goes: registration, meeting, marks, posting, comments, proposal, the commune's decision."""

import datetime
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from doanket.accounts.models import Role
from doanket.conftest import PASSWORD, make_user
from doanket.households import counters, services
from doanket.households.criteria import AREA_CRITERIA, FAMILY_CRITERIA
from doanket.households.models import (
    AreaTitle,
    AreaYearCount,
    Evaluation,
    EvaluationComment,
    HouseholdYear,
)
from doanket.units.tests.test_browser import browser_type_launch_args  # noqa: F401

YEAR = 2026
TODAY = datetime.date(2026, 11, 29)
ALL_MET = dict.fromkeys(FAMILY_CRITERIA, True)
# the browser test's live server answers from another thread of this process
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def today_is(living_in):
    living_in(TODAY)


def url(name, area, year=YEAR, *extra):
    return reverse(f"households:{name}", args=[area.pk, year, *extra])


def a_file(name="bien-ban.pdf", size=None):
    content = b"%PDF-1.4 bien ban" if size is None else b"0" * size
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def meeting(**changes):
    data = {
        "meeting_on": "02/11/2026",
        "attendees": "45",
        "chaired_by": "Bùi Văn Thôn",
        "minutes": a_file(),
        "version": "1",
    }
    data.update(changes)
    return data


def evaluation_of(area, year=YEAR):
    return Evaluation.objects.get(area=area, year=year)


@pytest.fixture
def registered(homes):
    """A1's first four households registered for the year; the fifth did not."""
    services.registration_set(
        user=homes.cast.area_editor,
        area=homes.tree.A1,
        year=YEAR,
        registered={h.pk for h in homes.a1[:4]},
        on=datetime.date(2026, 2, 1),
    )
    return homes


@pytest.fixture
def met(registered):
    """The meeting is held and recorded."""
    evaluation = services.evaluation_hold_meeting(
        user=registered.cast.area_editor,
        evaluation=evaluation_of(registered.tree.A1),
        meeting_on=datetime.date(2026, 11, 2),
        attendees=45,
        chaired_by="Bùi Văn Thôn",
        minutes=a_file(),
    )
    registered.evaluation = evaluation
    return registered


def _mark(homes, household, achieved=True, criteria=None):
    services.evaluation_mark(
        user=homes.cast.area_editor,
        evaluation=evaluation_of(homes.tree.A1),
        household=household,
        achieved=achieved,
        criteria=criteria or ALL_MET,
    )


@pytest.fixture
def marked(met):
    """Three achieved, the fourth not (it missed criterion III.3)."""
    for household in met.a1[:3]:
        _mark(met, household)
    _mark(met, met.a1[3], achieved=False, criteria={**ALL_MET, "III.3": False})
    return met


@pytest.fixture
def posted(marked):
    services.evaluation_post(
        user=marked.cast.area_editor,
        evaluation=evaluation_of(marked.tree.A1),
        posted_on=datetime.date(2026, 11, 5),
    )
    return marked


@pytest.fixture
def proposed(posted):
    services.evaluation_propose(
        user=posted.cast.area_editor,
        evaluation=evaluation_of(posted.tree.A1),
        proposed_on=datetime.date(2026, 11, 16),
    )
    return posted


def decision(version, **changes):
    data = {
        "number": "125/QĐ-UBND",
        "decided_on": "20/11/2026",
        "signer": "Lý Văn Xã",
        "version": str(version),
    }
    data.update(changes)
    return data


@pytest.fixture
def decided(proposed):
    services.evaluation_decide(
        user=proposed.cast.commune_approver,
        evaluation=evaluation_of(proposed.tree.A1),
        number="125/QĐ-UBND",
        decided_on=datetime.date(2026, 11, 20),
        signer="Lý Văn Xã",
    )
    return proposed


def results(homes):
    return list(
        HouseholdYear.objects.filter(household__in=homes.a1, year=YEAR)
        .order_by("household_id")
        .values_list("result", "official")
    )


# The page ---------------------------------------------------------------------------


def test_the_page_shows_the_steps_and_the_registered_households(client_for, registered):
    page = client_for(registered.cast.area_editor).get(url("eval_detail", registered.tree.A1))
    text = page.content.decode()
    assert page.status_code == 200
    for step in ("Đăng ký", "Họp bình xét", "Niêm yết 10 ngày", "Đề nghị", "Quyết định"):
        assert step in text
    assert 'aria-current="step"' in text
    assert "Nguyễn Văn An" in text and "Phạm Thị Dung" in text
    assert "Đỗ Văn Em" not in text  # not registered
    assert "Ghi thông tin cuộc họp" in text and 'name="version"' in text


def test_looking_at_a_year_writes_nothing(client_for, homes):
    response = client_for(homes.cast.area_viewer).get(url("eval_detail", homes.tree.A1))
    assert response.status_code == 200
    assert not Evaluation.objects.exists()


def test_a_year_not_begun_is_not_found(client_for, homes):
    client = client_for(homes.cast.area_editor)
    assert client.get(url("eval_detail", homes.tree.A1, 2027)).status_code == 404
    assert client.get(url("eval_detail", homes.tree.A1, 1999)).status_code == 404


def test_the_editor_runs_the_year_step_by_step(client_for, registered):
    cast, a1 = registered.cast, registered.tree.A1
    client = client_for(cast.area_editor)

    response = client.post(url("eval_meeting", a1), meeting())
    assert response.status_code == 302
    evaluation = evaluation_of(a1)
    assert evaluation.status == "meeting_held" and evaluation.attendees == 45
    assert evaluation.minutes.name.endswith(".pdf")

    achieved, missed = registered.a1[0], registered.a1[3]
    response = client.post(url("eval_mark", a1, YEAR, achieved.pk), {"quick": "achieved"})
    assert response.status_code == 302
    ticks = {f"c_{code}": "1" for code in FAMILY_CRITERIA if code != "II.3"}
    response = client.post(
        url("eval_mark", a1, YEAR, missed.pk),
        ticks | {"achieved": "0", "n_II.3": "Con 12 tuổi bỏ học", "note": "Nhắc nhở"},
    )
    assert response.status_code == 302
    row = HouseholdYear.objects.get(household=missed, year=YEAR)
    assert row.result == "not_achieved" and row.criteria["II.3"] is False
    assert row.criteria_notes == {"II.3": "Con 12 tuổi bỏ học"} and row.result_note == "Nhắc nhở"

    response = client.post(url("eval_mark_all", a1))
    assert response.status_code == 302
    assert services.unmarked(evaluation_of(a1)).count() == 0

    version = evaluation_of(a1).version
    response = client.post(url("eval_post", a1), {"posted_on": "05/11/2026", "version": version})
    assert response.status_code == 302 and evaluation_of(a1).status == "posted"
    page = client.get(url("eval_detail", a1)).content.decode()
    assert "15/11/2026" in page  # the end of the comment window

    response = client.post(
        url("eval_comment", a1),
        {
            "received_on": "07/11/2026",
            "author": "Ông Hải",
            "text": "Hộ bà Dung còn nợ đóng góp quỹ",
            "household": str(missed.pk),
            "response": "Đã xác minh",
        },
    )
    assert response.status_code == 302
    comment = EvaluationComment.objects.get()
    assert comment.household == missed and comment.response == "Đã xác minh"

    version = evaluation_of(a1).version
    response = client.post(
        url("eval_propose", a1), {"proposed_on": "16/11/2026", "version": version}
    )
    assert response.status_code == 302 and evaluation_of(a1).status == "proposed"

    approver = client_for(cast.commune_approver)
    page = approver.get(url("eval_detail", a1)).content.decode()
    assert "Ghi quyết định" in page
    response = approver.post(url("eval_decide", a1), decision(evaluation_of(a1).version))
    assert response.status_code == 302
    evaluation = evaluation_of(a1)
    assert evaluation.status == "decided" and evaluation.decision_number == "125/QĐ-UBND"
    assert evaluation.decided_by == cast.commune_approver
    assert [official for _result, official in results(registered)][:4] == [True] * 4

    page = client_for(cast.area_editor).get(url("eval_detail", a1)).content.decode()
    assert "đã khóa" in page and "chỉ để xem" in page
    assert "Ghi thông tin cuộc họp" not in page and "Lưu" not in page


def test_the_decision_makes_the_counters_official(client_for, proposed):
    a1 = proposed.tree.A1
    before = AreaYearCount.objects.get(area=a1, year=YEAR)
    assert before.achieved == 0 and before.registered == 4
    client_for(proposed.cast.commune_approver).post(
        url("eval_decide", a1), decision(evaluation_of(a1).version)
    )
    count = AreaYearCount.objects.get(area=a1, year=YEAR)
    achieved = HouseholdYear.objects.filter(
        area=a1, year=YEAR, official=True, result="achieved"
    ).count()
    assert count.achieved == achieved == 3
    fresh = counters.fresh_counts([a1.pk])[(a1.pk, YEAR)]
    assert fresh["achieved"] == count.achieved and fresh["registered"] == count.registered


# Who may do what ---------------------------------------------------------------------


EDITOR_POSTS = ("eval_meeting", "eval_mark_all", "eval_post", "eval_comment", "eval_propose")


def test_a_viewer_reads_but_cannot_write(client_for, marked):
    client = client_for(marked.cast.area_viewer)
    page = client.get(url("eval_detail", marked.tree.A1)).content.decode()
    assert "Nguyễn Văn An" in page and "Sửa thông tin cuộc họp" not in page
    assert "Niêm yết danh sách" not in page
    before = (evaluation_of(marked.tree.A1).version, results(marked))
    for name in EDITOR_POSTS:
        response = client.post(url(name, marked.tree.A1), {"posted_on": "05/11/2026"})
        assert response.status_code == 403, name
    response = client.post(
        url("eval_mark", marked.tree.A1, YEAR, marked.a1[3].pk), {"quick": "achieved"}
    )
    assert response.status_code == 403
    assert (evaluation_of(marked.tree.A1).version, results(marked)) == before


def test_the_approver_of_the_area_itself_cannot_decide(client_for, proposed):
    client = client_for(proposed.cast.area_approver)
    page = client.get(url("eval_detail", proposed.tree.A1)).content.decode()
    assert "Ghi quyết định" not in page
    response = client.post(
        url("eval_decide", proposed.tree.A1), decision(evaluation_of(proposed.tree.A1).version)
    )
    assert response.status_code == 403
    assert evaluation_of(proposed.tree.A1).status == "proposed"


def test_the_commune_approver_does_not_do_the_area_s_work(client_for, registered):
    response = client_for(registered.cast.commune_approver).post(
        url("eval_meeting", registered.tree.A1), meeting()
    )
    assert response.status_code == 403
    assert evaluation_of(registered.tree.A1).status == "open"


def test_an_editor_cannot_decide(client_for, proposed):
    response = client_for(proposed.cast.area_editor).post(
        url("eval_decide", proposed.tree.A1), decision(evaluation_of(proposed.tree.A1).version)
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["outsider", "outsider_editor"])
def test_an_outsider_gets_not_found_everywhere(client_for, proposed, who):
    client = client_for(getattr(proposed.cast, who))
    a1, household = proposed.tree.A1, proposed.a1[0]
    pages = [
        url("eval_detail", a1),
        url("eval_minutes", a1),
        url("eval_document", a1, YEAR, "notice", "xlsx"),
        url("eval_document", a1, YEAR, "annex", "pdf"),
        url("title_detail", a1),
        url("title_file", a1),
        reverse("households:eval_unit", args=[proposed.tree.N1.pk, YEAR]),
        reverse("households:title_list", args=[proposed.tree.N1.pk, YEAR]),
        reverse("households:streak_list", args=[proposed.tree.N1.pk]),
    ]
    for page in pages:
        assert client.get(page).status_code == 404, page
    posts = [url(name, a1) for name in (*EDITOR_POSTS, "eval_decide", "title_detail")]
    posts += [
        url("eval_mark", a1, YEAR, household.pk),
        url("title_decide", a1),
        reverse("households:streak_reward", args=[proposed.tree.N1.pk]),
    ]
    for post in posts:
        assert client.post(post, decision(9) | {"proposed_on": "16/11/2026"}).status_code == 404
    assert evaluation_of(a1).status == "proposed" and not EvaluationComment.objects.exists()


# Refusals: a Vietnamese sentence, nothing written ---------------------------------------


def test_a_result_for_a_household_that_never_registered_is_refused(client_for, met):
    stranger = met.a1[4]
    response = client_for(met.cast.area_editor).post(
        url("eval_mark", met.tree.A1, YEAR, stranger.pk), {"quick": "achieved"}
    )
    assert response.status_code == 400
    assert "không đăng ký gia đình văn hóa năm 2026 nên không bình xét" in response.content.decode()
    assert HouseholdYear.objects.get(household=stranger, year=YEAR).result == ""


def test_a_household_of_another_area_cannot_be_marked_here(client_for, met):
    # the commune's editor sees both areas; the area's editor would not even find it
    response = client_for(met.cast.editor).post(
        url("eval_mark", met.tree.A1, YEAR, met.a2[0].pk), {"quick": "achieved"}
    )
    assert response.status_code == 400
    assert not HouseholdYear.objects.filter(household=met.a2[0]).exclude(result="").exists()


def test_achieved_with_a_criterion_missing_is_refused(client_for, met):
    ticks = {f"c_{code}": "1" for code in FAMILY_CRITERIA if code != "I.2"}
    response = client_for(met.cast.area_editor).post(
        url("eval_mark", met.tree.A1, YEAR, met.a1[0].pk), ticks | {"achieved": "1"}
    )
    assert response.status_code == 400
    assert "chưa đạt các tiêu chí I.2" in response.content.decode()
    assert HouseholdYear.objects.get(household=met.a1[0], year=YEAR).result == ""


def test_marks_before_the_meeting_are_refused(client_for, registered):
    response = client_for(registered.cast.area_editor).post(
        url("eval_mark", registered.tree.A1, YEAR, registered.a1[0].pk), {"quick": "achieved"}
    )
    assert response.status_code == 400
    assert "Hãy ghi thông tin cuộc họp bình xét trước" in response.content.decode()


def test_posting_with_households_not_marked_is_refused(client_for, met):
    _mark(met, met.a1[0])
    a1 = met.tree.A1
    response = client_for(met.cast.area_editor).post(
        url("eval_post", a1), {"posted_on": "05/11/2026", "version": evaluation_of(a1).version}
    )
    assert response.status_code == 400
    assert "Còn 3 hộ đã đăng ký chưa có kết quả bình xét" in response.content.decode()
    assert evaluation_of(a1).status == "meeting_held" and evaluation_of(a1).posted_on is None


def test_proposing_before_ten_days_is_refused(client_for, posted):
    a1 = posted.tree.A1
    response = client_for(posted.cast.area_editor).post(
        url("eval_propose", a1), {"proposed_on": "10/11/2026", "version": evaluation_of(a1).version}
    )
    assert response.status_code == 400
    assert "niêm yết đủ 10 ngày (đến 15/11/2026)" in response.content.decode()
    assert evaluation_of(a1).status == "posted" and evaluation_of(a1).proposed_on is None


def test_a_decision_before_the_meeting_is_refused(client_for, registered):
    a1 = registered.tree.A1
    response = client_for(registered.cast.commune_approver).post(
        url("eval_decide", a1), decision(1)
    )
    assert response.status_code == 400
    assert "chưa họp bình xét năm 2026" in response.content.decode()
    evaluation = evaluation_of(a1)
    assert evaluation.status == "open" and evaluation.decision_number == ""


def test_a_decision_for_an_area_never_opened_leaves_no_row(client_for, homes):
    response = client_for(homes.cast.commune_approver).post(
        url("eval_decide", homes.tree.A2), decision(1)
    )
    assert response.status_code == 400
    assert "chưa họp bình xét" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_deciding_twice_is_refused(client_for, decided):
    a1 = decided.tree.A1
    response = client_for(decided.cast.commune_approver).post(
        url("eval_decide", a1), decision(evaluation_of(a1).version, number="999/QĐ-UBND")
    )
    assert response.status_code == 400
    assert "đã có quyết định công nhận và đã khóa" in response.content.decode()
    assert evaluation_of(a1).decision_number == "125/QĐ-UBND"


def test_marks_after_the_decision_are_refused(client_for, decided):
    before = results(decided)
    response = client_for(decided.cast.area_editor).post(
        url("eval_mark", decided.tree.A1, YEAR, decided.a1[3].pk), {"quick": "achieved"}
    )
    assert response.status_code == 400
    assert "đã có quyết định công nhận và đã khóa" in response.content.decode()
    assert results(decided) == before


def test_a_stale_page_does_not_overwrite(client_for, met):
    a1 = met.tree.A1
    _mark(met, met.a1[0])  # moves the version on
    response = client_for(met.cast.area_editor).post(
        url("eval_meeting", a1), meeting(attendees="60", version="1")
    )
    assert response.status_code == 400
    assert "vừa được người khác thay đổi" in response.content.decode()
    assert evaluation_of(a1).attendees == 45


def test_a_bad_date_is_explained(client_for, registered):
    response = client_for(registered.cast.area_editor).post(
        url("eval_meeting", registered.tree.A1), meeting(meeting_on="31/11/2026")
    )
    assert response.status_code == 400
    assert "tháng 11/2026 chỉ có 30 ngày" in response.content.decode()
    assert evaluation_of(registered.tree.A1).status == "open"


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: a_file("bien-ban.exe"), "Chỉ nhận tệp PDF, Word"),
        (lambda: a_file("bien-ban.pdf", size=20 * 1024 * 1024 + 1), "lớn hơn 20 MB"),
    ],
)
def test_minutes_of_a_wrong_kind_or_size_are_refused(client_for, registered, upload, message):
    response = client_for(registered.cast.area_editor).post(
        url("eval_meeting", registered.tree.A1), meeting(minutes=upload())
    )
    assert response.status_code == 400 and message in response.content.decode()
    evaluation = evaluation_of(registered.tree.A1)
    assert evaluation.status == "open" and not evaluation.minutes


def test_a_meeting_without_minutes_is_refused(client_for, registered):
    data = meeting()
    del data["minutes"]
    response = client_for(registered.cast.area_editor).post(
        url("eval_meeting", registered.tree.A1), data
    )
    assert response.status_code == 400
    assert "Hãy tải lên biên bản" in response.content.decode()


def test_a_comment_outside_the_posting_is_refused(client_for, marked):
    response = client_for(marked.cast.area_editor).post(
        url("eval_comment", marked.tree.A1), {"received_on": "07/11/2026", "text": "Góp ý"}
    )
    assert response.status_code == 400
    assert "Chỉ nhận góp ý trong thời gian niêm yết" in response.content.decode()
    assert not EvaluationComment.objects.exists()


def test_a_comment_about_a_household_of_another_area_is_refused(client_for, posted):
    response = client_for(posted.cast.area_editor).post(
        url("eval_comment", posted.tree.A1),
        {"received_on": "07/11/2026", "text": "Góp ý", "household": str(posted.a2[0].pk)},
    )
    assert response.status_code == 400
    assert "không thuộc khu dân cư này" in response.content.decode()
    assert not EvaluationComment.objects.exists()


def test_marking_all_when_none_is_left_says_so(client_for, marked):
    response = client_for(marked.cast.area_editor).post(url("eval_mark_all", marked.tree.A1))
    assert response.status_code == 400
    assert "Không còn hộ nào chưa có kết quả" in response.content.decode()


# htmx: one row at a time ---------------------------------------------------------------


def test_a_row_saved_with_htmx_comes_back_in_place(client_for, met):
    household = met.a1[1]
    response = client_for(met.cast.area_editor).post(
        url("eval_mark", met.tree.A1, YEAR, household.pk),
        {"quick": "achieved"},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert f'id="hh-{household.pk}"' in text and "Đạt đủ 9 tiêu chí" in text
    version = evaluation_of(met.tree.A1).version
    assert f'value="{version}" hx-swap-oob="outerHTML:.eval-version"' in text
    assert 'id="eval-counts"' in text
    assert HouseholdYear.objects.get(household=household, year=YEAR).result == "achieved"


def test_a_row_refused_with_htmx_keeps_what_was_typed(client_for, met):
    household = met.a1[1]
    ticks = {f"c_{code}": "1" for code in FAMILY_CRITERIA if code != "III.1"}
    response = client_for(met.cast.area_editor).post(
        url("eval_mark", met.tree.A1, YEAR, household.pk),
        ticks | {"achieved": "1", "n_III.1": "Chưa rõ"},
        HTTP_HX_REQUEST="true",
    )
    text = response.content.decode()
    assert "chưa đạt các tiêu chí III.1" in text and 'value="Chưa rõ"' in text
    assert HouseholdYear.objects.get(household=household, year=YEAR).result == ""


# Files --------------------------------------------------------------------------------


def test_the_minutes_can_be_read_by_whoever_sees_the_area(client_for, met):
    response = client_for(met.cast.area_viewer).get(url("eval_minutes", met.tree.A1))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# The commune's view -------------------------------------------------------------------


def test_the_commune_approver_sees_the_proposals_of_its_areas(client_for, proposed):
    tree = proposed.tree
    page = client_for(proposed.cast.commune_approver).get(
        reverse("households:eval_unit", args=[tree.N1.pk, YEAR])
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Thôn Đông" in text and "Thôn Đoài" in text and "Thôn Thượng" in text
    assert "Thôn Hạ" not in text  # A4 went to N2
    assert 'id="inbox"' in text and "Chờ quyết định" in text
    row = text.split(f'data-area="{tree.A1.pk}"')[1].split("</tr>")[0]
    assert ">5<" in row and ">4<" in row and ">3<" in row and "75,00%" in row


def test_an_area_editor_does_not_see_the_commune(client_for, proposed):
    client = client_for(proposed.cast.area_editor)
    assert (
        client.get(reverse("households:eval_unit", args=[proposed.tree.N1.pk, YEAR])).status_code
        == 404
    )
    response = client.get(reverse("households:eval_unit", args=[proposed.tree.A1.pk, YEAR]))
    assert response.status_code == 302
    assert response["Location"] == url("eval_detail", proposed.tree.A1)


def test_the_index_lists_the_user_s_units(client_for, homes):
    page = client_for(homes.cast.commune_approver).get(reverse("households:eval_index"))
    assert page.status_code == 200
    assert reverse("households:eval_unit", args=[homes.tree.N1.pk, YEAR]) in page.content.decode()


# Residential areas' titles ------------------------------------------------------------


CRITERIA_TICKED = {f"c_{code}": "1" for code in AREA_CRITERIA}


def propose_title(client, area, year=YEAR, **changes):
    data = {"proposed_on": "20/11/2026", "proposal_file": a_file("to-trinh.pdf")}
    data.update(CRITERIA_TICKED)
    data.update(changes)
    return client.post(url("title_detail", area, year), data)


def title_decision(**changes):
    data = {"achieved": "1", "number": "30/QĐ-UBND", "decided_on": "25/11/2026", "signer": "Lý"}
    data.update(changes)
    return data


def test_the_title_is_decided_by_the_district_before_the_reform_and_the_commune_after(tree):
    assert services.title_decider(tree.A1, datetime.date(2025, 6, 30)) == tree.D1
    assert services.title_decider(tree.A1, datetime.date(2025, 7, 1)) == tree.N1
    assert services.title_decider(tree.A4, datetime.date(2026, 11, 29)) == tree.N2


def test_the_deciding_body_is_a_setting(tree):
    with override_settings(AREA_TITLE_DECIDER_KINDS=[("1900-01-01", "commune")]):
        assert services.title_decider(tree.A1, datetime.date(2024, 6, 1)) == tree.C1


def test_an_area_proposes_and_the_commune_decides(client_for, homes):
    a1 = homes.tree.A1
    response = propose_title(client_for(homes.cast.area_editor), a1)
    assert response.status_code == 302
    title = AreaTitle.objects.get()
    assert title.status == "proposed" and title.criteria == dict.fromkeys(AREA_CRITERIA, True)

    approver = client_for(homes.cast.commune_approver)
    listing = approver.get(reverse("households:title_list", args=[homes.tree.N1.pk, YEAR]))
    assert "hồ sơ chờ quyết định" in listing.content.decode()
    page = approver.get(url("title_detail", a1)).content.decode()
    assert "Phường Cẩm Giàng quyết định" in page and "Ghi quyết định" in page
    response = approver.post(url("title_decide", a1), title_decision())
    assert response.status_code == 302
    title.refresh_from_db()
    assert title.status == "achieved" and title.decider == homes.tree.N1
    assert title.decided_by == homes.cast.commune_approver
    page = client_for(homes.cast.area_viewer).get(url("title_detail", a1)).content.decode()
    assert "Được công nhận theo Quyết định số 30/QĐ-UBND ngày 25/11/2026" in page
    assert "Gửi đề nghị" not in page


def test_a_proposal_needs_its_file(client_for, homes):
    response = propose_title(client_for(homes.cast.area_editor), homes.tree.A1, proposal_file="")
    assert response.status_code == 400
    assert "Hãy tải lên hồ sơ đề nghị" in response.content.decode()
    assert not AreaTitle.objects.exists()


def test_a_title_is_not_given_with_a_criterion_missing(client_for, homes):
    a1 = homes.tree.A1
    propose_title(client_for(homes.cast.area_editor), a1, **{"c_3": ""})
    response = client_for(homes.cast.commune_approver).post(
        url("title_decide", a1), title_decision()
    )
    assert response.status_code == 400
    assert "chưa đạt đủ 5 nhóm tiêu chí" in response.content.decode()
    assert AreaTitle.objects.get().status == "proposed"


def test_viewers_and_the_area_s_own_approver_cannot_touch_titles(client_for, homes):
    a1 = homes.tree.A1
    assert propose_title(client_for(homes.cast.area_viewer), a1).status_code == 403
    assert not AreaTitle.objects.exists()
    propose_title(client_for(homes.cast.area_editor), a1)
    response = client_for(homes.cast.area_approver).post(url("title_decide", a1), title_decision())
    assert response.status_code == 403
    assert AreaTitle.objects.get().status == "proposed"


@pytest.fixture
def district_approver(tree):
    return make_user("district_approver", "Hà Văn Huyện", **{Role.APPROVER: tree.D1})


def test_a_title_of_2024_decided_in_march_2025_belongs_to_the_district(
    client_for, homes, district_approver
):
    a1 = homes.tree.A1
    propose_title(client_for(homes.cast.area_editor), a1, 2024, proposed_on="10/12/2024")
    refused = client_for(homes.cast.commune_approver).post(
        url("title_decide", a1, 2024), title_decision(decided_on="01/03/2025")
    )
    assert refused.status_code == 403
    assert AreaTitle.objects.get().status == "proposed"

    district = client_for(district_approver)
    listing = district.get(reverse("households:title_list", args=[homes.tree.D1.pk, 2024]))
    text = listing.content.decode()
    assert "Thôn Đông" in text and "Thôn Hạ" in text and "hồ sơ chờ quyết định" in text
    response = district.post(url("title_decide", a1, 2024), title_decision(decided_on="01/03/2025"))
    assert response.status_code == 302
    title = AreaTitle.objects.get()
    assert title.status == "achieved" and title.decider == homes.tree.D1


def test_the_district_no_longer_decides_after_the_reform(client_for, homes, district_approver):
    a1 = homes.tree.A1
    propose_title(client_for(homes.cast.area_editor), a1, 2025, proposed_on="10/12/2025")
    response = client_for(district_approver).post(
        url("title_decide", a1, 2025), title_decision(decided_on="05/01/2026")
    )
    assert response.status_code == 403
    assert AreaTitle.objects.get().status == "proposed"


# In a phone's browser ----------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_marking_on_a_phone_saves_each_row_in_place(page, live_server, registered):
    """htmx swaps the row and moves every form's version on, so posting afterwards is
    not refused as stale."""
    services.evaluation_hold_meeting(
        user=registered.cast.area_editor,
        evaluation=evaluation_of(registered.tree.A1),
        meeting_on=datetime.date(2026, 11, 2),
        attendees=30,
        chaired_by="Bùi Văn Thôn",
        minutes=a_file(),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "area_editor")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Xin chào")
    page.goto(live_server.url + url("eval_detail", registered.tree.A1))

    first, second = registered.a1[0], registered.a1[1]
    page.click(f"#hh-{first.pk} button[name=quick]")
    page.wait_for_selector(f"#hh-{first.pk} .badge.text-bg-success")
    version = str(evaluation_of(registered.tree.A1).version)
    versions = page.eval_on_selector_all(".eval-version", "inputs => inputs.map(i => i.value)")
    assert versions and set(versions) == {version}

    page.click(f"#hh-{second.pk} summary")
    page.uncheck(f"#c-{second.pk}-III\\.3")
    page.click(f"#hh-{second.pk} button[name=save]")
    page.wait_for_selector(f"#hh-{second.pk} .alert-danger")
    page.check(f"#a0-{second.pk}")
    page.click(f"#hh-{second.pk} button[name=save]")
    page.wait_for_selector(f"#hh-{second.pk} .badge.text-bg-danger")

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#households form button.btn-success")
    page.wait_for_selector("text=Đã ghi “Đạt”")
    page.fill("#id_posted_on", "05/11/2026")
    page.click("#posting button.btn-primary")
    page.wait_for_selector("text=Đã niêm yết danh sách")
    assert evaluation_of(registered.tree.A1).status == "posted"
