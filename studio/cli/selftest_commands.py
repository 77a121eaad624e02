"""``studio self-test``: prove that this installation works, one line per check.

Checks that the user's cache folder can be written (export and publish keep their
locks there), generates a short clip with the bundled ffmpeg, probes it, renders a smart cut,
finds OpenCV's face detector, loads the French translations, opens and closes
the main window offscreen and checks Qt Multimedia's FFmpeg backend; with
``--startup`` it also times a fresh start of the app to the main window. It
works the same from a checkout, a pip install and the PyInstaller bundle,
which is what CI runs it for (``.ci/bundle``). Everything it writes goes to a
temporary folder: the user's library, settings and cache are not touched.

Output: ``ok    NAME  detail`` or ``FAIL  NAME  reason`` per check, and nothing
else: Qt's messages are shown only under the FAIL line of the check they came
with (see studio/ui/selftest_window.py). Exit status 1 when a check failed,
else 0.

``register(cmd)`` adds the subcommand through the ``cmd(name, func, help)``
helper of :func:`studio.cli.main.build_parser`; ``python -m
studio.cli.selftest_commands`` runs it without that parser.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from studio import __version__, resources_path

Cmd = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]

STARTUP_MARK = "studio-self-test: main window shown"
SETTINGS_ENV = "STUDIO_SELFTEST_SETTINGS"  # read by studio.ui.selftest_window
STARTUP_TIMEOUT_S = 90.0


def register(cmd: Cmd) -> None:
    p = cmd("self-test", cmd_self_test,
            "check this installation: make, probe and cut a clip, open the window offscreen")
    add_arguments(p)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--startup", action="store_true",
                   help="also time a fresh start of the app to its main window")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary folder (its path is printed) to look at the files")
    p.add_argument("--startup-child", action="store_true", help=argparse.SUPPRESS)


@dataclass
class _State:
    work: Path
    users_cache: Path | None = None
    clip: Path | None = None
    info: object | None = None


def cmd_self_test(args: argparse.Namespace) -> int:
    if args.startup_child:  # the process --startup times: start like `studio`, then quit
        from studio.ui.selftest_window import startup_child

        return startup_child()
    # The window and the startup run offscreen unless a platform is asked for.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from studio.app import cache_dir

    users_cache = cache_dir()  # checked (never written but for a probe file), not used
    with tempfile.TemporaryDirectory(prefix="studio-self-test-") as tmp:
        work = Path(tmp)
        os.environ["STUDIO_CACHE_DIR"] = str(work / "cache")
        os.environ[SETTINGS_ENV] = str(work / "settings")  # Qt settings: not the user's
        state = _State(work, users_cache=users_cache)
        checks: list[tuple[str, Callable[[_State], str]]] = [
            ("version", _check_version), ("resources", _check_resources),
            ("cache", _check_cache),
            ("ffmpeg", _check_ffmpeg), ("clip", _check_clip), ("probe", _check_probe),
            ("smart-cut", _check_smart_cut), ("faces", _check_faces),
            ("french", _check_french), ("window", _check_window),
            ("multimedia", _check_multimedia),
        ]  # fmt: skip
        if args.startup:  # first, before the other checks bring Qt's files into memory
            checks.insert(0, ("startup", _check_startup))
        failed = 0
        for name, check in checks:
            failed += not _run(name, check, state)
        if args.keep:
            kept = Path(tempfile.mkdtemp(prefix="studio-self-test-kept-"))
            import shutil

            shutil.copytree(work, kept, dirs_exist_ok=True)
            print(f"The files are in {kept}")
        # Not "N passed, N failed": CI would read that line as a test runner's summary.
        print(f"self-test: {failed} of {len(checks)} checks FAILED" if failed
              else f"self-test: all {len(checks)} checks passed")
    return 1 if failed else 0


def _run(name: str, check: Callable[[_State], str], state: _State) -> bool:
    try:
        detail = check(state)
    except Exception as exc:  # a self-test reports every failure and goes on
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"FAIL  {name:<10}  {type(exc).__name__}: {reason}", flush=True)
        for note in getattr(exc, "__notes__", ()):  # e.g. what Qt said meanwhile
            print(f"{'':<16}{note}", flush=True)
        return False
    print(f"ok    {name:<10}  {detail}", flush=True)
    return True


# -- the checks ------------------------------------------------------------------------


def _check_version(state: _State) -> str:
    where = f"bundle in {resources_path.bundle_dir()}" if resources_path.frozen() \
        else f"from {Path(__file__).resolve().parents[2]}"  # fmt: skip
    return (f"Series Studio {__version__}, Python {platform.python_version()} "
            f"on {platform.system()} {platform.machine()}, {where}")


def _check_cache(state: _State) -> str:
    """The user's cache folder can be written: else thumbnails are made again each time
    and export/publish keep their locks in a temporary folder instead."""
    from studio.app import cache_problem, fallback_lock_dir

    folder = state.users_cache
    problem = cache_problem(folder)
    if problem is not None:
        raise RuntimeError(f"the cache folder: {problem} (owned by another user, after a "
                           "sudo studio?): fix its permissions or set STUDIO_CACHE_DIR; "
                           f"meanwhile locks go to {fallback_lock_dir()}")
    return f"{folder} can be written"


def _check_resources(state: _State) -> str:
    from studio.domain.profiles import available_profiles, load_profile
    from studio.i18n import available_languages

    profiles = available_profiles()
    if "tiktok-series" not in profiles:
        raise RuntimeError(f"the tiktok-series profile is missing (found: {profiles})")
    for name in profiles:
        load_profile(name)
    languages = available_languages()
    if "fr" not in languages:
        raise RuntimeError(f"the French catalogue is missing (found: {languages})")
    icon = resources_path.resource("icons", "series-studio-256.png")
    if not icon.is_file():
        raise RuntimeError("the app icon is missing")
    return (f"profiles {', '.join(profiles)}; languages {', '.join(languages)}; "
            f"in {resources_path.resource()}")


def _check_ffmpeg(state: _State) -> str:
    exe = resources_path.ffmpeg_exe()
    proc = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    first = proc.stdout.splitlines()[0] if proc.stdout else ""
    if proc.returncode != 0 or not first.startswith("ffmpeg version"):
        raise RuntimeError(f"{exe} -version failed: {proc.stderr.strip()[-200:]}")
    encoders = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True,
                              text=True, timeout=60).stdout  # fmt: skip
    if "libx264" not in encoders:
        raise RuntimeError(f"{exe} has no libx264 encoder")
    return f"{' '.join(first.split()[:3])} (libx264) at {exe}"


def _check_clip(state: _State) -> str:
    from studio.editor.synth import make_sample_clip

    started = time.perf_counter()
    state.clip = make_sample_clip(state.work / "media" / "clip.mp4", seconds=4, width=360,
                                  height=640, fps=30, gop=30)  # fmt: skip
    size = state.clip.stat().st_size
    return f"4 s H.264/AAC 360x640, {size / 1024:.0f} KiB in {time.perf_counter() - started:.2f} s"


def _needs_clip(state: _State) -> Path:
    if state.clip is None:
        raise RuntimeError("no clip (the clip check failed)")
    return state.clip


def _check_probe(state: _State) -> str:
    from studio.editor.probe import probe

    info = probe(_needs_clip(state))
    state.info = info
    if (info.video_codec, info.audio_codec) != ("h264", "aac") \
            or (info.width, info.height) != (360, 640) or abs(info.duration - 4_000_000) > 50_000:
        raise RuntimeError(f"unexpected media description: {info}")
    return (f"{info.video_codec} {info.width}x{info.height} {float(info.frame_rate):g} fps, "
            f"{info.duration / 1e6:.2f} s, {info.audio_codec} {info.audio_channels} ch")


def _check_smart_cut(state: _State) -> str:
    from studio.domain.profiles import load_profile
    from studio.domain.timecode import TimeRange
    from studio.editor.cut_plan import RenderSettings, Strategy, plan_cut
    from studio.editor.cut_points import cut_points, snap_trim
    from studio.editor.render import render

    clip = _needs_clip(state)
    info = state.info
    if info is None:
        raise RuntimeError("no media description (the probe check failed)")
    trim = snap_trim(clip, info, TimeRange(500_000, 3_300_000))  # between keyframes
    plan = plan_cut(info, cut_points(clip, info, trim), load_profile("tiktok-series"),
                    RenderSettings())  # fmt: skip
    if plan.strategy is not Strategy.SMART:
        raise RuntimeError(f"expected a smart cut, the plan is {plan.strategy}: {plan.reason}")
    started = time.perf_counter()
    result = render(clip, info, plan, state.work / "out" / "cut.mp4")
    if result.frames != plan.frames:
        raise RuntimeError(f"{result.frames} frames written, {plan.frames} planned")
    encoded = sum(s.frames for s in plan.segments if s.mode == "encode")
    return (f"{result.frames} frames ({encoded} re-encoded, the rest copied), "
            f"{result.duration_us / 1e6:.2f} s in {time.perf_counter() - started:.2f} s")


def _check_faces(state: _State) -> str:
    import cv2
    import numpy as np

    from studio.editor.reframe import detect_faces, face_detection_available

    if not face_detection_available():
        raise RuntimeError("OpenCV's Haar cascade for faces cannot be loaded")
    detect_faces(np.zeros((180, 320), dtype=np.uint8))
    return f"OpenCV {cv2.__version__} face detector loaded"


def _check_french(state: _State) -> str:
    from studio import i18n

    before = i18n.language()
    try:
        i18n.set_language("fr")
        message = i18n.tr("There is no publish profile named '{name}'.")
    finally:
        i18n.set_language(before)
    if not message.startswith("Il n"):
        raise RuntimeError(f"fr.po is not loaded ({message!r})")
    from studio.ui.selftest_window import check_french

    return f"{check_french()}, messages {message[:24]!r}..."


def _check_window(state: _State) -> str:
    from studio.ui.selftest_window import check_window

    return check_window(state.work / "library.sqlite", state.clip)


def _check_multimedia(state: _State) -> str:
    from studio.ui.selftest_window import check_multimedia

    return check_multimedia()


def startup_command() -> list[str]:
    """The argv that starts this installation of the app in the --startup-child mode."""
    if resources_path.frozen():
        return [sys.executable, "self-test", "--startup-child"]
    return [sys.executable, "-m", "studio.cli.selftest_commands", "--startup-child"]


def time_startup(library: Path, settings: Path, command: list[str] | None = None,
                 timeout: float = STARTUP_TIMEOUT_S) -> float:  # fmt: skip
    """Seconds from starting a new app process to its main window shown.

    ``command``: another installation's ``[executable, "self-test", "--startup-child"]``
    (.ci/bundle times the bundle from a Python that has not read its files).
    """
    env = dict(os.environ, STUDIO_LIBRARY=str(library), **{SETTINGS_ENV: str(settings)})
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    proc = subprocess.Popen(command or startup_command(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
                            text=True)  # fmt: skip
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == STARTUP_MARK:
                elapsed = time.perf_counter() - started
                break
        else:
            raise RuntimeError(f"the app did not show its window (exit {proc.wait()}): "
                               f"{proc.stderr.read().strip()[-300:] if proc.stderr else ''}")
        code = proc.wait(timeout=timeout)
        if code != 0:
            raise RuntimeError(f"the app showed its window, then exited with {code}")
        return elapsed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _check_startup(state: _State) -> str:
    library = state.work / "library.sqlite"
    first = time_startup(library, state.work / "settings-startup")
    again = time_startup(library, state.work / "settings-startup")
    return f"{first:.2f} s from process start to the main window (again: {again:.2f} s)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="studio self-test", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return cmd_self_test(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
