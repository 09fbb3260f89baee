import random
import sqlite3
import unicodedata
from functools import cmp_to_key
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doanket.core.lib.vn_text import (
    detect_legacy_encoding,
    fold,
    nfc,
    tcvn3_to_unicode,
    to_unicode,
    vi_collate,
    vi_sort_key,
    vni_to_unicode,
)

POSTGRES_DSN = "host=127.0.0.1 user=postgres dbname=postgres"

LOWER_LETTERS = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)
VIETNAMESE_LETTERS = LOWER_LETTERS + LOWER_LETTERS.upper()
SYLLABLES = ["Nguyễn", "Văn", "Thị", "Đỗ", "Bình", "phường", "Cẩm", "Thượng", "xã", "Ân", "Lễ"]

vietnamese_text = st.text(alphabet=VIETNAMESE_LETTERS + " 0123456789-.,", max_size=30)
vietnamese_phrases = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=6).map(" ".join)


def nfd(text):
    return unicodedata.normalize("NFD", text)


# nfc ------------------------------------------------------------------------


def test_it_composes_decomposed_letters():
    assert nfc(nfd("Nguyễn Văn Ân")) == "Nguyễn Văn Ân"


def test_it_trims_and_collapses_whitespace():
    assert nfc("  Đỗ \t Thị\n\nBình\u00a0 ") == "Đỗ Thị Bình"


def test_nfc_refuses_none():
    with pytest.raises(TypeError):
        nfc(None)


# fold -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Phường Cẩm Thượng", "phuong cam thuong"),
        ("Nguyễn Văn A", "nguyen van a"),
        ("ĐỖ THỊ BÌNH", "do thi binh"),
        ("Xã Ân Thi", "xa an thi"),
        ("  Lễ   hội  ", "le hoi"),
        ("Tổ dân phố 12", "to dan pho 12"),
        ("", ""),
    ],
)
def test_it_folds_to_a_search_key(text, key):
    assert fold(text) == key


def test_it_folds_d_with_stroke():
    assert fold("Đđ") == "dd"


def test_it_folds_decomposed_input_like_composed_input():
    assert fold(nfd("Phường Cẩm Thượng")) == "phuong cam thuong"


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(vietnamese_text)
def test_fold_of_vietnamese_text_is_ascii(text):
    assert fold(text).isascii()


# legacy encodings -----------------------------------------------------------

TCVN3_ALPHABET = "aµ¶·¸¹¨»¼½¾Æ©ÇÈÉÊËeÌÎÏÐÑªÒÓÔÕÖi×ØÜÝÞoßáâãä«åæçèé¬êëìíîuïñòóô\xadõö÷øùyúûüýþ®"
UNICODE_ALPHABET = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ"
VNI_ALPHABET = (
    "a aù aø aû aõ aï aâ aá aà aå aã aä aê aé aè aú aü aë e eù eø eû eõ eï eâ eá eà eå eã eä "
    "o où oø oû oõ oï oâ oá oà oå oã oä ô ôù ôø ôû ôõ ôï u uù uø uû uõ uï ö öù öø öû öõ öï "
    "i í ì æ ó ò y yù yø yû yõ î ñ"
)
VNI_ALPHABET_IN_UNICODE = (
    "a á à ả ã ạ â ấ ầ ẩ ẫ ậ ă ắ ằ ẳ ẵ ặ e é è ẻ ẽ ẹ ê ế ề ể ễ ệ "
    "o ó ò ỏ õ ọ ô ố ồ ổ ỗ ộ ơ ớ ờ ở ỡ ợ u ú ù ủ ũ ụ ư ứ ừ ử ữ ự "
    "i í ì ỉ ĩ ị y ý ỳ ỷ ỹ ỵ đ"
)


def test_it_converts_every_tcvn3_lower_case_letter():
    assert tcvn3_to_unicode(TCVN3_ALPHABET) == UNICODE_ALPHABET


def test_it_converts_the_tcvn3_capitals_without_tone():
    assert tcvn3_to_unicode("¡ ¢ £ ¤ ¥ ¦ §") == "Ă Â Ê Ô Ơ Ư Đ"


def test_it_converts_every_vni_letter_in_both_cases():
    assert vni_to_unicode(VNI_ALPHABET) == VNI_ALPHABET_IN_UNICODE
    assert vni_to_unicode(VNI_ALPHABET.upper()) == VNI_ALPHABET_IN_UNICODE.upper()


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
        ("NguyÔn V¨n A", "Nguyễn Văn A"),
        ("MTTQ ph\xadêng CÈm Th\xadîng, TP. H¶i D\xad¬ng", "MTTQ phường Cẩm Thượng, TP. Hải Dương"),
    ],
)
def test_it_converts_tcvn3_text(legacy, unicode):
    assert tcvn3_to_unicode(legacy) == unicode


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
        ("UBMTTQ phöôøng Caåm Thöôïng", "UBMTTQ phường Cẩm Thượng"),
    ],
)
def test_it_converts_vni_text(legacy, unicode):
    assert vni_to_unicode(legacy) == unicode


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3"),
        ("§ç ThÞ B×nh", "tcvn3"),
        ("Ban c«ng t¸c MÆt trËn khu d©n c\xad sè 5", "tcvn3"),
        ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni"),
        ("Nguyeãn Vaên A", "vni"),
        ("Toå daân phoá 12", "vni"),
        ("Nguyễn Văn A", None),
        (nfd("Nguyễn Văn A"), None),
        ("Cà phê", None),
        ("Hello world", None),
        ("Café au lait, naïve résumé", None),
        ("Müller GmbH", None),
        ("Company© 2020", None),
        ("Je ne sais pas où", None),
        ("", None),
    ],
)
def test_it_detects_the_legacy_encoding(text, encoding):
    assert detect_legacy_encoding(text) == encoding


def test_to_unicode_converts_what_it_detects():
    assert to_unicode(" NguyÔn  V¨n A ") == "Nguyễn Văn A"
    assert to_unicode("Nguyeãn Vaên A") == "Nguyễn Văn A"


@given(vietnamese_phrases)
def test_to_unicode_leaves_unicode_vietnamese_alone(text):
    assert to_unicode(text) == nfc(text)
    assert to_unicode(nfd(text)) == nfc(text)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_to_unicode_leaves_ascii_alone(text):
    assert to_unicode(text) == nfc(text)


# Vietnamese order -----------------------------------------------------------

PHUONG_NFD = nfd("Phường Cẩm Thượng")

NAMES = [
    "Nguyễn Văn A", "Nguyễn Văn An", "Nguyễn Văn Ân", "nguyễn văn a", "NGUYỄN VĂN A",
    "Nguyễn Thị Bình", "Đỗ Thị Bình", "Đỗ Văn Dũng", "Dương Văn Đông", "Đông", "Dương",
    "Lê", "Lễ", "Lệ", "Lè", "Le", "Lé", "Lẻ", "Lẽ", "Lẹ", "Lê Thị Hoa", "Lê Hoàng",
    "Lý Thị Mai", "Lưu Văn Minh", "Lương Thị Nga", "Ông Văn Ơn", "Ôn", "Ơn", "On", "Ưng",
    "Ung", "Ân", "Ăn", "An", "Anh", "Ánh", "Ảnh", "Bạch Ngọc", "Bùi Thị Xuân",
    "Phạm Ngọc Thạch", "Phan Bội Châu", "Trần Hưng Đạo", "Trương Định", "Hồ Chí Minh",
    "Hoàng Hoa Thám", "Võ Nguyên Giáp", "Vũ Trọng Phụng", "Gia", "Giang", "Chu", "Chữ",
    "Châu", "Cao", "Cầm Bá Thước", "Phường Cẩm Thượng", PHUONG_NFD, "phường Cẩm Thượng",
    "Phường Hải Tân", "Xã An Bình", "Xã Ân Thi", "Xã Ăn Thịt", "Thị trấn Đông Triều",
    "Thị trấn Dương Kinh", "Thị trấn", "Thị xã Kinh Môn", "Tổ dân phố 5", "Tổ dân phố 12",
    "Tổ dân phố 1", "Tổ dân phố 1A", "Tổ dân phố số 2", "Tổ dân phố", "Thôn 2", "Thôn Đông",
    "Khu dân cư số 10", "Khu dân cư số 9", "TP. Hải Dương", "Thành phố Hải Dương",
    "Hải Phòng", "Hải Dương", "Đặc khu Bạch Long Vĩ", "Kim Thành", "Chí Linh", "Nam Sách",
    "Thanh Hà", "Thanh Miện", "Tứ Kỳ", "Gia Lộc", "Ninh Giang", "Bình Giang", "Cẩm Giàng",
    "Khu 3", "Khu 3-4", "Khu 3 - 4", "Khu (3)", "Hội Cựu chiến binh", "Hội Liên hiệp Phụ nữ",
    "Đoàn Thanh niên", "Y Moan", "Yên Bái",
]  # fmt: skip

# The order PostgreSQL 15 with ICU gives for NAMES under "vi-VN-x-icu".
POSTGRES_ORDER = [
    "An", "Anh", "Ảnh", "Ánh", "Ăn", "Ân", "Bạch Ngọc", "Bình Giang", "Bùi Thị Xuân", "Cao",
    "Cầm Bá Thước", "Cẩm Giàng", "Châu", "Chí Linh", "Chu", "Chữ", "Dương", "Dương Văn Đông",
    "Đặc khu Bạch Long Vĩ", "Đoàn Thanh niên", "Đỗ Thị Bình", "Đỗ Văn Dũng", "Đông", "Gia",
    "Gia Lộc", "Giang", "Hải Dương", "Hải Phòng", "Hoàng Hoa Thám", "Hồ Chí Minh",
    "Hội Cựu chiến binh", "Hội Liên hiệp Phụ nữ", "Khu (3)", "Khu 3", "Khu 3 - 4", "Khu 3-4",
    "Khu dân cư số 10", "Khu dân cư số 9", "Kim Thành", "Le", "Lè", "Lẻ", "Lẽ", "Lé", "Lẹ",
    "Lê", "Lễ", "Lệ", "Lê Hoàng", "Lê Thị Hoa", "Lương Thị Nga", "Lưu Văn Minh", "Lý Thị Mai",
    "Nam Sách", "Nguyễn Thị Bình", "nguyễn văn a", "Nguyễn Văn A", "NGUYỄN VĂN A",
    "Nguyễn Văn An", "Nguyễn Văn Ân", "Ninh Giang", "On", "Ôn", "Ông Văn Ơn", "Ơn",
    "Phạm Ngọc Thạch", "Phan Bội Châu", "phường Cẩm Thượng", PHUONG_NFD, "Phường Cẩm Thượng",
    "Phường Hải Tân", "Thanh Hà", "Thanh Miện", "Thành phố Hải Dương", "Thị trấn",
    "Thị trấn Dương Kinh", "Thị trấn Đông Triều", "Thị xã Kinh Môn", "Thôn 2", "Thôn Đông",
    "Tổ dân phố", "Tổ dân phố 1", "Tổ dân phố 12", "Tổ dân phố 1A", "Tổ dân phố 5",
    "Tổ dân phố số 2", "TP. Hải Dương", "Trần Hưng Đạo", "Trương Định", "Tứ Kỳ", "Ung", "Ưng",
    "Võ Nguyên Giáp", "Vũ Trọng Phụng", "Xã An Bình", "Xã Ăn Thịt", "Xã Ân Thi", "Y Moan",
    "Yên Bái",
]  # fmt: skip


def postgres_order(texts):
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed")
    try:
        connection = psycopg.connect(POSTGRES_DSN, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    with connection:
        rows = connection.execute(
            'SELECT x FROM unnest(%s::text[]) AS t(x) ORDER BY x COLLATE "vi-VN-x-icu"',
            (list(texts),),
        ).fetchall()
    return [row[0] for row in rows]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("An", "Ăn"),
        ("Ăn", "Ân"),
        ("Ân", "Bình"),
        ("Dương", "Đông"),
        ("Đỗ Thị Bình", "Đông"),
        ("Le", "Lè"),
        ("Lè", "Lẻ"),
        ("Lẻ", "Lẽ"),
        ("Lẽ", "Lé"),
        ("Lé", "Lẹ"),
        ("Lẹ", "Lê"),
        ("Lệ", "Lê Hoàng"),
        ("Ông", "Ơn"),
        ("Ung", "Ưng"),
        ("nguyễn văn a", "Nguyễn Văn A"),
        ("Tổ dân phố 12", "Tổ dân phố 5"),
        ("Tổ dân phố", "Tổ dân phố 1"),
        ("Xã An Bình", "Xã Ân Thi"),
    ],
)
def test_it_sorts_in_vietnamese_order(first, second):
    assert vi_sort_key(first) < vi_sort_key(second)
    assert vi_collate(first, second) == -1
    assert vi_collate(second, first) == 1


def test_it_sorts_the_names_as_postgresql_did():
    assert len(NAMES) >= 40
    assert sorted(NAMES, key=vi_sort_key) == POSTGRES_ORDER


def test_it_sorts_the_names_as_postgresql_does():
    assert postgres_order(NAMES) == POSTGRES_ORDER
    assert sorted(NAMES, key=vi_sort_key) == postgres_order(NAMES)


def test_it_sorts_random_vietnamese_strings_as_postgresql_does():
    rng = random.Random(2026)
    alphabet = VIETNAMESE_LETTERS + "fjwzFJWZ" + " 0123456789-.,()/'_"
    texts = {"".join(rng.choices(alphabet, k=rng.randint(0, 8))) for _ in range(3000)}
    texts |= {nfd(text) for text in list(texts)[:300]}
    assert sorted(texts, key=vi_sort_key) == postgres_order(texts)


def test_sqlite_sorts_with_vi_collate_as_the_key_does():
    connection = sqlite3.connect(":memory:")
    connection.create_collation("vi-VN-x-icu", vi_collate)
    connection.execute("CREATE TABLE unit (name TEXT)")
    connection.executemany("INSERT INTO unit VALUES (?)", [(name,) for name in NAMES])
    rows = connection.execute('SELECT name FROM unit ORDER BY name COLLATE "vi-VN-x-icu"')
    assert [row[0] for row in rows] == POSTGRES_ORDER


def test_only_equal_strings_collate_equal():
    assert vi_collate("Lê", "Lê") == 0
    assert vi_collate("Lê", nfd("Lê")) != 0


@given(vietnamese_text, vietnamese_text)
def test_vi_collate_agrees_with_vi_sort_key(a, b):
    key_a, key_b = vi_sort_key(a), vi_sort_key(b)
    expected = -1 if key_a < key_b else (1 if key_a > key_b else 0)
    assert vi_collate(a, b) == expected
    assert vi_collate(b, a) == -expected
    assert (vi_collate(a, b) == 0) == (a == b)


@given(st.lists(st.text(), max_size=12))
def test_vi_collate_is_a_total_order(texts):
    ordered = sorted(texts, key=cmp_to_key(vi_collate))
    assert ordered == sorted(texts, key=vi_sort_key)
    for earlier, later in pairwise(ordered):
        assert vi_collate(earlier, later) <= 0


@given(vietnamese_text, vietnamese_text, vietnamese_text)
def test_vi_collate_is_transitive(a, b, c):
    if vi_collate(a, b) <= 0 and vi_collate(b, c) <= 0:
        assert vi_collate(a, c) <= 0
