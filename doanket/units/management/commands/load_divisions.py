from pathlib import Path

from django.core.management.base import BaseCommand

from doanket.units.loading import FIXTURE, divisions_load


class Command(BaseCommand):
    help = "Nạp đơn vị hành chính chính thức (Hải Dương cũ, Hải Phòng cũ và mới) từ tệp dữ liệu."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(FIXTURE))

    def handle(self, *args, **options):
        counts = divisions_load(path=Path(options["file"]))
        if not counts:
            self.stdout.write("Đơn vị hành chính đã được nạp trước đó; không thay đổi gì.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                "Đã nạp {units} đơn vị, {links} quan hệ trực thuộc, "
                "{successions} quan hệ kế thừa.".format(**counts)
            )
        )
