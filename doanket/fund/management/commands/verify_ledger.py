"""Recompute every fund's balance and hash chain from the stored rows and report breaks.

Run by the province's auditors (or by cron) against the live database: a break means a
row was changed or removed behind the application's back, for instance by someone who
switched the PostgreSQL triggers off. The exit code is non-zero when anything is broken,
so a scheduler can raise the alarm.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from doanket.core.lib.money import format_vnd
from doanket.fund import ledger
from doanket.fund.models import Fund


class Command(BaseCommand):
    help = (
        "Kiểm tra sổ Quỹ “Vì người nghèo”: tính lại số dư và chuỗi băm của từng quỹ từ các "
        "bút toán đã ghi, báo mọi chỗ không khớp (mã thoát khác 0 nếu có)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fund", type=int, metavar="ID", help=_("Chỉ kiểm tra quỹ có mã số (id) này")
        )

    def handle(self, *args, fund=None, **options):
        results = self._verify(fund)
        for result in results:
            self._report(result)
        broken = [result for result in results if not result.ok]
        if broken:
            raise CommandError(
                _("Sổ quỹ có chỗ không khớp ở %(broken)s/%(total)s quỹ; hãy kiểm tra ngay.")
                % {"broken": len(broken), "total": len(results)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã kiểm tra %(total)s quỹ: số dư và chuỗi băm đều khớp.")
                % {"total": len(results)}
            )
        )

    def _verify(self, pk: int | None) -> list[ledger.Verification]:
        """Every fund, or the one asked for; an unknown id is an error, not an empty pass,
        so a typo in a cron line is not read as a clean ledger."""
        if pk is None:
            return ledger.verify_all()
        fund = Fund.objects.filter(pk=pk).first()
        if fund is None:
            raise CommandError(_("Không có quỹ mã số %(pk)s.") % {"pk": pk})
        with transaction.atomic():
            return [ledger.verify_fund(fund)]

    def _report(self, result: ledger.Verification) -> None:
        head = _("%(name)s (mã số %(pk)s): %(entries)s bút toán, số dư %(balance)s") % {
            "name": result.fund.name,
            "pk": result.fund.pk,
            "entries": result.entries,
            "balance": format_vnd(result.balance),
        }
        if result.ok:
            self.stdout.write(f"{head} — " + self.style.SUCCESS(_("khớp (OK)")))
            return
        self.stdout.write(
            f"{head} — "
            + self.style.ERROR(_("%(count)s chỗ không khớp:") % {"count": len(result.problems)})
        )
        for problem in result.problems:
            self.stdout.write(f"    • {problem}")
