from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from doanket.households.services import check_year, today, year_rows_ensure
from doanket.units.models import Unit


class Command(BaseCommand):
    help = (
        "Mở năm mới cho sổ hộ gia đình: mỗi hộ đang ở khu dân cư có một dòng của năm, để số "
        "liệu báo cáo đầu năm có ngay tổng số hộ. Chạy vào ngày 01/01 (cron); chạy lại không "
        "tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", nargs="?", type=int, help="Năm (mặc định năm nay)")

    def handle(self, *args, year=None, **options):
        try:
            year = check_year(year or today().year)
        except Exception as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        added = 0
        areas = Unit.objects.filter(kind=Unit.Kind.RESIDENTIAL_AREA, households__isnull=False)
        for area in areas.distinct().iterator():
            with transaction.atomic():
                added += year_rows_ensure(area, year)
        self.stdout.write(f"Đã mở năm {year}: thêm {added} dòng hộ gia đình.")
