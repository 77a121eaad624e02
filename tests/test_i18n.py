"""Translations below the UI: the .po parser, the language choice, a complete French
catalogue, and real messages (rules, prices, probing, cut plans) coming out in French."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import string
import subprocess
import sys
import threading
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio import i18n
from studio.domain.errors import InvalidValue, LimitReached
from studio.domain.models import Collection, CollectionView, Cover, Episode, MediaInfo, MediaRecord
from studio.domain.money import Money
from studio.domain.profiles import PublishProfile, load_profile
from studio.domain.rules import CODES, check, summary
from studio.domain.timecode import US, TimeRange, parse_timecode
from studio.editor.cut_plan import CutPoints, RenderSettings, plan_cut
from studio.editor.probe import ProbeError, probe

ROOT = Path(__file__).resolve().parents[1]
NB = "\u00a0"  # the no-break space French puts before : ; ? ! and inside « »
MP4 = "mov,mp4,m4a,3gp,3g2,mj2"


@pytest.fixture(autouse=True)
def english_after() -> None:
    """Every test starts and ends in English, so that other tests read English."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _extractor():
    path = ROOT / "tools" / "i18n_extract.py"
    spec = importlib.util.spec_from_file_location("i18n_extract", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("i18n_extract", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def extraction():
    return _extractor().extract(ROOT)


# -- the .po parser ---------------------------------------------------------------------

TRICKY = r'''# A translator comment
msgid ""
msgstr ""
"Language: fr\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

#. extracted comment
#: studio/a.py:1 studio/b.py:2
msgid "Say \"hi\" to {name}"
msgstr "Dites « bonjour » à {name}"

msgid ""
"First line\n"
"second line with a tab\tand a backslash \\ here"
msgstr ""
"Première ligne\n"
"deuxième"

#, fuzzy, python-format
msgid "Rough"
msgstr "Approximatif"

msgid "Untranslated"
msgstr ""

msgctxt "decimal mark"
msgid "."
msgstr ","

msgid "{n} file"
msgid_plural "{n} files"
msgstr[0] "{n} fichier"
msgstr[1] "{n} fichiers"

#~ msgid "Gone"
#~ msgstr "Parti"
msgid "Octal \101 and hex \x42"
msgstr "ok"
'''


def test_parser_reads_tricky_input() -> None:
    entries = i18n.parse_po(TRICKY, "tricky.po")
    by_id = {e.msgid: e for e in entries}
    assert i18n.header(entries) == {
        "Language": "fr", "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n > 1);"}
    quoted = by_id['Say "hi" to {name}']
    assert quoted.msgstr == "Dites « bonjour » à {name}"
    assert quoted.comments == ["#. extracted comment", "#: studio/a.py:1 studio/b.py:2"]
    multi = by_id["First line\nsecond line with a tab\tand a backslash \\ here"]
    assert multi.msgstr == "Première ligne\ndeuxième"
    assert by_id["Rough"].fuzzy and by_id["Rough"].flags == {"fuzzy", "python-format"}
    assert "Gone" not in by_id
    assert by_id["Octal A and hex B"].msgstr == "ok"
    plural = by_id["{n} file"]
    assert plural.msgid_plural == "{n} files"
    assert plural.msgstr_plural == {0: "{n} fichier", 1: "{n} fichiers"}

    messages = i18n.messages(entries)
    assert "Rough" not in messages  # fuzzy: ignored
    assert "Untranslated" not in messages  # empty: the English text is used
    assert messages["decimal mark\x04."] == ","
    assert messages["{n} file\x00{n} files"] == "{n} fichier\x00{n} fichiers"
    assert "" not in messages  # the header is not a message


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ('msgid "a"\nmsgstr "b', "double quotes"),
        ('msgid "a"\nmsgstr "b"c"', "escaped"),
        ('msgid "a"\nmsgstr "b\\q"', "unknown escape"),
        ('msgid "a"\nmsgstr "b\\"', "lone backslash"),
        ('msgstr "b"', "before msgid"),
        ('msgid "a"', "no msgstr"),
        ('msgid "a"\nmsgstr "b"\nmsgstr "c"', "twice"),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"', "defined twice"),
        ('msgid "a"\nmsgid_plural "as"\nmsgstr "b"', "msgstr[N]"),
        ('"loose"', "continues nothing"),
        ('msgid "a"\nmsgstr "b"\nbogus "x"', "cannot understand"),
    ],
)
def test_parser_refuses_broken_input_naming_the_line(text: str, fault: str) -> None:
    with pytest.raises(i18n.PoError, match=re.escape(fault)) as err:
        i18n.parse_po(text, "broken.po")
    assert "broken.po" in str(err.value)


@given(st.text())
def test_quoting_round_trips(text: str) -> None:
    po = f"msgid {i18n.po_quote(text or 'x')}\nmsgstr {i18n.po_quote(text)}\n"
    (entry,) = i18n.parse_po(po)
    assert entry.msgstr == text


def test_plural_expressions() -> None:
    french = i18n.plural_function("(n > 1)")
    assert [french(n) for n in (0, 1, 2, 10)] == [0, 0, 1, 1]
    english = i18n.plural_function("n != 1;")
    assert [english(n) for n in (0, 1, 2)] == [1, 0, 1]
    polish = i18n.plural_function(
        "(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)")
    assert [polish(n) for n in (1, 2, 5, 12, 22, 25, 112)] == [0, 1, 2, 2, 1, 2, 2]
    with pytest.raises(i18n.PoError):
        i18n.plural_function("n >")
    with pytest.raises(i18n.PoError):
        i18n.plural_function("__import__('os')")


# -- choosing the language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "en"),
        ({"STUDIO_LANG": "fr"}, "fr"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LC_MESSAGES": "fr_CA@euro"}, "fr"),
        ({"LANGUAGE": "de_DE:fr_FR:en"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),  # LC_ALL overrides LANG
        ({"LC_ALL": "C.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"STUDIO_LANG": "en", "LANG": "fr_FR.UTF-8"}, "en"),  # STUDIO_LANG comes first
        ({"STUDIO_LANG": "", "LANGUAGE": "", "LANG": "fr_BE.UTF-8"}, "fr"),  # empty: skipped
        ({"STUDIO_LANG": "xx"}, "en"),
    ],
)
def test_language_from_environment(env: dict[str, str], expected: str) -> None:
    assert i18n.language_from_environment(env) == expected


def test_set_language(monkeypatch: pytest.MonkeyPatch) -> None:
    assert i18n.available_languages() == ["en", "fr"]
    assert i18n.set_language("fr_FR.UTF-8") == "fr" and i18n.language() == "fr"
    assert i18n.set_language("xx") == "en" and i18n.language() == "en"
    for name in i18n.ENV_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert i18n.set_language(None) == "fr"
    monkeypatch.setenv("STUDIO_LANG", "en")
    assert i18n.set_language(None) == "en"


def test_a_broken_catalogue_means_english(monkeypatch, tmp_path, caplog) -> None:
    (tmp_path / "fr.po").write_text('msgid "a"\nmsgstr "b', encoding="utf-8")
    monkeypatch.setattr(i18n, "_catalogue_dir", lambda: tmp_path)
    monkeypatch.setattr(i18n, "_loaded", {"en": i18n._SOURCE})
    assert i18n.set_language("fr") == "en"
    assert "Cannot read the fr translations" in caplog.text


def _python(code: str, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in i18n.ENV_VARIABLES}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**base, **env}, check=True)  # fmt: skip
    return out.stdout.strip()


def test_english_at_import_unless_studio_lang_says_otherwise() -> None:
    code = "from studio import i18n; print(i18n.language())"
    assert _python(code, LANG="fr_FR.UTF-8", LC_ALL="fr_FR.UTF-8") == "en"
    assert _python(code, STUDIO_LANG="fr") == "fr"


def test_the_cli_stays_english_on_a_french_system(tmp_path) -> None:
    argv = [sys.executable, "-m", "studio", "--library", str(tmp_path / "l.sqlite"), "show", "x"]
    base = {k: v for k, v in os.environ.items() if k not in i18n.ENV_VARIABLES}
    english = subprocess.run(argv, capture_output=True, text=True,
                             env={**base, "LANG": "fr_FR.UTF-8"})  # fmt: skip
    assert "No collection called 'x'" in english.stderr
    french = subprocess.run(argv, capture_output=True, text=True,
                            env={**base, "STUDIO_LANG": "fr"})  # fmt: skip
    assert f"Aucune collection ne s’appelle «{NB}x{NB}»" in french.stderr


def test_the_commands_speak_french_from_headers_to_plurals(tmp_path, clip_vertical,
                                                          clip_landscape) -> None:
    """STUDIO_LANG=fr: tables, severities, flags and status lines of the real commands are
    French; they were English f-strings around the French messages of the rules."""
    nnb = NB  # the no-break space of the CLI's messages, as everywhere
    clips, moved = tmp_path / "clips", tmp_path / "moved"
    clips.mkdir()
    moved.mkdir()
    shutil.copy(clip_vertical, clips / "un.mp4")
    shutil.copy(clip_landscape, clips / "deux.mp4")
    (clips / "vide.mp4").write_bytes(b"")
    base = {k: v for k, v in os.environ.items() if k not in i18n.ENV_VARIABLES}
    base["STUDIO_LIBRARY"] = str(tmp_path / "library.sqlite")

    def studio(lang: str, *args: object) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "studio", *map(str, args)],
                              capture_output=True, text=True, timeout=120,
                              env={**base, "STUDIO_LANG": lang})  # fmt: skip

    title = "Pain au levain"
    assert studio("en", "new", title, "--price", "4.99").returncode == 0
    assert studio("en", "add", title, clips / "un.mp4", clips / "deux.mp4").returncode == 0
    assert studio("en", "episode", f"{title}:1", "--free-preview").returncode == 0
    added = studio("fr", "add", title, clips / "vide.mp4")
    shutil.move(clips / "deux.mp4", moved / "deux.mp4")
    listed = studio("fr", "list")
    shown = studio("fr", "show", title)
    checked = studio("fr", "check", title)
    relinked = studio("fr", "relink", moved)
    unknown = studio("fr", "show", "Nope")
    runs = (added, listed, shown, checked, relinked, unknown)
    said = "\n".join(r.stdout + r.stderr for r in runs)

    for english in ("TITLE", "EPISODES", "LENGTH", "PRICE", "Price", "Profile", "episodes",
                    "in all", "IN", "OUT", "FILE", "MISSING", "free", "ERROR", "WARNING",
                    "FIELD", "PROBLEM", "FIX", "Added", "skipped", "Relinked", "still missing",
                    "error", "files"):  # fmt: skip
        assert not re.search(rf"\b{english}\b", said), (english, said)
    assert added.stdout.splitlines()[-1] == (f"Fichier ajouté à «{nnb}{title}{nnb}»{nnb}: "
                                             "0 sur 1.")  # fmt: skip
    assert added.stderr.startswith(f"ignoré {clips / 'vide.mp4'}{nnb}: ")
    assert listed.stdout.split()[:6] == ["ID", "TITRE", "ÉPISODES", "DURÉE", "PRIX", "--------"]
    assert "4,99 USD" in listed.stdout
    assert f"Prix{nnb}: 4,99 USD" in shown.stdout and "2 épisodes, 1:02 en tout" in shown.stdout
    for word in ("ENTRÉE", "SORTIE", "FICHIER", "MANQUANT", "gratuit"):
        assert word in shown.stdout, word
    assert checked.returncode == 1
    assert checked.stdout.startswith(f"{title}{nnb}: 1 erreur, ")
    for word in ("ÉP.", "CHAMP", "PROBLÈME", "SOLUTION", "ERREUR", "AVERTISSEMENT", "média"):
        assert word in checked.stdout, word
    assert relinked.stdout.splitlines()[-1] == f"1 fichier retrouvé{nnb}; 0 toujours manquant."
    assert unknown.returncode == 2 and unknown.stderr.startswith(f"studio{nnb}: erreur{nnb}: ")


def test_the_layers_below_the_ui_load_no_qt() -> None:
    code = ("import sys; import studio.i18n, studio.actions, studio.export, studio.covers; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))")
    assert _python(code) == "[]"


def test_reading_while_switching_gives_one_language_or_the_other() -> None:
    english = "The collection has no title."
    french = "La collection n’a pas de titre."
    seen: set[str] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(i18n.tr(english))

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    for _ in range(200):
        i18n.set_language("fr")
        i18n.set_language("en")
    stop.set()
    for t in readers:
        t.join()
    assert seen and seen <= {english, french}


# -- the French catalogue ---------------------------------------------------------------


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def test_the_extractor_finds_no_untranslatable_call(extraction) -> None:
    assert extraction.problems == []
    assert len(extraction.messages) > 200


def test_every_source_text_has_a_french_translation_with_the_same_placeholders(
    extraction,
) -> None:
    french = i18n.catalogue("fr")
    missing = sorted(k for k in extraction.messages if not french.get(k))
    assert missing == []
    for key, msg in extraction.messages.items():
        forms = french[key].split(i18n.PLURAL_SEP)
        expected = _fields(msg.msgid) | (_fields(msg.plural) if msg.plural else set())
        assert len(forms) == (2 if msg.plural else 1), key
        for form in forms:
            assert _fields(form) == expected, (key, form)
            form.format(**dict.fromkeys(expected, "x"))  # no stray brace


def test_the_catalogue_holds_nothing_the_code_no_longer_says(extraction) -> None:
    assert i18n.source_strings() == set(extraction.messages)


def test_french_catalogue_header_and_typography() -> None:
    text = (ROOT / "resources" / "i18n" / "fr.po").read_text(encoding="utf-8")
    entries = i18n.parse_po(text, "fr.po")
    head = i18n.header(entries)
    assert head["Language"] == "fr"
    assert "charset=UTF-8" in head["Content-Type"]
    assert head["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    for e in entries:
        if not e.msgid:
            continue
        for form in e.translation.split(i18n.PLURAL_SEP):
            assert "'" not in form, form  # the apostrophe is ’
            assert not any(f" {p}" in form for p in ":;?!"), form
            assert "« " not in form and " »" not in form, form
            assert "\u202f" not in form, form  # one convention: U+00A0, as the header says
            assert form.count("«") == form.count("»"), form


def test_extractor_refuses_formatted_texts_and_updates_a_catalogue(tmp_path) -> None:
    x = _extractor()
    source = tmp_path / "bad.py"
    source.write_text(
        'tr(f"Episode {n}")\ntr("a {}")\ntr("b" + c)\ntr("x {y}".format(y=1))\ntr(name)\n'
        'ntr("{n} cat", "{n} cats", n)\ntr("Stop", context="verb")\nN_("later")\n',
        encoding="utf-8")
    out = x.Extraction()
    x.extract_file(source, "bad.py", out)
    assert [p.split(": ", 1)[0] for p in out.problems] == [
        "bad.py:1", "bad.py:2", "bad.py:3", "bad.py:4"]
    assert set(out.messages) == {"a {}", "{n} cat\x00{n} cats", "verb\x04Stop", "later"}
    po = tmp_path / "fr.po"
    po.write_text('msgid ""\nmsgstr "Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
                  'msgid "Old"\nmsgstr "Vieux"\n', encoding="utf-8")
    report = x.compare(out, po)
    assert report.obsolete == ["Old"] and len(report.missing) == 4
    x.append_missing(report)
    entries = {e.key: e for e in i18n.parse_po(po.read_text(encoding="utf-8")) if e.msgid}
    assert set(entries) == set(out.messages) | {"Old"}
    assert entries["{n} cat\x00{n} cats"].msgstr_plural == {0: "", 1: ""}
    assert entries["verb\x04Stop"].comments == ["#: bad.py:7"]


# -- messages in French -------------------------------------------------------------------


@pytest.fixture(scope="module")
def profile() -> PublishProfile:
    return load_profile("tiktok-series")


def _info(**changes) -> MediaInfo:
    base = MediaInfo(
        path="/clips/good.mp4", container=MP4, duration=60 * US, size=60_000_000, mtime=0.0,
        video_codec="h264", pixel_format="yuv420p", width=1080, height=1920,
        frame_rate=Fraction(30), audio_codec="aac", audio_channels=2, audio_sample_rate=48000,
    )
    return replace(base, **changes)


def _record(fingerprint: str, info: MediaInfo | None = None, missing: bool = False):
    info = info or _info()
    return MediaRecord(fingerprint, info.path, info.size, info.mtime, info, missing)


def _episode(position: int, fingerprint: str, seconds: float = 31, title: str | None = None,
             start: float = 0) -> Episode:
    return Episode(
        id=f"ep{position}", collection_id="c1", media_fingerprint=fingerprint,
        title=f"Part {position}" if title is None else title,
        trim=TimeRange(round(start * US), round((start + seconds) * US)), position=position,
    )


def _broken_views() -> list[CollectionView]:
    """Collections that, together, break every rule."""
    records = [
        _record("good"), _record("long", _info(duration=30 * 60 * US)),
        _record("gone", missing=True),
        _record("sound", _info(path="/clips/a.m4a", video_codec=None, width=None, height=None,
                               frame_rate=None)),
        _record("old", _info(container="avi", video_codec="mpeg4", audio_codec=None, width=320,
                             height=240, frame_rate=Fraction(15), variable_frame_rate=True)),
        _record("huge", _info(width=4320, height=7680, frame_rate=Fraction(120),
                              duration=20 * 60 * US, size=12_000_000_000)),
        _record("phone", _info(width=1920, height=1080, rotation=90)),
        _record("square", _info(width=1080, height=1080)),
        _record("half", _info(container="matroska,webm",
                              unusable="'half.mkv' is incomplete: it ends at 0:20 of 0:40.")),
    ]
    episodes = [
        _episode(1, "long", seconds=21 * 60 + 4, title="Intro"), _episode(2, "good", seconds=12,
                                                                          title=""),
        _episode(3, "nowhere", title="x" * 101), _episode(4, "gone"), _episode(5, "sound"),
        _episode(6, "old"), _episode(7, "huge", seconds=19 * 60), _episode(8, "phone"),
        _episode(9, "good", start=40), _episode(10, "square"), _episode(11, "half"),
    ] + [_episode(n, "good") for n in range(12, 82)]
    media = {r.fingerprint: r for r in records}
    good = Collection(id="c1", title="Pain au levain", description="Dix leçons.",
                      price=Money(999), cover=Cover(media_fingerprint="good", time=2 * US))
    variants = [
        dict(title="", description="", price=None, cover=None),
        dict(title="🍞" * 31, description="D" * 1001, price=Money(19001),
             cover=Cover(media_fingerprint="nowhere", time=0)),
        dict(price=Money(99), cover=Cover(image_path="/nowhere/cover.png")),
        dict(price=Money(999, "EUR")),
    ]
    views = [CollectionView(replace(good, **v), episodes, media) for v in variants]
    views.append(CollectionView(good, [], media))
    return views


def _all_problems(profile: PublishProfile, folder: Path):
    import cv2
    import numpy as np

    few = replace(profile, min_episodes=3)
    views = _broken_views()
    problems = [p for v in views for p in check(v, profile)]
    tiny = folder / "tiny.png"  # a cover picture enlarged 5.4 times
    cv2.imwrite(str(tiny), np.full((356, 200, 3), 128, np.uint8))
    problems += check(CollectionView(views[0].collection.with_(title="T", description="D",
                                                               price=Money(999),
                                                               cover=Cover(image_path=str(tiny))),
                                     [_episode(1, "good")], views[0].media), few)
    return problems


def test_every_rule_problem_comes_out_in_french(profile: PublishProfile, tmp_path) -> None:
    english = _all_problems(profile, tmp_path)
    assert {p.code for p in english} == set(CODES)
    i18n.set_language("fr")
    french = _all_problems(profile, tmp_path)
    assert [(p.code, p.episode_id) for p in french] == [(p.code, p.episode_id) for p in english]
    for en, fr in zip(english, french, strict=True):
        assert fr.message != en.message, en.message
        assert fr.fix and fr.fix != en.fix, en.fix
        assert fr.message.endswith(".") and fr.fix.endswith("."), fr.message
    said = {p.message for p in french} | {p.fix for p in french}
    assert (f"L’épisode 1 «{NB}Intro{NB}» dure 21:04 après découpe{NB}; la limite est de "
            "20:00.") in said
    assert "Raccourcissez-le de 1:04 ou scindez-le." in said
    assert (f"Cette collection compte 81 épisodes{NB}; une collection TikTok Series en "
            "compte au plus 80.") in said
    assert (f"Le titre de la collection compte 62 caractères (un emoji compte pour 2){NB}; "
            "Series Studio suppose une limite de 60, car TikTok Series n’en publie pas.") in said
    assert "Retirez-en 2 caractères." in said
    assert "Le prix 190,01 USD dépasse le maximum de TikTok Series (190,00 USD)." in said
    assert (f"L’épisode 7 «{NB}Part 7{NB}» pèsera environ 11,4{NB}Go après découpe{NB}; "
            f"TikTok Series accepte des fichiers jusqu’à 4,0{NB}Go.") in said
    assert (f"Une collection TikTok Series doit compter au moins 3 épisodes{NB}; celle-ci "
            "en a 1.") in said
    assert "Ajoutez encore 2 épisodes." in said
    assert ("L’image de couverture ne fait que 200x356\u00a0; la couverture TikTok Series fait "
            "1080x1920, elle sera donc agrandie 5,4 fois et paraîtra floue.") in said


def test_summary_in_french(profile: PublishProfile) -> None:
    i18n.set_language("fr")
    problems = check(_broken_views()[0], profile)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    assert summary(problems) == f"{errors} erreurs, {warnings} avertissements"
    assert summary([]) == "Prêt à publier"
    one_warning = [p for p in problems if not p.is_error][:1]
    assert summary(one_warning) == f"Prêt à publier{NB}; 1 avertissement"
    assert summary([p for p in problems if p.is_error][:1]) == "1 erreur"


def test_refusals_of_price_and_episode_count_in_french(profile: PublishProfile) -> None:
    i18n.set_language("fr")
    with pytest.raises(InvalidValue) as low:
        profile.check_price(Money.parse("0,99"))
    assert low.value.message == ("Le prix 0,99 USD est inférieur au minimum de TikTok Series "
                                 "(1,00 USD).")
    assert low.value.hint == "Choisissez un prix entre 1,00 USD et 190,00 USD."
    with pytest.raises(InvalidValue) as euro:
        profile.check_price(Money.parse("9,99 €"))
    assert euro.value.message == ("Le prix 9,99 EUR est en EUR, mais une collection TikTok "
                                  "Series se vend en USD.")
    with pytest.raises(LimitReached) as full:
        profile.check_episode_count(81)
    assert full.value.message == (f"Une collection TikTok Series compte au plus 80 épisodes{NB}; "
                                  "celle-ci en a déjà 80.")


def test_parse_errors_in_french() -> None:
    i18n.set_language("fr")
    with pytest.raises(InvalidValue) as price:
        Money.parse("abc")
    assert price.value.message == (f"«{NB}abc{NB}» n’est pas un prix{NB}; tapez un montant "
                                   "comme 9,99.")
    with pytest.raises(InvalidValue) as time:
        parse_timecode("1:75")
    assert time.value.message == (f"«{NB}1:75{NB}» n’est pas un temps{NB}: 75 n’est pas "
                                  "inférieur à 60.")
    with pytest.raises(InvalidValue) as frames:
        parse_timecode("00:00:01:40", Fraction(30000, 1001))
    assert frames.value.message.endswith("ne compte que 30 images à 29,97 i/s.")


def test_probe_error_in_french(tmp_path: Path) -> None:
    empty = tmp_path / "vide.mp4"
    empty.write_bytes(b"")
    i18n.set_language("fr")
    with pytest.raises(ProbeError) as err:
        probe(empty)
    assert err.value.kind == "empty"
    assert err.value.message == f"«{NB}vide.mp4{NB}» est vide (0 octet)."
    assert err.value.hint == (f"Un téléchargement ou une copie a sans doute échoué{NB}; "
                              "récupérez de nouveau le fichier.")
    page = tmp_path / "page.mp4"
    page.write_text("<!doctype html><html>404</html>")
    with pytest.raises(ProbeError, match="on dirait une page web"):
        probe(page)


def test_sizes_read_6_7_mo_in_french_everywhere_they_are_written(tmp_path: Path) -> None:
    """One size format for the window and the command: a decimal comma and a no-break
    space before Ko/Mo/Go in French."""
    from studio.cli.sync_commands import human_bytes
    from studio.domain.sizes import format_size, format_speed, unit_suffix

    assert [format_size(n) for n in (1, 512, 12_345, 6_700_000, 1_234_567_890)] == [
        "1 byte", "512 bytes", "12.3 kB", "6.7 MB", "1.2 GB"]
    assert format_size(999_960) == "1.0 MB"  # not "1000.0 kB"
    i18n.set_language("fr")
    assert [format_size(n) for n in (1, 512, 12_345, 6_700_000, 1_234_567_890, 2 * 10**12)] == [
        f"1{NB}octet", f"512{NB}octets", f"12,3{NB}Ko", f"6,7{NB}Mo", f"1,2{NB}Go", f"2,0{NB}To"]
    assert format_speed(6_700_000) == f"6,7{NB}Mo/s"
    assert unit_suffix("MB") == f"{NB}Mo"
    assert human_bytes(6_700_000) == f"6,7{NB}Mo"  # the studio command's uploads
    torn = tmp_path / "coupe.mp4"  # an MP4 whose 'mdat' box claims 12 kB more than is there
    torn.write_bytes(b"\0\0\0\x10ftypisom\0\0\0\0" + (12_345 + 8).to_bytes(4, "big")
                     + b"mdat")
    with pytest.raises(ProbeError) as err:
        probe(torn)
    assert f"12,3{NB}Ko" in err.value.message and "KB" not in err.value.message


def _cuts(in_frame: int, key_after_in: int | None) -> CutPoints:
    return CutPoints(in_frame=in_frame, out_end=10 * US, key_before_in=0,
                     key_after_in=key_after_in, key_before_out=8 * US, reordering=False,
                     media_end=60 * US, frame_duration=Fraction(US, 30))  # fmt: skip


def test_cut_plan_reasons_in_french(profile: PublishProfile) -> None:
    i18n.set_language("fr")
    copy = plan_cut(_info(), _cuts(0, 0), profile)
    assert copy.reason == ("Le point d’entrée tombe sur une image clé et les flux conviennent à "
                           f"la plateforme{NB}: copie directe, sans réencodage")
    assert copy.summary().startswith(f"copie directe{NB}: Le point d’entrée")
    assert "(environ 1 s)" in copy.summary()
    smart = plan_cut(_info(), _cuts(US, 2 * US), profile)
    assert smart.reason == (f"La coupe tombe entre deux images clés{NB}: 30 images réencodées "
                            "au point d’entrée, le reste en copie directe")
    landscape = _info(width=1920, height=1080, video_codec="hevc", frame_rate=Fraction(120))
    again = plan_cut(landscape, _cuts(0, 0), profile, RenderSettings(reframe="pad_blur"))
    assert again.reason == (f"La vidéo est en HEVC, pas en H.264{NB}; la fréquence d’images "
                            f"passe à 60 i/s{NB}; la vidéo est recadrée en 9:16 (fond flouté)")


def test_switching_back_to_english_restores_english(profile: PublishProfile) -> None:
    view = CollectionView(
        Collection(id="c1", title="T", description="D", price=Money(999),
                   cover=Cover(media_fingerprint="long", time=0)),
        [_episode(12, "long", seconds=21 * 60 + 4, title="Intro")],
        {"long": _record("long", _info(duration=30 * 60 * US))})
    english = "Episode 12 'Intro' lasts 21:04 after trimming; the limit is 20:00."
    i18n.set_language("fr")
    assert check(view, profile)[0].message != english
    assert i18n.tr("Ready to publish") == "Prêt à publier"
    i18n.set_language("en")
    (problem,) = check(view, profile)
    assert problem.message == english
    assert problem.fix == "Trim 1:04 or split it."
    assert i18n.tr("Ready to publish") == "Ready to publish"
    assert i18n.ntr("{n} error", "{n} errors", 2) == "{n} errors"
    assert i18n.decimal("1.5") == "1.5"


def test_a_price_changed_since_the_publish_reads_with_a_decimal_comma_in_french():
    """`studio status` and the window's status bar say what the platform still has:
    "le prix (publié : 4,99 USD)", as every other French price."""
    from studio.domain.models import Collection
    from studio.domain.money import Money
    from studio.sync.changes import unpublished_changes
    from studio.sync.kit import DesiredCollection

    published = DesiredCollection("Walks", "", 499, "USD", None, None, ())
    now = Collection(id=1, title="Walks", price=Money(599, "USD"))
    i18n.set_language("fr")
    said = " ".join(unpublished_changes(now, [], published).collection)
    assert "4,99" in said and "4.99" not in said
