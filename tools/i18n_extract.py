"""Compare the translatable texts of the code with the .po catalogues.

Finds every ``tr("...")``, ``ntr("...", "...", n)`` and ``N_("...")`` call with a
literal text in ``studio/`` (``studio/ui`` excepted: the GUI uses Qt's own
catalogues), then, for each ``resources/i18n/*.po``, prints the texts it lacks,
the ones it holds that the code no longer uses, and the ones not yet (or only
fuzzily) translated. It also refuses calls that can never be translated: an
f-string, a formatted or concatenated text, a positional ``{}`` placeholder.

    python tools/i18n_extract.py            # report; exit status 1 if anything is listed
    python tools/i18n_extract.py --update   # also append the missing texts (empty msgstr)

The obsolete entries are reported, never deleted: remove them (or mark them
``#~``) by hand.
"""

from __future__ import annotations

import argparse
import ast
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from studio.i18n import CONTEXT_SEP, PLURAL_SEP, header, parse_po, po_quote  # noqa: E402

CALLS = {"tr": 1, "ntr": 2, "N_": 1}  # function name -> how many literal texts it takes
CONTEXT_POSITION = {"tr": 1, "ntr": 3}  # where a positional context would be


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    context: str | None = None
    locations: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        key = self.msgid if self.plural is None else self.msgid + PLURAL_SEP + self.plural
        return key if self.context is None else self.context + CONTEXT_SEP + key


@dataclass
class Extraction:
    messages: dict[str, Message] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _placeholder_problem(text: str) -> str | None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        return f"is not a valid format template ({exc})"
    for f in fields:
        base = f.split(".")[0].split("[")[0]
        if not base or base.isdigit():
            return "has a positional placeholder; name it, e.g. {count}"
    return None


def _why_not_literal(node: ast.expr) -> str | None:
    """None when ``node`` may be a text translated elsewhere (a name); else the fault."""
    if isinstance(node, ast.JoinedStr):
        return "an f-string: pass the template, then .format() the result"
    if isinstance(node, ast.BinOp):
        return "a concatenated or %-formatted text: pass one literal template"
    if isinstance(node, ast.Call):
        return "a computed text (e.g. .format() before tr): pass the template"
    if isinstance(node, ast.Constant) and not isinstance(node.value, str):
        return "not a text"
    return None


def extract_file(path: Path, rel: str, out: Extraction) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
        name = _name(node.func)
        if name not in CALLS:
            continue
        where = f"{rel}:{node.lineno}"
        count = CALLS[name]
        if len(node.args) < count:
            if not any(isinstance(a, ast.Starred) for a in node.args):
                out.problems.append(f"{where}: {name}() needs {count} text(s)")
            continue
        texts: list[str] = []
        for arg in node.args[:count]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                texts.append(arg.value)
                continue
            fault = _why_not_literal(arg)
            if fault:
                out.problems.append(f"{where}: {name}() of {fault}")
            texts = []
            break
        if not texts:
            continue
        context: str | None = None
        ctx_node = next((k.value for k in node.keywords if k.arg == "context"), None)
        pos = CONTEXT_POSITION.get(name)
        if ctx_node is None and pos is not None and len(node.args) > pos:
            ctx_node = node.args[pos]
        if ctx_node is not None:
            if isinstance(ctx_node, ast.Constant) and isinstance(ctx_node.value, str):
                context = ctx_node.value
            else:
                out.problems.append(f"{where}: the context of {name}() must be a literal text")
                continue
        for text in texts:
            problem = _placeholder_problem(text)
            if problem:
                out.problems.append(f"{where}: {text!r} {problem}")
        msg = Message(texts[0], texts[1] if count == 2 else None, context)
        known = out.messages.setdefault(msg.key, msg)
        known.locations.append(where)


def extract(root: Path = ROOT) -> Extraction:
    """Every translatable text of ``root/studio`` outside ``studio/ui``."""
    out = Extraction()
    base = root / "studio"
    for path in sorted(base.rglob("*.py")):
        rel_parts = path.relative_to(base).parts
        if rel_parts[0] == "ui":
            continue
        extract_file(path, path.relative_to(root).as_posix(), out)
    return out


@dataclass
class Report:
    po: Path
    missing: list[Message]
    obsolete: list[str]
    untranslated: list[str]


def compare(extraction: Extraction, po: Path) -> Report:
    entries = [e for e in parse_po(po.read_text(encoding="utf-8"), po.name) if e.msgid]
    by_key = {e.key: e for e in entries}
    missing = [m for k, m in extraction.messages.items() if k not in by_key]
    obsolete = [k for k in by_key if k not in extraction.messages]
    untranslated = [k for k, e in by_key.items()
                    if k in extraction.messages and (e.fuzzy or not e.translated)]
    return Report(po, missing, obsolete, untranslated)


def format_entry(msg: Message, nplurals: int) -> str:
    lines = [f"#: {' '.join(msg.locations)}"]
    if msg.context is not None:
        lines.append(f"msgctxt {po_quote(msg.context)}")
    lines.append(f"msgid {po_quote(msg.msgid)}")
    if msg.plural is None:
        lines.append('msgstr ""')
    else:
        lines.append(f"msgid_plural {po_quote(msg.plural)}")
        lines += [f'msgstr[{i}] ""' for i in range(nplurals)]
    return "\n".join(lines) + "\n"


def append_missing(report: Report) -> None:
    text = report.po.read_text(encoding="utf-8")
    forms = header(parse_po(text, report.po.name)).get("Plural-Forms", "nplurals=2;")
    nplurals = int(forms.split("nplurals=")[1].split(";")[0]) if "nplurals=" in forms else 2
    if not text.endswith("\n"):
        text += "\n"
    for msg in report.missing:
        text += "\n" + format_entry(msg, nplurals)
    report.po.write_text(text, encoding="utf-8")


def _show(key: str) -> str:
    return repr(key.replace(PLURAL_SEP, " | ").replace(CONTEXT_SEP, " :: "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true",
                        help="append the missing texts to each catalogue, with an empty msgstr")
    parser.add_argument("po", nargs="*", type=Path,
                        help="catalogues to compare (default: resources/i18n/*.po)")
    args = parser.parse_args(argv)
    extraction = extract(ROOT)
    found = 0
    for problem in extraction.problems:
        print(f"error: {problem}")
        found += 1
    catalogues = args.po or sorted((ROOT / "resources" / "i18n").glob("*.po"))
    print(f"{len(extraction.messages)} texts to translate in the code.")
    for po in catalogues:
        report = compare(extraction, po)
        name = po.relative_to(ROOT) if po.is_relative_to(ROOT) else po
        for msg in report.missing:
            print(f"{name}: missing {_show(msg.key)} ({msg.locations[0]})")
        for key in report.obsolete:
            print(f"{name}: obsolete {_show(key)}")
        for key in report.untranslated:
            print(f"{name}: untranslated {_show(key)}")
        if args.update and report.missing:
            append_missing(report)
            print(f"{name}: appended {len(report.missing)} missing texts.")
            report.untranslated += [m.key for m in report.missing]
            report.missing = []
        found += len(report.missing) + len(report.obsolete) + len(report.untranslated)
        print(f"{name}: {len(report.missing)} missing, {len(report.obsolete)} obsolete, "
              f"{len(report.untranslated)} untranslated.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
