"""Vietnamese text: normal form, search keys, legacy encodings and alphabetical order."""

import re
import unicodedata
from functools import lru_cache
from typing import Literal

LegacyEncoding = Literal["tcvn3", "vni"]


def nfc(text: str) -> str:
    """NFC, trimmed, with every run of whitespace turned into one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """Search key without case or diacritics: "Phường Cẩm Thượng" → "phuong cam thuong"."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower())
    bare = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return nfc(bare.replace("đ", "d").replace("Đ", "d"))


# Legacy encodings ----------------------------------------------------------

_TONED_VOWELS = {
    # base: (no tone, grave, hook, tilde, acute, dot below)
    "a": "aàảãáạ",
    "ă": "ăằẳẵắặ",
    "â": "âầẩẫấậ",
    "e": "eèẻẽéẹ",
    "ê": "êềểễếệ",
    "i": "iìỉĩíị",
    "o": "oòỏõóọ",
    "ô": "ôồổỗốộ",
    "ơ": "ơờởỡớợ",
    "u": "uùủũúụ",
    "ư": "ưừửữứự",
    "y": "yỳỷỹýỵ",
}

# TCVN 5712:1993 VN3, the table of the ABC fonts (.VnTime and friends), each
# row in the order of _TONED_VOWELS. VN3 has no code for a capital letter with
# a tone: documents set capitals in a second font (.VnTimeH) that draws the
# lower-case codes as capitals, so such text converts to lower case and the
# caller who knows the font was .VnTimeH upper-cases the result.
_TCVN3_ROWS = {
    "a": "aµ¶·¸¹",
    "ă": "¨»¼½¾Æ",
    "â": "©ÇÈÉÊË",
    "e": "eÌÎÏÐÑ",
    "ê": "ªÒÓÔÕÖ",
    "i": "i×ØÜÝÞ",
    "o": "oßáâãä",
    "ô": "«åæçèé",
    "ơ": "¬êëìíî",
    "u": "uïñòóô",
    "ư": "\xadõö÷øù",
    "y": "yúûüýþ",
}
_TCVN3_CAPITALS = {"¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ", "®": "đ"}

# VNI (VNI-Times and friends): a base letter followed by a mark character,
# except for a few letters that have a code of their own.
_VNI_TONE_MARKS = "øûõùï"  # grave, hook, tilde, acute, dot below
_VNI_CIRCUMFLEX_MARKS = "âàåãáä"  # circumflex alone, then with each tone
_VNI_BREVE_MARKS = "êèúüéë"  # breve alone, then with each tone
_VNI_LETTERS = {
    "ô": "ơ",
    "ö": "ư",
    "ñ": "đ",
    "í": "í",
    "ì": "ì",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "î": "ỵ",
}
_VNI_TONED_BASES = {"a": "a", "e": "e", "o": "o", "u": "u", "y": "y", "ô": "ơ", "ö": "ư"}


def _tcvn3_table() -> dict[str, str]:
    table = dict(_TCVN3_CAPITALS)
    for base, codes in _TCVN3_ROWS.items():
        for code, letter in zip(codes, _TONED_VOWELS[base], strict=True):
            if code != letter:
                table[code] = letter
    return table


def _vni_table() -> dict[str, str]:
    lower = dict(_VNI_LETTERS)
    for base, vowel in _VNI_TONED_BASES.items():
        for mark, letter in zip(_VNI_TONE_MARKS, _TONED_VOWELS[vowel][1:], strict=True):
            if letter not in lower.values():  # ỵ has a code of its own
                lower[base + mark] = letter
    for base, capped in (("a", "â"), ("e", "ê"), ("o", "ô")):
        for mark, letter in zip(_VNI_CIRCUMFLEX_MARKS, _TONED_VOWELS[capped], strict=True):
            lower[base + mark] = letter
    for mark, letter in zip(_VNI_BREVE_MARKS, _TONED_VOWELS["ă"], strict=True):
        lower["a" + mark] = letter
    return lower | {code.upper(): letter.upper() for code, letter in lower.items()}


_TCVN3 = _tcvn3_table()
_VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))


def tcvn3_to_unicode(text: str) -> str:
    """Text typed in TCVN3 (ABC) and decoded as cp1252 or latin-1, as Unicode NFC.

    Capitals with a tone have no TCVN3 code: text set in .VnTimeH comes out in
    lower case, and whoever knows the font upper-cases the result.
    """
    return unicodedata.normalize("NFC", "".join(_TCVN3.get(char, char) for char in text))


def vni_to_unicode(text: str) -> str:
    """Text typed in VNI and decoded as cp1252 or latin-1, as Unicode NFC."""
    converted = _VNI_PATTERN.sub(lambda match: _VNI[match.group()], text)
    return unicodedata.normalize("NFC", converted)


_VIETNAMESE_ONLY = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9\u0300-\u036f]")
_WORD_SEPARATORS = re.compile(r"[\x00-\x40\x5b-\x60\x7b-\x7f\s\u2010-\u205f]+")
_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnpqrstvx])?"
    "(?:iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyê|uyu"
    "|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê"
    "|[aăâeêioôơuưy])"
    "(?:ch|ng|nh|[cmnpt])?"
)
_TONE_MARKS = "\u0300\u0309\u0303\u0301\u0323"


def _is_vietnamese_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(decomposed.count(mark) for mark in _TONE_MARKS) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(toneless) is not None


def detect_legacy_encoding(text: str) -> LegacyEncoding | None:
    """The legacy encoding `text` was typed in, or None for Unicode, ASCII and unknown text.

    A word is evidence for an encoding when it is not a Vietnamese syllable as
    it stands and becomes one once converted. An encoding wins when it repairs
    more such words than the other one and most of them, and when most words of
    the converted text are Vietnamese syllables.
    """
    if text.isascii() or _VIETNAMESE_ONLY.search(text):
        return None
    words = [word for word in _WORD_SEPARATORS.split(text) if word]
    suspects = [w for w in words if not w.isascii() and not _is_vietnamese_syllable(w)]
    converters = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
    repaired = {
        name: sum(_is_vietnamese_syllable(convert(word)) for word in suspects)
        for name, convert in converters.items()
    }
    best: LegacyEncoding = "tcvn3" if repaired["tcvn3"] > repaired["vni"] else "vni"
    if repaired[best] == repaired["vni" if best == "tcvn3" else "tcvn3"]:
        return None
    if repaired[best] * 2 <= len(suspects):
        return None
    syllables = sum(_is_vietnamese_syllable(converters[best](word)) for word in words)
    return best if syllables * 2 > len(words) else None


def to_unicode(text: str) -> str:
    """`text` as nfc(), converted first when it looks typed in TCVN3 or VNI."""
    encoding = detect_legacy_encoding(text)
    if encoding == "tcvn3":
        text = tcvn3_to_unicode(text)
    elif encoding == "vni":
        text = vni_to_unicode(text)
    return nfc(text)


# Vietnamese alphabetical order ---------------------------------------------
#
# The key follows the Unicode Collation Algorithm with CLDR's root order and
# its Vietnamese tailoring, as ICU applies them for "vi-VN-x-icu": letters
# a ă â b c d đ e ê … at the primary level, tones (none, grave, hook, tilde,
# acute, dot below) at the secondary level, lower before upper case at the
# tertiary level, punctuation and digits non-ignorable and before letters,
# digits compared one by one. PostgreSQL breaks the remaining ties by
# comparing bytes, and so does the key.

_PUNCTUATION_GROUPS = (
    "\t", "\n", "\x0b", "\x0c", "\r", " \u3000\xa0\u202f", "_", "-\u2010\u2011", "\u2012",
    "\u2013", "\u2014", "\u2015", ",", ";", ":", "!", "¡", "?", "¿", ".", "·", "'", "\u2018",
    "\u2019", "\u201a", "\u201b", "\u2039", "\u203a", '"', "\u201c", "\u201d", "\u201e",
    "\u201f", "«", "»", "(", ")", "[", "]", "{", "}", "\u2016", "§", "¶", "@", "*", "/", "\\",
    "&", "#", "%", "‰", "†", "‡", "•", "`", "´", "^", "¯", "¨", "¸", "°", "©", "®", "+", "±",
    "÷", "×", "<", "=", ">", "¬", "|", "¦", "~", "\u2212", "¤", "¢", "$", "£", "¥", "₫", "€",
)  # fmt: skip
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_MARKS = "\u0332\u0313\u0314\u0300\u0309\u0303\u0301\u0323\u0306\u030c\u030a\u0342\u0308\u030b"
_MARKS += "\u0307\u0338\u0327\u0328\u0304"
_LETTER_FORMS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}

_SYMBOL_BAND = 1_000
_DIGIT_BAND = 2_000_000
_LETTER_BAND = 3_000_000
_OTHER_BAND = 4_000_000

_KNOWN: dict[str, tuple[int, int]] = {
    char: (rank, variant)
    for rank, group in enumerate(_PUNCTUATION_GROUPS, start=1)
    for variant, char in enumerate(group)
}
_KNOWN |= {letter: (_LETTER_BAND + rank, 0) for rank, letter in enumerate(_ALPHABET)}
_MARK_WEIGHTS = {mark: rank for rank, mark in enumerate(_MARKS, start=1)}
_IGNORABLE_MARKS = "\u034f"

SortKey = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], bytes]


def _mark_weight(mark: str) -> int:
    return _MARK_WEIGHTS.get(mark, len(_MARKS) + ord(mark))


def _base_weights(char: str) -> tuple[int, int] | None:
    """(primary, tertiary) of a character other than a combining mark; None if ignorable."""
    lower = char.lower()
    if lower in _KNOWN:
        primary, variant = _KNOWN[lower]
        return primary, variant + (char != lower)
    category = unicodedata.category(char)
    if category == "Nd":
        return _DIGIT_BAND + unicodedata.digit(char), 0
    if category[0] == "C":
        return None
    if category[0] in "PSZ":
        return _SYMBOL_BAND + ord(char), 0
    return _OTHER_BAND + ord(char), 0


def _letter_form(base: str, marks: list[str]) -> tuple[str, list[str]]:
    """Join base and the mark that makes it ă, â, ê, ô, ơ or ư, as ICU's contractions do."""
    highest_class = 0
    for index, mark in enumerate(marks):
        mark_class = unicodedata.combining(mark)
        letter = _LETTER_FORMS.get((base, mark))
        if letter is not None and mark_class > highest_class:
            return letter, marks[:index] + marks[index + 1 :]
        highest_class = max(highest_class, mark_class)
    return base, marks


def _clusters(text: str) -> list[tuple[str | None, list[str]]]:
    """The NFD form of text as (base character, its combining marks) pairs."""
    clusters: list[tuple[str | None, list[str]]] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.category(char) == "Mn":
            if not clusters:
                clusters.append((None, []))
            clusters[-1][1].append(char)
        else:
            clusters.append((char, []))
    return clusters


@lru_cache(maxsize=65536)
def vi_sort_key(text: str) -> SortKey:
    """Key that sorts strings as PostgreSQL's "vi-VN-x-icu" collation does."""
    primaries: list[int] = []
    secondaries: list[int] = []
    tertiaries: list[int] = []
    for base, marks in _clusters(text):
        if base is not None:
            letter, marks = _letter_form(base.lower(), marks)
            if letter in _LETTER_FORMS.values():
                weights: tuple[int, int] | None = (_KNOWN[letter][0], int(base != base.lower()))
            else:
                weights = _base_weights(base)
            if weights is not None:
                primaries.append(weights[0])
                secondaries.append(0)
                tertiaries.append(weights[1])
        for mark in marks:
            if mark not in _IGNORABLE_MARKS:
                secondaries.append(_mark_weight(mark))
                tertiaries.append(0)
    return (
        tuple(primaries),
        tuple(secondaries),
        tuple(tertiaries),
        text.encode("utf-8", "surrogatepass"),
    )


def _numeric_runs(primaries: tuple[int, ...]) -> tuple[int, ...]:
    """Each run of digit weights as (digit band, count of significant digits, digits…),
    so that "Tổ 2" sorts before "Tổ 10" and "02" ties with "2" at this level."""
    result: list[int] = []
    run: list[int] = []
    for weight in (*primaries, None):
        if weight is not None and _DIGIT_BAND <= weight < _DIGIT_BAND + 10:
            run.append(weight - _DIGIT_BAND)
            continue
        if run:
            digits = run[next((i for i, d in enumerate(run) if d), len(run) - 1) :]
            result += [_DIGIT_BAND, len(digits), *digits]
            run = []
        if weight is not None:
            result.append(weight)
    return tuple(result)


@lru_cache(maxsize=65536)
def vi_natural_key(text: str) -> SortKey:
    """Vietnamese order with numbers compared as numbers, as PostgreSQL's ICU collation
    "vi-VN-u-kn-true" does: "Tổ dân phố 2" before "Tổ dân phố 10"."""
    # Leading zeros only break the last ties, as they do in ICU ("02" just before "2").
    stripped = re.sub(r"\d+", lambda match: match.group().lstrip("0") or "0", text)
    primaries, secondaries, tertiaries, _raw = vi_sort_key(stripped)
    return (
        _numeric_runs(primaries),
        secondaries,
        tertiaries,
        text.encode("utf-8", "surrogatepass"),
    )


def vi_natural_collate(a: str, b: str) -> int:
    key_a, key_b = vi_natural_key(a), vi_natural_key(b)
    return (key_a > key_b) - (key_a < key_b)


def vi_collate(a: str, b: str) -> int:
    """-1, 0 or 1 as `a` sorts before, with or after `b`; for sqlite3's create_collation()."""
    key_a, key_b = vi_sort_key(a), vi_sort_key(b)
    return (key_a > key_b) - (key_a < key_b)
