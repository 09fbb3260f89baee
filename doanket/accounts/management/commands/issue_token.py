from django.core.management.base import BaseCommand, CommandError

from doanket.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Cấp một mã truy cập API cho người dùng và in ra (chỉ hiện một lần)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="Ghi chú cho mã, ví dụ tên hệ thống dùng nó")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng đang hoạt động tên “{options['username']}”.")
        _token, raw = ApiToken.issue(user=user, name=options["name"])
        self.stdout.write(raw)
