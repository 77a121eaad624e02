"""Translations of the messages made below the UI (rules, errors, plans), without Qt.

English is the source language. A message is written in English, as a
template with *named* placeholders, and passed through :func:`tr` before it is
formatted, so that a translation may put the values in another order::

    tr("Episode {n} has no title.").format(n=episode.position)
    ntr("{n} error", "{n} errors", count).format(n=count)

Never pass an f-string or a formatted text to :func:`tr`: it would never be
found in a catalogue. A text defined at import time (a module constant) is
marked with :func:`N_` and translated where it is used: ``tr(_AGAIN)``.
``tools/i18n_extract.py`` finds every ``tr``/``ntr``/``N_`` call with a literal
argument (outside ``studio/ui``) and compares them with the catalogues.

Catalogues are gettext ``.po`` files in ``studio.resources/i18n/<code>.po``
(``resources/i18n`` in the source tree), read by the small parser below
(fuzzy and untranslated entries are ignored, so they show in English). The
GUI translates its own widgets with Qt's ``tr()``; this module is for the
layers that must not import Qt.

Which language:

- At import the language is English, unless ``STUDIO_LANG`` names an available
  language. The ``studio`` command therefore stays English on a French system:
  its help is English and scripts may read its output; ``STUDIO_LANG=fr``
  makes its messages French.
- :func:`set_language` with ``None`` follows the environment: ``STUDIO_LANG``,
  then ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` (``fr_FR.UTF-8`` ->
  ``fr``); the first of them that is set decides, and anything unknown (or
  ``C``/``POSIX``) means English. The GUI calls it at start-up.

Thread safety: the current language is one immutable object swapped in a
single assignment; :func:`tr` only reads it, so workers may translate while
the GUI thread switches language (a message made during the switch is in one
language or the other). Catalogues are loaded once, under a lock.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

__all__ = [
    "N_", "PoEntry", "PoError", "available_languages", "catalogue", "decimal", "header",
    "language", "language_from_environment", "messages", "ntr", "parse_po", "plural_function",
    "po_quote", "set_language", "source_strings", "tr",
]

SOURCE_LANGUAGE = "en"
ENV_VARIABLES = ("STUDIO_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
CONTEXT_SEP = "\x04"  # msgctxt + CONTEXT_SEP + msgid, as in compiled .mo files
PLURAL_SEP = "\x00"  # msgid + PLURAL_SEP + msgid_plural; the forms of msgstr likewise

_log = logging.getLogger(__name__)


# -- the .po format -------------------------------------------------------------------


class PoError(ValueError):
    """A .po file that cannot be parsed; the message names the file and the line."""


@dataclass
class PoEntry:
    """One message of a .po file."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)  # "#", "#." and "#:" lines, as written
    line: int = 0  # where the entry starts

    @property
    def key(self) -> str:
        """The catalogue key: msgid, with the context and plural joined as in a .mo file."""
        key = self.msgid if self.msgid_plural is None else (
            self.msgid + PLURAL_SEP + self.msgid_plural)
        return key if self.msgctxt is None else self.msgctxt + CONTEXT_SEP + key

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        if self.msgid_plural is None:
            return bool(self.msgstr)
        return bool(self.msgstr_plural) and all(self.msgstr_plural.values())

    @property
    def translation(self) -> str:
        """msgstr, or the plural forms joined by PLURAL_SEP in their index order."""
        if self.msgid_plural is None:
            return self.msgstr
        return PLURAL_SEP.join(self.msgstr_plural[i] for i in sorted(self.msgstr_plural))


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v", "'": "'", "?": "?"}
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.S)
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*)$")


def _unquote(text: str, where: str) -> str:
    """The value of one C string literal ``"..."`` (the whole of ``text``)."""
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise PoError(f"{where}: expected a string in double quotes, found {text!r}")
    body = text[1:-1]
    if re.search(r'(?<!\\)(?:\\\\)*"', body):
        raise PoError(f"{where}: a double quote inside a string must be escaped as \\\"")

    def one(m: re.Match) -> str:
        octal, hexa, char = m.groups()
        if octal:
            return chr(int(octal, 8))
        if hexa:
            return chr(int(hexa, 16))
        if char not in _ESCAPES:
            raise PoError(f"{where}: unknown escape \\{char}")
        return _ESCAPES[char]

    if (len(body) - len(body.rstrip("\\"))) % 2:
        raise PoError(f"{where}: the string ends with a lone backslash")
    return _ESCAPE.sub(one, body)


def parse_po(text: str, filename: str = "<po>") -> list[PoEntry]:
    """Every entry of a .po file, in order, the header (msgid "") included.

    Obsolete entries (``#~``) are skipped. Fuzzy entries are returned with the
    ``fuzzy`` flag; :func:`messages` leaves them out. Raises :class:`PoError`.
    """
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    seen: list[str] = []  # keywords of the current entry, in order
    continuing: str | None = None  # the keyword whose string goes on on the next line
    flags: set[str] = set()
    comments: list[str] = []

    def finish() -> None:
        nonlocal current
        if current is None:
            return
        where = f"{filename}:{current.line}"
        plural_strs = [k for k in seen if k.startswith("msgstr[")]
        if "msgid" not in seen:
            raise PoError(f"{where}: an entry without msgid")
        if current.msgid_plural is None:
            if plural_strs:
                raise PoError(f"{where}: msgstr[N] without msgid_plural")
            if "msgstr" not in seen:
                raise PoError(f"{where}: msgid {current.msgid!r} has no msgstr")
        else:
            if "msgstr" in seen:
                raise PoError(f"{where}: a plural entry needs msgstr[N], not msgstr")
            if sorted(current.msgstr_plural) != list(range(len(current.msgstr_plural))) \
                    or not plural_strs:
                raise PoError(f"{where}: the msgstr[N] must be numbered from 0")
        entries.append(current)
        current = None
        seen.clear()

    def has_msgstr() -> bool:
        return any(k.startswith("msgstr") for k in seen)

    def append(keyword: str, value: str) -> None:
        assert current is not None
        if keyword == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + value
        elif keyword == "msgid":
            current.msgid += value
        elif keyword == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + value
        elif keyword == "msgstr":
            current.msgstr += value
        else:  # msgstr[N]
            index = int(keyword[7:-1])
            current.msgstr_plural[index] = current.msgstr_plural.get(index, "") + value

    for number, raw in enumerate(text.split("\n"), 1):  # not splitlines(): \f is not a line end
        where = f"{filename}:{number}"
        line = raw.strip(" \t\r")
        if not line:
            continuing = None
            continue
        if line.startswith("#"):
            continuing = None
            if line.startswith("#~"):
                continue  # an obsolete entry
            if has_msgstr():
                finish()  # comments belong to the entry that follows
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            elif not line.startswith("#|"):  # "#|": the previous msgid, not needed
                comments.append(line)
            continue
        if line.startswith('"'):
            if continuing is None:
                raise PoError(f"{where}: a string that continues nothing")
            append(continuing, _unquote(line, where))
            continue
        m = _KEYWORD.match(line)
        if not m:
            raise PoError(f"{where}: cannot understand {line!r}")
        keyword, value = m.group(1), _unquote(m.group(3), where)
        if keyword == "msgctxt" or (keyword == "msgid" and seen != ["msgctxt"]):
            finish()
            current = PoEntry("", flags=flags, comments=comments, line=number)
            flags, comments = set(), []
        elif keyword == "msgid":
            pass  # after its msgctxt
        elif current is None or "msgid" not in seen:
            raise PoError(f"{where}: {keyword} before msgid")
        elif keyword in seen:
            raise PoError(f"{where}: {keyword} twice in one entry")
        elif keyword == "msgid_plural" and has_msgstr():
            raise PoError(f"{where}: msgid_plural after msgstr")
        seen.append(keyword)
        continuing = keyword
        append(keyword, value)
    finish()
    keys = [e.key for e in entries]
    if len(keys) != len(set(keys)):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise PoError(f"{filename}: the message {dup!r} is defined twice")
    return entries


def messages(entries: list[PoEntry]) -> dict[str, str]:
    """Catalogue keys to translations: translated, non-fuzzy entries only, no header."""
    return {e.key: e.translation for e in entries
            if e.msgid and not e.fuzzy and e.translated}


def header(entries: list[PoEntry]) -> dict[str, str]:
    """The fields of the header entry (msgid ""), e.g. ``{"Language": "fr", ...}``."""
    for e in entries:
        if e.msgid == "" and e.msgctxt is None:
            fields_ = {}
            for line in e.msgstr.splitlines():
                name, sep, value = line.partition(":")
                if sep:
                    fields_[name.strip()] = value.strip()
            return fields_
    return {}


def po_quote(text: str) -> str:
    """``text`` as a .po string; multi-line texts as a "" line then one line each."""
    def q(s: str) -> str:
        s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
        s = s.replace("\r", "\\r").replace("\n", "\\n")
        return f'"{s}"'

    parts = re.findall(r"[^\n]*\n|[^\n]+$", text)
    if len(parts) <= 1:
        return q(text)
    return '""\n' + "\n".join(q(p) for p in parts)


# -- plural forms --------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+)|(n)|(\|\||&&|==|!=|<=|>=|[<>%?:()!+\-*/]))")


def plural_function(expression: str) -> Callable[[int], int]:
    """The form index for ``n`` from a Plural-Forms C expression, e.g. ``(n > 1)``.

    A small recursive-descent evaluator (no ``eval``) for what Plural-Forms
    uses: ``n``, integers, ``! % * / + - < > <= >= == != && || ?:``, parentheses.
    """
    tokens: list[str] = []
    pos = 0
    expression = expression.strip().rstrip(";")
    while pos < len(expression):
        m = _TOKEN.match(expression, pos)
        if not m or m.end() == pos:
            raise PoError(f"cannot read the plural expression {expression!r}")
        tokens.append(m.group(m.lastindex or 0))
        pos = m.end()
        if expression[pos:].strip() == "":
            break
    at = 0
    Node = Callable[[int], int]

    def peek() -> str | None:
        return tokens[at] if at < len(tokens) else None

    def take(expected: str | None = None) -> str:
        nonlocal at
        tok = peek()
        if tok is None or (expected is not None and tok != expected):
            raise PoError(f"bad plural expression {expression!r}")
        at += 1
        return tok

    binary: list[dict[str, Callable[[int, int], int]]] = [
        {"||": lambda a, b: int(bool(a) or bool(b))},
        {"&&": lambda a, b: int(bool(a) and bool(b))},
        {"==": lambda a, b: int(a == b), "!=": lambda a, b: int(a != b)},
        {"<": lambda a, b: int(a < b), ">": lambda a, b: int(a > b),
         "<=": lambda a, b: int(a <= b), ">=": lambda a, b: int(a >= b)},
        {"+": lambda a, b: a + b, "-": lambda a, b: a - b},
        {"*": lambda a, b: a * b, "/": lambda a, b: a // b if b else 0,
         "%": lambda a, b: a % b if b else 0},
    ]

    def level(i: int) -> Node:
        if i == len(binary):
            return unary()
        left = level(i + 1)
        while peek() in binary[i]:
            op = binary[i][take()]
            right = level(i + 1)
            left = (lambda f, g, o: lambda n: o(f(n), g(n)))(left, right, op)
        return left

    def unary() -> Node:
        tok = peek()
        if tok == "!":
            take()
            inner = unary()
            return lambda n: int(not inner(n))
        if tok == "(":
            take()
            inner = ternary()
            take(")")
            return inner
        tok = take()
        if tok == "n":
            return lambda n: n
        if tok.isdigit():
            value = int(tok)
            return lambda n: value
        raise PoError(f"bad plural expression {expression!r}")

    def ternary() -> Node:
        cond = level(0)
        if peek() != "?":
            return cond
        take("?")
        yes = ternary()
        take(":")
        no = ternary()
        return lambda n: yes(n) if cond(n) else no(n)

    root = ternary()
    if at != len(tokens):
        raise PoError(f"bad plural expression {expression!r}")
    return root


def _english_plural(n: int) -> int:
    return int(n != 1)


# -- catalogues and the current language ------------------------------------------------


@dataclass(frozen=True)
class _Language:
    code: str
    messages: Mapping[str, str]
    plural: Callable[[int], int]


_SOURCE = _Language(SOURCE_LANGUAGE, {}, _english_plural)
_loaded: dict[str, _Language] = {SOURCE_LANGUAGE: _SOURCE}
_load_lock = threading.Lock()
_current: _Language = _SOURCE


def _catalogue_dir() -> Any:
    return files("studio.resources") / "i18n"


def available_languages() -> list[str]:
    """``["en", ...]``: English first, then every language with a catalogue, sorted."""
    folder = _catalogue_dir()
    codes = sorted(p.name[:-3] for p in folder.iterdir()
                   if p.name.endswith(".po")) if folder.is_dir() else []
    return [SOURCE_LANGUAGE] + [c for c in codes if c != SOURCE_LANGUAGE]


def _load(code: str) -> _Language:
    with _load_lock:
        if code in _loaded:
            return _loaded[code]
        name = f"{code}.po"
        text = (_catalogue_dir() / name).read_text(encoding="utf-8")
        entries = parse_po(text, name)
        forms = header(entries).get("Plural-Forms", "")
        m = re.search(r"plural\s*=\s*(.+?);?\s*$", forms)
        plural = plural_function(m.group(1)) if m else _english_plural
        lang = _Language(code, messages(entries), plural)
        _loaded[code] = lang
        return lang


def _normalise(value: str) -> str:
    """``fr_FR.UTF-8@euro`` -> ``fr``; ``C`` and ``POSIX`` -> ``en``."""
    value = value.strip()
    if value.upper() in ("C", "POSIX") or value.upper().startswith("C."):
        return SOURCE_LANGUAGE
    return re.split(r"[_.@-]", value, maxsplit=1)[0].lower()


def language_from_environment(env: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for (see the module docstring); "en" if unknown."""
    env = os.environ if env is None else env
    available = available_languages()
    for variable in ENV_VARIABLES:
        value = env.get(variable, "").strip()
        if not value:
            continue
        for item in value.split(":"):  # LANGUAGE may list several: "fr_CA:fr:en"
            code = _normalise(item) if item.strip() else ""
            if code in available:
                return code
        return SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def set_language(code: str | None) -> str:
    """Translate into ``code`` from now on (None: from the environment). Returns the code used.

    An unknown language, or one whose catalogue cannot be read (logged), gives English.
    """
    global _current
    chosen = language_from_environment() if code is None else _normalise(code)
    if chosen not in available_languages():
        chosen = SOURCE_LANGUAGE
    try:
        lang = _load(chosen)
    except (OSError, PoError) as exc:
        _log.error("Cannot read the %s translations, using English: %s", chosen, exc)
        lang = _SOURCE
    _current = lang
    return lang.code


def language() -> str:
    """The code of the language messages are made in now."""
    return _current.code


def tr(text: str, context: str | None = None) -> str:
    """The translation of the English ``text`` in the current language, or ``text``.

    ``context`` (msgctxt) tells apart two uses of the same English text.
    """
    key = text if context is None else context + CONTEXT_SEP + text
    return _current.messages.get(key, text)


def ntr(singular: str, plural: str, n: int, context: str | None = None) -> str:
    """The form of a message for the number ``n``: ``ntr("{n} error", "{n} errors", n)``.

    Format the result yourself (``.format(n=n)``); a translation may have more forms.
    """
    lang = _current
    key = singular + PLURAL_SEP + plural
    if context is not None:
        key = context + CONTEXT_SEP + key
    found = lang.messages.get(key)
    if found is not None:
        forms = found.split(PLURAL_SEP)
        index = lang.plural(n)
        if 0 <= index < len(forms):
            return forms[index]
    return singular if n == 1 else plural


def N_(text: str) -> str:
    """Mark a text for translation without translating it (translate it where it is used)."""
    return text


def decimal(number: str) -> str:
    """A number written with ``.`` (``"1.5"``) with the current language's decimal mark."""
    return number.replace(".", tr(".", context="decimal mark"))


def catalogue(code: str) -> dict[str, str]:
    """The translations of language ``code`` (keys as in a .mo file; see :class:`PoEntry`)."""
    code = _normalise(code)
    if code not in available_languages():
        raise KeyError(f"no catalogue for the language {code!r}")
    return dict(_load(code).messages)


def source_strings() -> set[str]:
    """Every English source key the shipped catalogues know, translated or not.

    Keys as in :attr:`PoEntry.key` (context and plural joined); for tests that
    compare the catalogues with the ``tr()`` calls of the code.
    """
    keys: set[str] = set()
    for code in available_languages()[1:]:
        text = (_catalogue_dir() / f"{code}.po").read_text(encoding="utf-8")
        keys |= {e.key for e in parse_po(text, f"{code}.po") if e.msgid}
    return keys


_initial = os.environ.get("STUDIO_LANG", "").strip()
if _initial:
    set_language(_initial)
