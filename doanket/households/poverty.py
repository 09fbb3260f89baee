"""Poverty standards as data, and the classification rules they imply.

Decree 07/2021/NĐ-CP applies to the years 2022–2026 (extended to 31/12/2026); Decree
351/2025/NĐ-CP from 2027. Lines are đồng per person per month.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from doanket.core.lib.money import format_vnd
from doanket.households.models import Deprivation, Poverty, PovertyStandard, Zone

SERVICES_07 = [
    ("VL", "Việc làm", [("VL1", "Việc làm"), ("VL2", "Người phụ thuộc trong hộ gia đình")]),
    ("YT", "Y tế", [("YT1", "Dinh dưỡng"), ("YT2", "Bảo hiểm y tế")]),
    (
        "GD",
        "Giáo dục",
        [("GD1", "Trình độ giáo dục của người lớn"), ("GD2", "Tình trạng đi học của trẻ em")],
    ),
    ("NO", "Nhà ở", [("NO1", "Chất lượng nhà ở"), ("NO2", "Diện tích nhà ở bình quân đầu người")]),
    (
        "NS",
        "Nước sinh hoạt và vệ sinh",
        [("NS1", "Nguồn nước sinh hoạt"), ("NS2", "Nhà tiêu hợp vệ sinh")],
    ),
    (
        "TT",
        "Thông tin",
        [
            ("TT1", "Sử dụng dịch vụ viễn thông"),
            ("TT2", "Phương tiện phục vụ tiếp cận thông tin"),
        ],
    ),
]

# (code, name, first year, last year, rural line, urban line, rural average, urban
# average, deprivations that make a household poor, note)
STANDARDS = [
    (
        "ND07-2021",
        "Nghị định 07/2021/NĐ-CP",
        2022,
        2026,
        1_500_000,
        2_000_000,
        2_250_000,
        3_000_000,
        3,
        "",
    ),
    (
        "ND351-2025",
        "Nghị định 351/2025/NĐ-CP",
        2027,
        2030,
        2_200_000,
        2_800_000,
        3_300_000,
        4_200_000,
        3,
        "Ngưỡng mức sống trung bình và danh mục chỉ số thiếu hụt tạm lấy theo chuẩn "
        "2022–2026; cần đối chiếu với văn bản hướng dẫn chính thức.",
    ),
]


def standards_install() -> None:
    """Create the standards and their deprivation indicators (idempotent)."""
    for code, name, first, last, rural, urban, rural_avg, urban_avg, count, note in STANDARDS:
        standard, _created = PovertyStandard.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "first_year": first,
                "last_year": last,
                "rural_line": rural,
                "urban_line": urban,
                "rural_average_line": rural_avg,
                "urban_average_line": urban_avg,
                "poor_deprivations": count,
                "note": note,
            },
        )
        order = 0
        for _service_code, service, items in SERVICES_07:
            for item_code, item_name in items:
                order += 1
                Deprivation.objects.update_or_create(
                    standard=standard,
                    code=item_code,
                    defaults={"service": service, "name": item_name, "order": order},
                )


def standard_for(year: int) -> PovertyStandard:
    standard = PovertyStandard.objects.filter(first_year__lte=year, last_year__gte=year).first()
    if standard is None:
        raise ValidationError(
            _("Chưa có chuẩn nghèo áp dụng cho năm %(year)s. Hãy khai báo chuẩn nghèo trước.")
            % {"year": year}
        )
    return standard


def classify(standard: PovertyStandard, zone: str, income: int, deprived: int) -> str:
    """The status a household's income and count of deprivations give under a standard."""
    if income <= standard.line(zone):
        return Poverty.POOR if deprived >= standard.poor_deprivations else Poverty.NEAR_POOR
    if income <= standard.average_line(zone):
        return Poverty.AVERAGE
    return Poverty.NONE


def check_status(
    standard: PovertyStandard, zone: str, status: str, income: int | None, deprivations: list
) -> None:
    """Refuse a status its own income and deprivations contradict."""
    if zone not in Zone.values:
        raise ValidationError(_("Hãy chọn khu vực: nông thôn hoặc thành thị."))
    known = set(standard.deprivations.values_list("code", flat=True))
    unknown = [code for code in deprivations if code not in known]
    if unknown:
        raise ValidationError(
            _("Chỉ số thiếu hụt không có trong %(standard)s: %(codes)s.")
            % {"standard": standard.name, "codes": ", ".join(unknown)}
        )
    count = len(set(deprivations))
    threshold = standard.poor_deprivations
    if status == Poverty.POOR and count < threshold:
        raise ValidationError(
            _(
                "Hộ nghèo phải thiếu hụt từ %(n)s chỉ số trở lên; hộ này mới đánh dấu "
                "%(count)s. Hãy đánh dấu đủ chỉ số hoặc chọn hộ cận nghèo."
            )
            % {"n": threshold, "count": count}
        )
    if status == Poverty.NEAR_POOR and count >= threshold:
        raise ValidationError(
            _(
                "Hộ thiếu hụt %(count)s chỉ số (từ %(n)s trở lên) thì là hộ nghèo, không "
                "phải hộ cận nghèo. Hãy sửa lại các chỉ số hoặc chọn hộ nghèo."
            )
            % {"n": threshold, "count": count}
        )
    if income is None:
        return
    if income < 0:
        raise ValidationError(_("Thu nhập bình quân không được âm."))
    expected = classify(standard, zone, income, count)
    if expected != status:
        raise ValidationError(
            _(
                "Theo %(standard)s, thu nhập %(income)s/người/tháng ở khu vực %(zone)s với "
                "%(count)s chỉ số thiếu hụt là “%(expected)s”, không phải “%(status)s”."
            )
            % {
                "standard": standard.name,
                "income": format_vnd(income),
                "zone": Zone(zone).label.lower(),
                "count": count,
                "expected": Poverty(expected).label,
                "status": Poverty(status).label,
            }
        )
