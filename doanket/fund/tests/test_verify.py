"""`manage.py verify_ledger`: a clean ledger passes, and every kind of tampering a person
with the database's own powers could do is reported, fund by fund, with a non-zero exit.

On PostgreSQL the triggers refuse changes, so each tampering first switches them off for
its transaction (`SET LOCAL session_replication_role = replica`), as a DBA could."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from doanket.fund import services
from doanket.fund.models import Entry, Posting

from .conftest import DAY


def give(c, amount=1_250_000, fund=None, **extra):
    fields = {"donor_type": Posting.DonorType.INDIVIDUAL, "donor_name": "Nguyễn Văn Hảo"}
    fields.update(extra)
    return services.donation_record(
        user=c.fund_officer, fund=fund or c.N1_fund, amount=amount, date=DAY, **fields
    )


def tamper(sql: str, params=()) -> None:
    """Change stored rows behind the application's back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def verify(*args) -> str:
    out = io.StringIO()
    call_command("verify_ledger", *args, stdout=out, no_color=True)
    return out.getvalue()


def verify_broken(*args) -> tuple[str, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("verify_ledger", *args, stdout=out, no_color=True)
    return out.getvalue(), str(refused.value)


def line_of(output: str, fund) -> list[str]:
    """The fund's line and the problem lines under it."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(fund.name))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("    "):
            break
        block.append(line)
    return block


@pytest.fixture
def ledger_with_history(funds):
    """Donations, a reversal and a transfer to the province: every kind of posting."""
    first = give(funds)
    give(funds, "3.000.000")
    services.reversal_record(user=funds.fund_officer, posting=first, reason="Ghi nhầm người")
    services.transfer_record(
        user=funds.fund_officer,
        fund=funds.N1_fund,
        to_fund=funds.P_fund,
        amount=1_000_000,
        date=DAY,
    )
    return funds


def test_a_clean_ledger_passes_with_every_fund_listed(ledger_with_history):
    c = ledger_with_history
    output = verify()
    n1 = line_of(output, c.N1_fund)
    expected = f"{c.N1_fund.name} (mã số {c.N1_fund.pk}): 4 bút toán, số dư 2.000.000 đ"
    assert n1 == [f"{expected} — khớp (OK)"]
    assert "1 bút toán, số dư 1.000.000 đ — khớp (OK)" in line_of(output, c.P_fund)[0]
    assert "0 bút toán, số dư 0 đ — khớp (OK)" in line_of(output, c.N2_fund)[0]
    assert "Đã kiểm tra 3 quỹ: số dư và chuỗi băm đều khớp." in output


def test_a_changed_amount_is_reported_and_the_exit_is_an_error(ledger_with_history):
    c = ledger_with_history
    tamper("UPDATE fund_entry SET amount = 99 WHERE fund_id = %s AND seq = 2", [c.N1_fund.pk])
    output, error = verify_broken()
    block = line_of(output, c.N1_fund)
    assert "chỗ không khớp" in block[0]
    assert any("seq 2: nội dung đã bị thay đổi" in line for line in block)
    assert any("các dòng không đúng thiết kế" in line for line in block)
    assert "1/3 quỹ" in error
    # the other funds are untouched and still said to be so
    assert line_of(output, c.P_fund)[0].endswith("khớp (OK)")


def test_a_changed_amount_on_the_receiving_side_of_a_transfer_is_reported(ledger_with_history):
    c = ledger_with_history
    tamper("UPDATE fund_entry SET amount = 5000000 WHERE fund_id = %s", [c.P_fund.pk])
    output, _error = verify_broken()
    assert any("seq 1: nội dung đã bị thay đổi" in line for line in line_of(output, c.P_fund))
    # the transfer's two sides no longer match the design: seen from the sender's fund
    assert any("không đúng thiết kế" in line for line in line_of(output, c.N1_fund))


def test_a_deleted_entry_in_the_middle_of_the_chain_is_reported(ledger_with_history):
    c = ledger_with_history
    tamper("DELETE FROM fund_entry WHERE fund_id = %s AND seq = 2", [c.N1_fund.pk])
    output, _error = verify_broken()
    block = "\n".join(line_of(output, c.N1_fund))
    assert "seq 2: thiếu, gặp 3" in block
    assert "seq 3: mắt xích trước không khớp" in block
    assert "3 bút toán" in block


def test_a_deleted_last_entry_is_reported_through_its_posting(ledger_with_history):
    c = ledger_with_history
    last = Entry.objects.filter(fund=c.N1_fund).order_by("-seq").first()
    tamper("DELETE FROM fund_entry WHERE id = %s", [last.pk])
    output, _error = verify_broken()
    block = "\n".join(line_of(output, c.N1_fund))
    assert f"chứng từ {last.posting_id}: các dòng không đúng thiết kế" in block


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("donor_name", "Người khác"),
        ("amount", 9_000_000),
        ("date", "2026-10-01"),
        ("donor_type", "organisation"),
    ],
)
def test_a_changed_field_of_a_posting_is_reported(ledger_with_history, column, value):
    c = ledger_with_history
    second = Posting.objects.filter(fund=c.N1_fund, kind="donation").order_by("id")[1]
    tamper(f"UPDATE fund_posting SET {column} = %s WHERE id = %s", [value, second.pk])
    output, _error = verify_broken()
    seq = Entry.objects.get(posting=second).seq
    assert any(f"seq {seq}: nội dung đã bị thay đổi" in line for line in line_of(output, c.N1_fund))


def test_a_reversal_pointed_at_another_posting_is_reported(ledger_with_history):
    c = ledger_with_history
    reversal = Posting.objects.get(kind="reversal")
    other = Posting.objects.filter(kind="donation").exclude(pk=reversal.reverses_id).get()
    tamper("UPDATE fund_posting SET reverses_id = %s WHERE id = %s", [other.pk, reversal.pk])
    output, _error = verify_broken()
    assert any("nội dung đã bị thay đổi" in line for line in line_of(output, c.N1_fund))


def test_one_fund_can_be_checked_alone(ledger_with_history):
    c = ledger_with_history
    tamper("UPDATE fund_entry SET amount = 99 WHERE fund_id = %s AND seq = 1", [c.N1_fund.pk])
    output = verify("--fund", str(c.P_fund.pk))
    assert c.P_fund.name in output and c.N1_fund.name not in output
    assert "Đã kiểm tra 1 quỹ" in output
    output, error = verify_broken("--fund", str(c.N1_fund.pk))
    assert c.N1_fund.name in output and c.P_fund.name not in output
    assert "1/1 quỹ" in error


def test_an_unknown_fund_is_an_error_not_a_clean_pass(funds):
    output, error = verify_broken("--fund", "999999")
    assert "Không có quỹ mã số 999999" in error and output == ""
