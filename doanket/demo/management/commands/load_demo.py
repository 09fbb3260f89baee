from django.core.management.base import BaseCommand

from doanket.accounts.demo import DEMO_PASSWORD, demo_load
from doanket.fund.demo import demo_fund_load
from doanket.households.demo import demo_households_load
from doanket.reporting.demo import demo_reports_load


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: đơn vị hành chính, khu dân cư, tổ chức thành viên, người dùng mẫu, "
        "biểu mẫu, báo cáo hai năm, sổ hộ gia đình và Quỹ “Vì người nghèo”. "
        "Chạy lại không tạo trùng."
    )

    def handle(self, *args, **options):
        logins = demo_load()
        reports = demo_reports_load()
        if reports:
            self.stdout.write(f"Đã tạo {reports} báo cáo mẫu.")
        households = demo_households_load()
        if households:
            self.stdout.write(f"Đã tạo {households} hộ gia đình mẫu.")
        postings = demo_fund_load()
        if postings:
            self.stdout.write(f"Đã tạo {postings} chứng từ Quỹ “Vì người nghèo” mẫu.")
        self.stdout.write(self.style.SUCCESS("Dữ liệu mẫu đã sẵn sàng."))
        self.stdout.write(f"Mật khẩu chung của các tài khoản mẫu: {DEMO_PASSWORD}")
        width = max(len(username) for username, _label in logins)
        for username, label in logins:
            self.stdout.write(f"  {username.ljust(width)}  {label}")
