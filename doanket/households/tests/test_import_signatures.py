"""What stands under a list's total row is its signature block, not households."""

from .test_import import ROWS, last_batch, tasks_run_at_once, upload, xlsx  # noqa: F401


def test_the_signature_block_under_the_total_is_not_a_household(client_for, people):
    client = client_for(people.area_editor)
    rows = [
        ROWS[0],
        ROWS[1],
        ["", "Tổng cộng", "", "", 6, "", ""],
        [],
        ["", "Người lập biểu", "", "", "", "Tổ trưởng", ""],
        ["", "(Ký, ghi rõ họ tên)", "", "", "", "", ""],
        ["", "Bùi Văn Thôn", "", "", "", "Đinh Văn Trưởng", ""],
    ]
    upload(client, people.tree.A1, xlsx(rows))
    batch = last_batch()
    assert (batch.accepted, batch.rejected) == (2, [])


def test_numbered_rows_after_a_subtotal_still_count(client_for, people):
    client = client_for(people.area_editor)
    rows = [
        ROWS[0],
        ["", "Cộng", "", "", 3, "", ""],
        ROWS[1],
    ]
    upload(client, people.tree.A1, xlsx(rows))
    assert last_batch().accepted == 2


def test_a_batch_no_worker_took_says_so(client_for, people, settings):
    import datetime

    from django.utils import timezone

    from doanket.households.models import ImportBatch

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = client_for(people.area_editor)
    upload(client, people.tree.A1, xlsx([ROWS[0]]))
    batch = last_batch()
    assert batch.status == ImportBatch.Status.QUEUED
    page = client.get(f"/households/import/{batch.pk}/").content.decode()
    assert 'id="stalled"' not in page
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    page = client.get(f"/households/import/{batch.pk}/").content.decode()
    assert 'id="stalled"' in page and "db_worker" in page
