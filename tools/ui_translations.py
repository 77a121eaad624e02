"""Update and compile the GUI's Qt Linguist catalogues (resources/i18n/studio_<lang>.ts).

The window's strings are the ``self.tr("...")`` and
``QCoreApplication.translate("Context", "...")`` calls of ``studio/ui/*.py``
(the layers below use studio.i18n and resources/i18n/<lang>.po instead; see
tools/i18n_extract.py). ``pyside6-lupdate`` only finds *literal* texts in
those calls: ``self.tr(text)`` with a variable, or a call through an alias
(``t = QCoreApplication.translate``), is never extracted.

    python tools/ui_translations.py              # lupdate: new texts added, translations kept
    python tools/ui_translations.py --release    # ... then lrelease: studio_<lang>.qm
    python tools/ui_translations.py --check      # exit 1 if a text is missing or unfinished
    python tools/ui_translations.py --lang fr    # one language (default: every studio_*.ts,
                                                 # or fr when there is none yet)

Texts the code no longer uses stay in the .ts as "vanished"/"obsolete" (so a
translation comes back if the text does); ``--drop-obsolete`` removes them.
Translate with Qt Linguist (``pyside6-linguist resources/i18n/studio_fr.ts``)
or by editing the XML, then run ``--release`` and commit the .ts and the .qm.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "studio" / "ui"
I18N = ROOT / "resources" / "i18n"
DEFAULT_LANGUAGES = ("fr",)


def tool(name: str) -> str:
    """The path of ``pyside6-<name>`` (lupdate, lrelease), or exit with a hint."""
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        sys.exit(f"pyside6-{name} not found: install PySide6 (pip install PySide6-Essentials)")
    return found


def sources() -> list[Path]:
    return sorted(UI.glob("*.py"))


def ts_path(lang: str) -> Path:
    return I18N / f"studio_{lang}.ts"


def languages(asked: list[str] | None) -> list[str]:
    if asked:
        return asked
    found = sorted(p.stem.removeprefix("studio_") for p in I18N.glob("studio_*.ts"))
    return found or list(DEFAULT_LANGUAGES)


def lupdate(lang: str, ts: Path, *, drop_obsolete: bool = False, quiet: bool = False) -> None:
    """Extract the texts of studio/ui into ``ts``, keeping its translations."""
    cmd = [tool("lupdate"), *map(str, sources()), "-source-language", "en",
           "-target-language", lang, "-locations", "relative", "-ts", str(ts)]
    if drop_obsolete:
        cmd.insert(-2, "-no-obsolete")
    if quiet:
        cmd.insert(1, "-silent")
    subprocess.run(cmd, check=True, cwd=ROOT)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("lrelease"), str(ts), "-qm", str(qm)], check=True, cwd=ROOT)


def messages(ts: Path) -> list[dict]:
    """The messages of a .ts file: context, source, comment, translation, state."""
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for m in context.iter("message"):
            t = m.find("translation")
            state = t.get("type", "") if t is not None else "unfinished"
            if m.get("numerus") == "yes" and t is not None:
                text = [f.text or "" for f in t.iter("numerusform")]
            else:
                text = (t.text or "") if t is not None else ""
            out.append({"context": name, "source": m.findtext("source") or "",
                        "comment": m.findtext("comment") or "", "translation": text,
                        "state": state})
    return out


def check(lang: str) -> list[str]:
    """Problems of studio_<lang>.ts: texts the code has that it lacks, unfinished ones."""
    ts = ts_path(lang)
    if not ts.is_file():
        return [f"{ts.relative_to(ROOT)} does not exist: run tools/ui_translations.py"]
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / ts.name
        shutil.copy(ts, fresh)
        lupdate(lang, fresh, quiet=True)
        current = {(m["context"], m["source"], m["comment"]) for m in messages(ts)
                   if m["state"] not in ("vanished", "obsolete")}
        problems = [f"missing: [{m['context']}] {m['source']!r}" for m in messages(fresh)
                    if m["state"] not in ("vanished", "obsolete")
                    and (m["context"], m["source"], m["comment"]) not in current]
    for m in messages(ts):
        if m["state"] in ("vanished", "obsolete"):
            continue
        empty = not all(m["translation"]) if isinstance(m["translation"], list) \
            else not m["translation"]
        if m["state"] == "unfinished" or empty:
            problems.append(f"unfinished: [{m['context']}] {m['source']!r}")
    qm = ts.with_suffix(".qm")
    if not qm.is_file():
        problems.append(f"{qm.relative_to(ROOT)} does not exist: run with --release")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            compiled = Path(tmp) / qm.name
            subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(compiled)],
                           check=True, cwd=ROOT)
            if compiled.read_bytes() != qm.read_bytes():
                problems.append(f"{qm.relative_to(ROOT)} is not the compiled .ts: "
                                "run with --release")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lang", action="append", help="a language code (repeatable)")
    ap.add_argument("--release", action="store_true", help="also compile the .qm files")
    ap.add_argument("--check", action="store_true",
                    help="change nothing; exit 1 if texts are missing or unfinished")
    ap.add_argument("--drop-obsolete", action="store_true",
                    help="remove the texts the code no longer uses")
    args = ap.parse_args(argv)
    status = 0
    for lang in languages(args.lang):
        ts = ts_path(lang)
        if args.check:
            problems = check(lang)
            for p in problems:
                print(f"{ts.name}: {p}")
            status |= bool(problems)
            continue
        lupdate(lang, ts, drop_obsolete=args.drop_obsolete)
        unfinished = [m for m in messages(ts) if m["state"] == "unfinished"]
        if unfinished:
            print(f"{ts.name}: {len(unfinished)} text(s) to translate")
        if args.release:
            lrelease(ts, ts.with_suffix(".qm"))
    return status


if __name__ == "__main__":
    sys.exit(main())
