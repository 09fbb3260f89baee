"""Criteria of the cultural titles (Decree 86/2023/NĐ-CP), as data.

A family achieves "Gia đình văn hóa" when it meets every criterion of the three groups;
the meeting ticks each one and may add a note.
"""

from django.utils.translation import gettext_lazy as _

FAMILY_GROUPS = [
    (
        "I",
        _("Gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà nước"),
        [
            ("I.1", _("Thực hiện nếp sống văn minh trong việc cưới, việc tang, lễ hội")),
            ("I.2", _("Không vi phạm quy định về an ninh, trật tự, phòng cháy, chữa cháy")),
            ("I.3", _("Không gây mất trật tự, tiếng ồn; thực hiện quy ước, hương ước")),
        ],
    ),
    (
        "II",
        _("Tích cực tham gia các phong trào thi đua của địa phương"),
        [
            ("II.1", _("Tham gia giữ gìn vệ sinh môi trường, bảo vệ di tích, cảnh quan")),
            ("II.2", _("Tham gia hoạt động nhân đạo, từ thiện, khuyến học, khuyến tài")),
            ("II.3", _("Thành viên trong độ tuổi lao động có việc làm; trẻ em đi học đúng tuổi")),
        ],
    ),
    (
        "III",
        _("Gia đình no ấm, tiến bộ, hạnh phúc"),
        [
            ("III.1", _("Thực hiện bộ tiêu chí ứng xử trong gia đình")),
            ("III.2", _("Thực hiện chính sách dân số, chăm sóc sức khỏe các thành viên")),
            ("III.3", _("Bình đẳng giới, không có bạo lực gia đình")),
        ],
    ),
]

AREA_GROUPS = [
    ("1", _("Đời sống kinh tế ổn định và từng bước phát triển")),
    ("2", _("Đời sống văn hóa, tinh thần lành mạnh, phong phú")),
    ("3", _("Môi trường cảnh quan sạch đẹp")),
    ("4", _("Chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước")),
    ("5", _("Có tinh thần đoàn kết, tương trợ, giúp đỡ nhau trong cộng đồng")),
]

FAMILY_CRITERIA = [code for _group, _name, items in FAMILY_GROUPS for code, _label in items]
AREA_CRITERIA = [code for code, _name in AREA_GROUPS]


def family_criterion_label(code: str) -> str:
    for _group, _name, items in FAMILY_GROUPS:
        for item_code, label in items:
            if item_code == code:
                return str(label)
    return code
