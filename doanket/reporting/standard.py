"""The campaign's standard forms, drawn from the plan's five contents and real reports."""

from django.db import transaction

from doanket.reporting.models import (
    DEFAULT_NARRATIVE,
    FormItem,
    FormSection,
    FormVersion,
    Indicator,
    ReportForm,
    ValidationRule,
)

INT, DEC, MON = "integer", "decimal", "money"

# code, name, measure, value type, content area, aggregation, formula
INDICATORS = [
    ("HGD_TONG", "Tổng số hộ gia đình", "hộ", INT, 2, "sum", ""),
    ("HGD_DANGKY", "Số hộ đăng ký “Gia đình văn hóa” đầu năm", "hộ", INT, 2, "sum", ""),
    (
        "TL_HGD_DANGKY",
        "Tỷ lệ hộ đăng ký “Gia đình văn hóa”",
        "%",
        DEC,
        2,
        "none",
        "HGD_DANGKY / HGD_TONG * 100",
    ),
    ("HGD_DAT", "Số hộ đạt “Gia đình văn hóa”", "hộ", INT, 2, "sum", ""),
    (
        "TL_HGD_DAT",
        "Tỷ lệ hộ đạt “Gia đình văn hóa” so với số đăng ký",
        "%",
        DEC,
        2,
        "none",
        "HGD_DAT / HGD_DANGKY * 100",
    ),
    ("KDC_TONG", "Tổng số khu dân cư", "khu", INT, 2, "sum", ""),
    ("KDC_VH", "Số khu dân cư được công nhận “Khu dân cư văn hóa”", "khu", INT, 2, "sum", ""),
    ("TL_KDC_VH", "Tỷ lệ khu dân cư văn hóa", "%", DEC, 2, "none", "KDC_VH / KDC_TONG * 100"),
    ("HN_DAU", "Số hộ nghèo đầu kỳ", "hộ", INT, 1, "sum", ""),
    ("HN_CUOI", "Số hộ nghèo cuối kỳ", "hộ", INT, 1, "sum", ""),
    ("HCN_DAU", "Số hộ cận nghèo đầu kỳ", "hộ", INT, 1, "sum", ""),
    ("HCN_CUOI", "Số hộ cận nghèo cuối kỳ", "hộ", INT, 1, "sum", ""),
    ("HN_THOAT", "Số hộ thoát nghèo trong kỳ", "hộ", INT, 1, "sum", ""),
    ("HN_TAI", "Số hộ tái nghèo trong kỳ", "hộ", INT, 1, "sum", ""),
    ("NDD_XAY", "Nhà Đại đoàn kết xây mới", "nhà", INT, 1, "sum", ""),
    ("NDD_XAY_TIEN", "Kinh phí xây mới nhà Đại đoàn kết", "đồng", MON, 1, "sum", ""),
    ("NDD_SUA", "Nhà Đại đoàn kết sửa chữa", "nhà", INT, 1, "sum", ""),
    ("NDD_SUA_TIEN", "Kinh phí sửa chữa nhà Đại đoàn kết", "đồng", MON, 1, "sum", ""),
    ("QUY_DAU", "Quỹ “Vì người nghèo”: số dư đầu kỳ", "đồng", MON, 1, "sum", ""),
    ("QUY_THU", "Quỹ “Vì người nghèo”: số tiền vận động được", "đồng", MON, 1, "sum", ""),
    ("QUY_CHI", "Quỹ “Vì người nghèo”: số tiền đã chi hỗ trợ", "đồng", MON, 1, "sum", ""),
    (
        "TC_QUY_VANDONG",
        "Số tiền tổ chức vận động ủng hộ Quỹ “Vì người nghèo”",
        "đồng",
        MON,
        1,
        "sum",
        "",
    ),
    ("DG_TIEN", "Nhân dân đóng góp xây dựng nông thôn mới: tiền", "đồng", MON, 1, "sum", ""),
    ("DG_DAT", "Nhân dân hiến đất", "m²", DEC, 1, "sum", ""),
    ("DG_NGAYCONG", "Nhân dân đóng góp ngày công", "ngày công", INT, 1, "sum", ""),
    ("DUONG_KM", "Đường giao thông nông thôn được làm mới, nâng cấp", "km", DEC, 1, "sum", ""),
    ("MH_MOITRUONG", "Mô hình tự quản về bảo vệ môi trường", "mô hình", INT, 3, "sum", ""),
    ("MH_ANNINH", "Mô hình tự quản về an ninh trật tự", "mô hình", INT, 4, "sum", ""),
    ("MH_KHAC", "Mô hình tự quản khác", "mô hình", INT, 4, "sum", ""),
    ("TT_BUOI", "Buổi tuyên truyền, hội nghị", "buổi", INT, 2, "sum", ""),
    ("TT_NGUOI", "Lượt người tham dự tuyên truyền", "lượt", INT, 2, "sum", ""),
    ("GS_CUOC", "Cuộc giám sát, phản biện xã hội", "cuộc", INT, 5, "sum", ""),
    ("GS_KIENNGHI", "Kiến nghị sau giám sát", "kiến nghị", INT, 5, "sum", ""),
    ("KT_HO", "Hộ gia đình được khen thưởng, biểu dương", "hộ", INT, 2, "sum", ""),
    ("HV_TONG", "Tổng số hội viên, đoàn viên", "người", INT, None, "sum", ""),
    ("HV_MOI", "Hội viên, đoàn viên kết nạp mới", "người", INT, None, "sum", ""),
    ("PV_DANGKY", "Phần việc, công trình đăng ký thực hiện", "phần việc", INT, None, "sum", ""),
    ("PV_XONG", "Phần việc, công trình đã hoàn thành", "phần việc", INT, None, "sum", ""),
    (
        "TL_PV_XONG",
        "Tỷ lệ phần việc hoàn thành",
        "%",
        DEC,
        None,
        "none",
        "PV_XONG / PV_DANGKY * 100",
    ),
]

# Figures the household registers (doanket/households/selectors.py) and the For-the-Poor fund
# (doanket/fund/figures.py) provide. A member organisation types what it raised for the fund
# as TC_QUY_VANDONG: the fund's receipts belong to the committee that keeps it.
COMPUTED = {
    "HGD_TONG": "households.total",
    "HGD_DANGKY": "households.registered",
    "HGD_DAT": "households.achieved",
    "KDC_TONG": "areas.total",
    "KDC_VH": "areas.cultured",
    "HN_DAU": "poverty.poor_start",
    "HN_CUOI": "poverty.poor_end",
    "HCN_DAU": "poverty.near_poor_start",
    "HCN_CUOI": "poverty.near_poor_end",
    "HN_THOAT": "poverty.escaped",
    "HN_TAI": "poverty.fell_back",
    "QUY_DAU": "fund.opening",
    "QUY_THU": "fund.received",
    "QUY_CHI": "fund.spent",
    "NDD_XAY": "fund.houses_new",
    "NDD_XAY_TIEN": "fund.houses_new_amount",
    "NDD_SUA": "fund.houses_repaired",
    "NDD_SUA_TIEN": "fund.houses_repaired_amount",
}

COMMITTEE_SECTIONS = [
    (
        "I. Nội dung 1: Phát triển kinh tế, giảm nghèo bền vững",
        [
            "HN_DAU",
            "HN_CUOI",
            "HCN_DAU",
            "HCN_CUOI",
            "HN_THOAT",
            "HN_TAI",
            "NDD_XAY",
            "NDD_XAY_TIEN",
            "NDD_SUA",
            "NDD_SUA_TIEN",
            "QUY_DAU",
            "QUY_THU",
            "QUY_CHI",
            "DG_TIEN",
            "DG_DAT",
            "DG_NGAYCONG",
            "DUONG_KM",
        ],
    ),
    (
        "II. Nội dung 2: Xây dựng đời sống văn hóa",
        [
            "HGD_TONG",
            "HGD_DANGKY",
            "TL_HGD_DANGKY",
            "HGD_DAT",
            "TL_HGD_DAT",
            "KDC_TONG",
            "KDC_VH",
            "TL_KDC_VH",
            "TT_BUOI",
            "TT_NGUOI",
            "KT_HO",
        ],
    ),
    ("III. Nội dung 3, 4: Môi trường, an ninh trật tự", ["MH_MOITRUONG", "MH_ANNINH", "MH_KHAC"]),
    ("IV. Nội dung 5: Giám sát, phản biện xã hội", ["GS_CUOC", "GS_KIENNGHI"]),
]
COMMITTEE_RULES = [
    ("HGD_DANGKY", "<=", "HGD_TONG", "Số hộ đăng ký không được lớn hơn tổng số hộ."),
    (
        "HGD_DAT",
        "<=",
        "HGD_DANGKY",
        "Số hộ đạt “Gia đình văn hóa” không được lớn hơn số hộ đăng ký.",
    ),
    ("KDC_VH", "<=", "KDC_TONG", "Số khu dân cư văn hóa không được lớn hơn tổng số khu dân cư."),
    ("HN_THOAT", "<=", "HN_DAU", "Số hộ thoát nghèo không được lớn hơn số hộ nghèo đầu kỳ."),
    (
        "QUY_CHI",
        "<=",
        "QUY_DAU + QUY_THU",
        "Số chi của Quỹ không được lớn hơn số dư đầu kỳ cộng số thu.",
    ),
]
ORG_SECTIONS = [
    ("I. Công tác tổ chức", ["HV_TONG", "HV_MOI"]),
    (
        "II. Tham gia cuộc vận động",
        [
            "PV_DANGKY",
            "PV_XONG",
            "TL_PV_XONG",
            "TT_BUOI",
            "TT_NGUOI",
            "MH_MOITRUONG",
            "MH_ANNINH",
            "TC_QUY_VANDONG",
        ],
    ),
]
ORG_RULES = [
    ("PV_XONG", "<=", "PV_DANGKY", "Số phần việc hoàn thành không được lớn hơn số đăng ký."),
    ("HV_MOI", "<=", "HV_TONG", "Số hội viên mới không được lớn hơn tổng số hội viên."),
]
COMMITTEE_FORM = "BC-CVD"
ORG_FORM = "BC-TCTV"


def _version(form, sections, rules, year=2017):
    version, created = FormVersion.objects.get_or_create(
        form=form,
        number=1,
        defaults={"valid_from_year": year, "narrative_parts": DEFAULT_NARRATIVE},
    )
    if not created:
        return version
    indicators = {i.code: i for i in Indicator.objects.all()}
    for order, (title, codes) in enumerate(sections):
        section = FormSection.objects.create(version=version, order=order, title=title)
        FormItem.objects.bulk_create(
            FormItem(section=section, indicator=indicators[code], order=n)
            for n, code in enumerate(codes)
        )
    ValidationRule.objects.bulk_create(
        ValidationRule(version=version, left=left, comparison=op, right=right, message=message)
        for left, op, right, message in rules
    )
    return version


@transaction.atomic
def standard_forms_install() -> list[ReportForm]:
    for code, name, measure, value_type, area, how, formula in INDICATORS:
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "measure": measure,
                "value_type": value_type,
                "content_area": area,
                "aggregation": how,
                "source": "derived" if formula else "typed",
                "formula": formula,
            },
        )
    for code, key in COMPUTED.items():
        Indicator.objects.filter(code=code).exclude(source="computed", computed_key=key).update(
            source="computed", computed_key=key
        )
    committee, _ = ReportForm.objects.get_or_create(
        code=COMMITTEE_FORM,
        defaults={
            "name": "Báo cáo kết quả cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, "
            "đô thị văn minh”",
            "schedule": ReportForm.Schedule.Q_6_9_12,
            "deadline_days": 2,
            "deadline_working_days": True,
            "reporter_kinds": ["district", "commune"],
        },
    )
    _version(committee, COMMITTEE_SECTIONS, COMMITTEE_RULES)
    orgs, _ = ReportForm.objects.get_or_create(
        code=ORG_FORM,
        defaults={
            "name": "Báo cáo của tổ chức thành viên tham gia cuộc vận động",
            "schedule": ReportForm.Schedule.HALF_YEAR,
            "deadline_days": 5,
            "deadline_working_days": True,
            "member_org_types": ["farmers", "women", "youth", "veterans", "labour"],
        },
    )
    _version(orgs, ORG_SECTIONS, ORG_RULES)
    return [committee, orgs]
