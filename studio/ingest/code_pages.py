"""Which code page a ZIP part's names were written in, when nothing says so.

Pure functions, no I/O. Windows' "Compressed folder" writes entry names in the
system's OEM code page (cp850 in Western Europe, cp852 in Central Europe,
cp866 in Russia, cp932 in Japan...) without the UTF-8 flag. Most byte strings
decode in several of them, so one code page is chosen per part, from all its
names together:

1. When the archive holds metadata (Takeout's videos CSV), the code page whose
   decoded file names are found most often among its titles wins.
2. Otherwise (or on a tie) each reading is scored by how unlike real names it
   looks: symbols, box drawing and stray punctuation; Greek letters (no
   candidate writes Greek); words that switch script (Latin to Cyrillic or
   Greek) or case (``ÅαÑΓ``) in their middle; rare characters of a Chinese or
   Korean code page. Kana count in favour of a reading: only Japanese has them.
   The lowest score wins, ties going to the earlier code page (cp437 is the ZIP
   default).

Names are decoded whole, before they are split at their separators: in cp932
the second byte of a character such as ``ソ`` is 0x5C, a backslash in cp437.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence

# In the order they are preferred when several read a part's names equally well.
LEGACY_ENCODINGS = ("cp437", "cp850", "cp852", "cp866", "cp932", "cp936", "cp949", "cp950")
# The narrower sets of the everyday characters of a Chinese or Korean code page.
_COMMON = {"cp936": "gb2312", "cp949": "euc_kr"}
_TAKEOUT_REPLACED = re.compile(r'[\\/:*?"<>|]')  # characters Takeout turns into "_" in file names
_DUPLICATE = re.compile(r"\(\d+\)$")


def raw_name(info: zipfile.ZipInfo) -> bytes | None:
    """The bytes of the entry's name when it is stored without the UTF-8 flag, else None.

    zipfile read them as cp437; ``orig_filename`` is taken because on Windows
    ``filename`` has had its backslashes turned into slashes, which would lose
    cp932's 0x5C second bytes.
    """
    if info.flag_bits & 0x800:
        return None
    return info.orig_filename.encode("cp437")


def legacy_names(infos: Sequence[zipfile.ZipInfo]) -> list[bytes]:
    """The raw names that are neither ASCII nor UTF-8 (the ones a code page must read)."""
    raws = []
    for info in infos:
        raw = raw_name(info)
        if raw is None or raw.isascii():
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raws.append(raw)
    return raws


def choose_code_page(raws: Sequence[bytes], titles: Callable[[], str] | None = None) -> str:
    """The code page ``raws`` (names from one ZIP part) were most likely written in.

    ``titles`` gives the archive's metadata text (its videos CSV), read only when
    more than one code page can decode the names.
    """
    readings: dict[str, list[str]] = {}
    for enc in LEGACY_ENCODINGS:
        try:
            readings[enc] = [r.decode(enc) for r in raws]
        except UnicodeDecodeError:
            continue
    if not readings:
        return "cp437"
    if len(readings) == 1:
        return next(iter(readings))
    scores = {enc: sum(name_score(n, enc) for n in names) for enc, names in readings.items()}
    matches = dict.fromkeys(readings, 0)
    text = titles() if titles is not None else ""
    if text:
        text = unicodedata.normalize("NFC", text)
        replaced = _TAKEOUT_REPLACED.sub("_", text)
        for enc, names in readings.items():
            for n in names:
                stem = _stem(n)
                if stem and not stem.isascii() and (stem in text or stem in replaced):
                    matches[enc] += 1
    order = {enc: i for i, enc in enumerate(LEGACY_ENCODINGS)}
    return min(readings, key=lambda enc: (-matches[enc], scores[enc], order[enc]))


def _stem(name: str) -> str:
    """The file name without its folders, extension and Takeout's "(n)" duplicate mark."""
    base = re.split(r"[\\/]", name)[-1]
    base = base.rsplit(".", 1)[0] if "." in base else base
    return unicodedata.normalize("NFC", _DUPLICATE.sub("", base).strip())


def _script(ch: str) -> str:
    """latin, cyrillic, greek, cjk or other (for a letter); "" for anything else."""
    if not ch.isalpha():
        return ""
    if ch.isascii():
        return "latin"
    word = unicodedata.name(ch, "").split(" ", 1)[0]
    if word in ("LATIN", "CYRILLIC", "GREEK"):
        return word.lower()
    if word in ("HIRAGANA", "KATAKANA", "CJK", "HANGUL", "FULLWIDTH", "HALFWIDTH"):
        return "cjk"
    return "other"


def name_score(name: str, encoding: str) -> int:
    """How unlike a real file name ``name`` (read in ``encoding``) looks; 0 for plain names."""
    score = 0
    prev = ""
    for i, ch in enumerate(name):
        if ch.isascii():
            score += _pair(prev, ch)
            prev = ch
            continue
        cat = unicodedata.category(ch)
        if cat in ("So", "Sm", "Sk", "Sc", "Cc", "Cf", "Co", "Cn", "Zl", "Zp") \
                or "\u2500" <= ch <= "\u259f":  # fmt: skip
            score += 4
        elif "\u3040" <= ch <= "\u30ff":  # kana: only Japanese has them
            score -= 1
        elif "\uff61" <= ch <= "\uff9f":  # half-width kana: old terminals, not file names
            score += 2
        elif "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e" or ch in "¿¡ªº":
            pass  # CJK and full-width punctuation, Spanish marks: ordinary in names
        elif cat[0] in ("P", "Z", "N", "M"):
            score += 2
        elif _script(ch) in ("greek", "other"):
            score += 2
        elif encoding in _COMMON and _script(ch) == "cjk" and not _encodes(ch, _COMMON[encoding]):
            score += 1  # a rare character of a Chinese or Korean code page
        elif ch.isupper() and prev.isalpha() and name[i + 1:i + 2].islower():
            score += 1  # "MÑka": a capital inside a lower-case word
        score += _pair(prev, ch)
        prev = ch
    return score


def _pair(prev: str, ch: str) -> int:
    """What two neighbouring letters cost: a change of script or of case inside a word."""
    a, b = _script(prev), _script(ch)
    if not a or not b or (prev.isascii() and ch.isascii()):
        return 0
    if a != b:
        return 1 if "cjk" in (a, b) else 3
    if a != "cjk" and prev.islower() and ch.isupper():
        return 1
    return 0


def _encodes(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
