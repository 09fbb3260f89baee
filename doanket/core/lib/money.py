"""Money in whole đồng and numbers written the Vietnamese way (1.234.567 and 97,49)."""

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext as _

from doanket.core.lib.vn_text import nfc

MAX_VND = 10**15 - 1

_CURRENCY = re.compile(r" ?(?:đồng|đ|₫|vnđ|vnd)\.?$", re.IGNORECASE)
_ZERO_CENTS = re.compile(r",0{1,2}$")
_GROUPED = r"\d+|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d{0,2}(?: \d{3})+"
_WHOLE = re.compile(rf"([+-]?)({_GROUPED})")
_COMMA_DECIMAL = re.compile(rf"([+-]?)({_GROUPED}),(\d+)")
_DECIMAL_POINT = re.compile(r"([+-]?)(\d+)\.(\d+)")
_NUMERIC_LOOKING = re.compile(r"[+-]?\d[\d., ]*")


def _group(digits: str) -> str:
    return f"{int(digits):,}".replace(",", ".")


def format_vnd(amount: int) -> str:
    """1250000 → "1.250.000 đ"."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"format_vnd() needs an int, got {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return f"{sign}{_group(str(abs(amount)))} đ"


def format_number(value: int | float | Decimal, decimals: int | None = None) -> str:
    """1234567 → "1.234.567", Decimal("97.49") → "97,49".

    With `decimals`, the value is rounded half up to that many places and
    always shows them; without, it shows the places it has (a float, the
    fewest that give it back).
    """
    if isinstance(value, bool):
        raise TypeError("format_number() needs a number, got bool")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"format_number() cannot show {value!r}")
    if decimals is not None:
        with localcontext() as context:
            context.prec = max(28, number.adjusted() + decimals + 2)
            number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign, digit_tuple, raw_exponent = number.as_tuple()
    digits, exponent = "".join(map(str, digit_tuple)), int(raw_exponent)
    if exponent >= 0:
        whole, fraction = digits + "0" * exponent, ""
    else:
        digits = digits.rjust(1 - exponent, "0")
        whole, fraction = digits[:exponent], digits[exponent:]
    shown = _group(whole) + ("," + fraction if fraction else "")
    return ("-" if sign and number else "") + shown


def parse_vnd(text: str) -> int:
    """A sum of money typed by a person, in whole đồng.

    Accepted: "1.250.000", "1250000", "1 250 000", with or without "đ",
    "đồng", "₫" or "VNĐ" after it, and with ",00" at the end as spreadsheets
    show it. A comma is the decimal separator in Vietnamese, so "1,25" and
    "1,250,000" are refused, and so is "1.5" (a dot not followed by exactly
    three digits is a decimal point, see parse_number_vn()).
    """
    cleaned = nfc(text)
    if not cleaned:
        raise ValueError(_("Chưa nhập số tiền; hãy nhập số đồng, ví dụ 1.250.000."))
    body = _ZERO_CENTS.sub("", _CURRENCY.sub("", cleaned))
    match = _WHOLE.fullmatch(body)
    if match is None:
        if _NUMERIC_LOOKING.fullmatch(body) and ("," in body or _DECIMAL_POINT.fullmatch(body)):
            raise ValueError(
                _(
                    "Số tiền phải là số nguyên đồng, không có phần lẻ: “%(value)s”. "
                    "Hãy dùng dấu chấm để phân cách hàng nghìn (dấu phẩy là dấu thập phân), "
                    "ví dụ 1.250.000."
                )
                % {"value": cleaned}
            )
        raise ValueError(
            _("Số tiền “%(value)s” không hợp lệ; hãy nhập số đồng, ví dụ 1.250.000.")
            % {"value": cleaned}
        )
    sign, digits = match.groups()
    amount = int(re.sub(r"\D", "", digits))
    if amount > MAX_VND:
        raise ValueError(
            _("Số tiền “%(value)s” quá lớn; số tiền lớn nhất được nhận là %(max)s.")
            % {"value": cleaned, "max": format_vnd(MAX_VND)}
        )
    return -amount if sign == "-" else amount


def parse_number_vn(text: str) -> Decimal:
    """A number typed the Vietnamese way: dots between thousands, a comma before decimals.

    "1.234.567" → 1234567, "97,5" → 97.5, "1.234,5" → 1234.5, "1 234 567" → 1234567.
    Dots separate thousands when they can: the first group has one to three
    digits and does not start with 0, every later group has exactly three
    ("1.234" → 1234). Otherwise a single dot is a decimal point, as numbers
    copied from other software arrive ("97.5" → 97.5, "0.125" → 0.125).
    """
    cleaned = nfc(text)
    if not cleaned:
        raise ValueError(_("Chưa nhập số; hãy nhập theo dạng 1.234.567 hoặc 97,5."))
    if (match := _WHOLE.fullmatch(cleaned)) is not None:
        sign, whole, fraction = *match.groups(), ""
    elif (match := _COMMA_DECIMAL.fullmatch(cleaned)) is not None:
        sign, whole, fraction = match.groups()
    elif (match := _DECIMAL_POINT.fullmatch(cleaned)) is not None:
        sign, whole, fraction = match.groups()
    else:
        raise ValueError(
            _("“%(value)s” không phải là một số; hãy nhập theo dạng 1.234.567 hoặc 97,5.")
            % {"value": cleaned}
        )
    digits = re.sub(r"\D", "", whole)
    return Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")


# Amount in words -----------------------------------------------------------

_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _units_word(units: int, *, tens: int) -> str:
    if units == 1 and tens >= 2:
        return "mốt"
    if units == 4 and tens >= 2:
        return "tư"
    if units == 5 and tens >= 1:
        return "lăm"
    return _DIGIT_WORDS[units]


def _read_group(group: int, *, full: bool) -> list[str]:
    """Words for 1–999; `full` reads "không trăm" and "linh" as a lower group does."""
    hundreds, rest = divmod(group, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGIT_WORDS[tens], "mươi"]
    if units:
        words.append(_units_word(units, tens=tens))
    return words


def _read(number: int, *, full: bool) -> list[str]:
    if number >= 10**9:
        billions, rest = divmod(number, 10**9)
        words = [*_read(billions, full=full), "tỷ"]
        return words + (_read(rest, full=True) if rest else [])
    words = []
    for scale, name in ((10**6, "triệu"), (10**3, "nghìn"), (1, "")):
        group = number // scale % 1000
        if group:
            words += _read_group(group, full=full) + ([name] if name else [])
            full = True
    return words


def amount_in_words(amount: int) -> str:
    """1250000 → "Một triệu hai trăm năm mươi nghìn đồng", as receipts write it."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount_in_words() needs an int, got {type(amount).__name__}")
    if amount < 0:
        raise ValueError(_("Không thể đọc thành chữ một số tiền âm."))
    if amount > MAX_VND:
        raise ValueError(
            _("Số tiền quá lớn để đọc thành chữ; số tiền lớn nhất là %(max)s.")
            % {"max": format_vnd(MAX_VND)}
        )
    words = " ".join(_read(amount, full=False)) if amount else "không"
    return f"{words[0].upper()}{words[1:]} đồng"
