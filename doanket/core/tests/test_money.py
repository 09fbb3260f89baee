import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doanket.core.lib.money import (
    MAX_VND,
    amount_in_words,
    format_number,
    format_vnd,
    parse_number_vn,
    parse_vnd,
)

amounts = st.integers(min_value=0, max_value=MAX_VND)


# format_vnd, format_number --------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "0 đ"),
        (500, "500 đ"),
        (1_000, "1.000 đ"),
        (1_250_000, "1.250.000 đ"),
        (50_000_000, "50.000.000 đ"),
        (-1_250_000, "-1.250.000 đ"),
        (MAX_VND, "999.999.999.999.999 đ"),
    ],
)
def test_it_formats_money_with_dots_and_dong(amount, text):
    assert format_vnd(amount) == text


@pytest.mark.parametrize("amount", [1.5, Decimal("1000"), "1000", True])
def test_format_vnd_takes_only_whole_dong(amount):
    with pytest.raises(TypeError):
        format_vnd(amount)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234567, None, "1.234.567"),
        (0, None, "0"),
        (-1234, None, "-1.234"),
        (Decimal("97.49"), None, "97,49"),
        (Decimal("97.50"), None, "97,50"),
        (97.49, None, "97,49"),
        (0.05, None, "0,05"),
        (Decimal("1E+3"), None, "1.000"),
        (Decimal("1234.5"), None, "1.234,5"),
        (Decimal("97.485"), 2, "97,49"),
        (97.5, 0, "98"),
        (1234567, 2, "1.234.567,00"),
        (Decimal("-0.001"), 2, "0,00"),
        (-1234.5, 1, "-1.234,5"),
    ],
)
def test_it_formats_numbers_the_vietnamese_way(value, decimals, text):
    assert format_number(value, decimals) == text


def test_format_number_refuses_what_is_not_a_number():
    with pytest.raises(ValueError):
        format_number(float("nan"))


# parse_vnd ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1.250.000",
        "1250000",
        "1 250 000",
        "1\u00a0250\u00a0000",
        "1.250.000 đ",
        "1.250.000đ",
        "1.250.000 đồng",
        unicodedata.normalize("NFD", "1.250.000 đồng"),
        "1.250.000 VNĐ",
        "1.250.000 vnd",
        "1.250.000₫",
        "  1.250.000   đ ",
        "1.250.000,00",
        "+1.250.000",
    ],
)
def test_it_parses_money_as_people_type_it(text):
    assert parse_vnd(text) == 1_250_000


def test_it_parses_a_negative_amount_as_format_vnd_writes_it():
    assert parse_vnd("-1.250.000 đ") == -1_250_000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Chưa nhập số tiền"),
        ("   ", "Chưa nhập số tiền"),
        ("abc", "không hợp lệ"),
        ("1.2.3", "không hợp lệ"),
        ("12.50.000", "không hợp lệ"),
        ("1,25", "Số tiền phải là số nguyên đồng"),
        ("1,250,000", "Số tiền phải là số nguyên đồng"),
        ("1,000", "Số tiền phải là số nguyên đồng"),
        ("1.5", "Số tiền phải là số nguyên đồng"),
        ("1.250.000,50", "Số tiền phải là số nguyên đồng"),
        ("1000000000000000", "quá lớn"),
    ],
)
def test_it_refuses_money_it_cannot_read_with_a_vietnamese_sentence(text, message):
    with pytest.raises(ValueError, match=message):
        parse_vnd(text)


def test_it_accepts_the_largest_amount():
    assert parse_vnd("999.999.999.999.999 đ") == MAX_VND


@given(st.integers(min_value=-MAX_VND, max_value=MAX_VND))
def test_parse_vnd_reads_back_what_format_vnd_writes(amount):
    assert parse_vnd(format_vnd(amount)) == amount


# parse_number_vn ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1.234.567", Decimal("1234567")),
        ("1234567", Decimal("1234567")),
        ("1 234 567", Decimal("1234567")),
        ("97,5", Decimal("97.5")),
        ("97,49", Decimal("97.49")),
        ("1.234,5", Decimal("1234.5")),
        ("-3,25", Decimal("-3.25")),
        ("1.234", Decimal("1234")),
        ("97.5", Decimal("97.5")),
        ("3.14159", Decimal("3.14159")),
        ("0.125", Decimal("0.125")),
        ("1234.567", Decimal("1234.567")),
        (" 0 ", Decimal("0")),
    ],
)
def test_it_parses_numbers_the_vietnamese_way(text, number):
    assert parse_number_vn(text) == number


def test_it_keeps_the_decimal_places_typed():
    assert str(parse_number_vn("97,50")) == "97.50"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Chưa nhập số"),
        ("abc", "không phải là một số"),
        ("1,234.5", "không phải là một số"),
        ("1.2.3", "không phải là một số"),
        ("97,5%", "không phải là một số"),
        (",5", "không phải là một số"),
    ],
)
def test_it_refuses_garbage_numbers_with_a_vietnamese_sentence(text, message):
    with pytest.raises(ValueError, match=message):
        parse_number_vn(text)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3, max_value=10**12))
def test_parse_number_vn_reads_back_what_format_number_writes(number):
    assert parse_number_vn(format_number(number)) == number


# amount_in_words ------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (1_001, "Một nghìn không trăm linh một đồng"),
        (1_000_008, "Một triệu không trăm linh tám đồng"),
        (21_000_015, "Hai mươi mốt triệu không trăm mười lăm đồng"),
        (105_000, "Một trăm linh năm nghìn đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
        (15, "Mười lăm đồng"),
        (25, "Hai mươi lăm đồng"),
        (24, "Hai mươi tư đồng"),
        (14, "Mười bốn đồng"),
        (11, "Mười một đồng"),
        (21, "Hai mươi mốt đồng"),
        (50_000_000, "Năm mươi triệu đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
    ],
)
def test_it_reads_the_pinned_amounts_in_words(amount, words):
    assert amount_in_words(amount) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (20, "Hai mươi đồng"),
        (101, "Một trăm linh một đồng"),
        (110, "Một trăm mười đồng"),
        (205, "Hai trăm linh năm đồng"),
        (1_010_000, "Một triệu không trăm mười nghìn đồng"),
        (1_000_001_000, "Một tỷ không trăm linh một nghìn đồng"),
        (1_500_000_000_000, "Một nghìn năm trăm tỷ đồng"),
        (50_000_000 * 12, "Sáu trăm triệu đồng"),
    ],
)
def test_it_reads_other_amounts_by_the_same_convention(amount, words):
    assert amount_in_words(amount) == words


def test_it_refuses_to_read_a_negative_amount():
    with pytest.raises(ValueError, match="số tiền âm"):
        amount_in_words(-1)


def test_it_refuses_to_read_an_amount_beyond_the_largest():
    with pytest.raises(ValueError, match="quá lớn"):
        amount_in_words(MAX_VND + 1)


@given(amounts)
def test_amount_in_words_is_one_capitalised_sentence_in_dong(amount):
    words = amount_in_words(amount)
    assert words[0].isupper()
    assert words.endswith(" đồng")
    assert "  " not in words
    assert words == unicodedata.normalize("NFC", words)


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=1, max_value=99))
def test_a_lower_group_under_one_hundred_is_read_with_khong_tram(high, low):
    assert "không trăm" in amount_in_words(high * 1000 + low)
