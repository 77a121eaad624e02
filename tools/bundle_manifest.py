"""What the Series Studio bundle holds: read by build_installer.spec and by the tests.

The spec builds the bundle from these lists; ``tests/test_bundle_spec.py``
checks them against what the app really loads, so a resource file added to
``resources/`` without being listed here fails the tests instead of going
missing from the bundle. Plain Python: no PyInstaller and no Qt import, so the
tests run where PyInstaller is not installed.
"""

from __future__ import annotations

import platform as _platform
import re
import sys
import sysconfig
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"  # installed as the package studio.resources (pyproject.toml)
RESOURCES_DEST = "studio/resources"  # where importlib.resources looks for it when frozen

APP_NAME = "Series Studio"
BUNDLE_IDENTIFIER = "app.seriesstudio.SeriesStudio"
DESCRIPTION = "Assemble, check and render premium video collections"
PUBLISHER = "Series Studio"
COPYRIGHT = "Copyright (C) Series Studio contributors. GPL-3.0-or-later."
DESKTOP_ID = "series-studio"  # .desktop file, icon name, WM_CLASS of the Linux executable


def platform_key(platform: str | None = None) -> str:
    """``linux``, ``win32`` or ``darwin`` (other Unixes are treated as Linux)."""
    platform = platform or sys.platform
    return platform if platform in ("win32", "darwin") else "linux"


# The executable that opens the window (no arguments) or runs a command.
EXE_NAMES = {"linux": "series-studio", "win32": "Series Studio", "darwin": "Series Studio"}
# Windows only: a console twin of the same program for the commands and self-test
# (a windowed .exe has no stdout). Both share the bundle's _internal folder.
CONSOLE_EXE_NAME = "studio"

# -- resources ---------------------------------------------------------------------------

# Every file under resources/ that the app reads at run time (relative to resources/).
RESOURCE_FILES: tuple[str, ...] = (
    "profiles/tiktok-series.toml",  # studio.domain.profiles
    "i18n/fr.po",  # studio.i18n: messages below the window
    "i18n/studio_fr.qm",  # studio.ui.i18n: the window's own strings
    "icons/series-studio.svg",
    *(f"icons/series-studio-{n}.png" for n in (16, 24, 32, 48, 64, 128, 256, 512)),
)

# Files under resources/ that are not shipped inside the bundle, and why.
NOT_SHIPPED: Mapping[str, str] = {
    "__init__.py": "the package module itself: collected as code, not as data",
    "i18n/studio_fr.ts": "Qt Linguist source of studio_fr.qm; only the .qm is read",
    "icons/series-studio.ico": "the Windows executable's icon: embedded by the build",
    "icons/series-studio.icns": "the macOS app icon: copied into the .app by the build",
}

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICON_SVG = RESOURCES / "icons" / "series-studio.svg"
ICON_ICO = RESOURCES / "icons" / "series-studio.ico"
ICON_ICNS = RESOURCES / "icons" / "series-studio.icns"


def icon_png(size: int) -> Path:
    return RESOURCES / "icons" / f"series-studio-{size}.png"


# OpenCV's Haar cascades for face detection (studio.editor.reframe, studio.editor.cover).
OPENCV_CASCADES = ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml")

# -- Python modules ----------------------------------------------------------------------

# Imported by name only (importlib.resources, or a registration the analysis cannot see).
HIDDEN_IMPORTS = ("studio.resources", "studio.cli.selftest_commands", "studio.ui.selftest_window")

QT_MODULES_USED = ("QtCore", "QtGui", "QtWidgets", "QtMultimedia", "QtMultimediaWidgets")

# Qt modules the app never imports: excluded to keep the bundle small. (Their
# libraries still come in when a used library needs them: Qt's FFmpeg
# media plugin links QtQuick and QtQml, for example.)
QT_MODULES_EXCLUDED = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtAxContainer", "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization",
    "QtDBus", "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer",
    "QtLocation", "QtNetworkAuth", "QtNfc", "QtOpenGL", "QtOpenGLWidgets", "QtPdf",
    "QtPdfWidgets", "QtPositioning", "QtPrintSupport", "QtQml", "QtQuick", "QtQuick3D",
    "QtQuickControls2", "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects", "QtScxml",
    "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine",
    "QtSvgWidgets", "QtTest", "QtTextToSpeech", "QtUiTools", "QtWebChannel",
    "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets",
    "QtWebView", "QtXml",
)  # fmt: skip

# Modules that a dependency imports only optionally (inside ``try``/``except
# ImportError``, or lazily through a module ``__getattr__``) for something the
# app never does. tests/test_bundle_spec.py fails if the app imports one of them.
OPTIONAL_MODULES_EXCLUDED = (
    "yaml",  # numpy.show_config() only (numpy.__config__): 2.7 MB with its C module
    "numpy.random", "numpy.testing", "numpy.f2py",  # lazy numpy attributes: 3 MB
    "rich", "pygments", "markdown_it", "mdurl",  # httpx's command line (httpx._main): 2.5 MB
    "trio", "outcome",  # httpcore under trio; the app's httpx calls are synchronous
    "test", "_testcapi", "_testinternalcapi",  # CPython's test suite, via future (ffmpeg-python)
    "distutils",  # cffi's compiler shim (building extensions)
    "pydoc_data",  # help() topics
)  # fmt: skip

EXCLUDES = (
    *(f"PySide6.{m}" for m in QT_MODULES_EXCLUDED),
    "PyQt5", "PyQt6", "PySide2", "tkinter", "_tkinter", "IPython", "matplotlib",
    "pytest", "hypothesis", "setuptools", "pip",
    *OPTIONAL_MODULES_EXCLUDED,
)  # fmt: skip

# -- Qt plugins and translations ---------------------------------------------------------

# The Qt plugins the app needs, by plugin folder and platform (base names: no
# "lib" prefix, no extension). Every other plugin is left out of the bundle.
QT_PLUGINS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "platforms": {
        "linux": ("qxcb", "qoffscreen"),  # X11 and XWayland; offscreen for the self-test
        "win32": ("qwindows", "qoffscreen"),
        "darwin": ("qcocoa", "qoffscreen"),
    },
    "xcbglintegrations": {"linux": ("qxcb-glx-integration", "qxcb-egl-integration")},
    "platformthemes": {"linux": ("qxdgdesktopportal",)},  # portal file dialogs, dark mode
    "platforminputcontexts": {  # dead keys, compose and input methods when typing titles
        "linux": ("composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"),
    },
    "multimedia": {p: ("ffmpegmediaplugin",) for p in ("linux", "win32", "darwin")},
    "imageformats": {p: ("qjpeg", "qwebp", "qgif", "qsvg") for p in ("linux", "win32", "darwin")},
    "iconengines": {p: ("qsvgicon",) for p in ("linux", "win32", "darwin")},  # theme icons
    "styles": {"win32": ("qmodernwindowsstyle",), "darwin": ("qmacstyle",)},
}

# Qt libraries that only the left-out plugins need (PyInstaller collects a
# plugin's libraries before the spec can drop the plugin).
QT_LIBRARIES_EXCLUDED = (
    "Qt6Pdf", "Qt6PrintSupport", "Qt6Sql", "Qt6VirtualKeyboard", "Qt6WaylandClient",
    "Qt6WaylandEglClientHwIntegration", "Qt6WlShellIntegration", "Qt6EglFSDeviceIntegration",
    "Qt6EglFsKmsSupport", "Qt6EglFsKmsGbmSupport", "Qt6WebEngineCore", "Qt6Positioning",
    "Qt6Sensors", "Qt6TextToSpeech", "Qt6Quick3D", "Qt6Quick3DRuntimeRender", "Qt6Designer",
)  # fmt: skip

# Qt's own translations (standard dialogs) for the languages the app offers.
QT_TRANSLATION_LANGUAGES = ("fr",)
QT_TRANSLATION_CATALOGUES = ("qt", "qtbase", "qtmultimedia")


def library_name(filename: str) -> str:
    """``libqxcb.so`` / ``qwindows.dll`` / ``libqcocoa.dylib`` -> ``qxcb`` / ``qwindows``..."""
    name = filename.rsplit("/", 1)[-1]
    name = re.sub(r"\.(so(\.\d+)*|dll|dylib)$", "", name)
    return name[3:] if name.startswith("lib") else name


def qt_plugin_of(dest: str) -> tuple[str, str] | None:
    """(plugin folder, base name) if ``dest`` is a Qt plugin inside the bundle, else None."""
    parts = dest.replace("\\", "/").split("/")
    if "PySide6" not in parts or "plugins" not in parts:
        return None
    at = parts.index("plugins")
    if len(parts) != at + 3:
        return None
    return parts[at + 1], library_name(parts[at + 2])


def wanted_qt_plugin(folder: str, name: str, platform: str | None = None) -> bool:
    return name in QT_PLUGINS.get(folder, {}).get(platform_key(platform), ())


def keep_in_bundle(dest: str, platform: str | None = None) -> bool:
    """Whether a file PyInstaller collected (its place in the bundle) stays in it."""
    path = dest.replace("\\", "/")
    plugin = qt_plugin_of(path)
    if plugin is not None:
        return wanted_qt_plugin(*plugin, platform)
    name = path.rsplit("/", 1)[-1]
    if "PySide6" in path.split("/") and "/translations/" in path and name.endswith(".qm"):
        m = re.fullmatch(r"([a-z_]+?)_([a-z]{2}(?:_[A-Z]{2})?)\.qm", name)
        return bool(m) and m.group(1) in QT_TRANSLATION_CATALOGUES \
            and m.group(2) in QT_TRANSLATION_LANGUAGES  # fmt: skip
    framework = next((p for p in path.split("/") if p.endswith(".framework")), None)
    if framework:  # macOS: PySide6/Qt/lib/QtPdf.framework/Versions/A/QtPdf
        return "Qt6" + framework[2:-len(".framework")] not in QT_LIBRARIES_EXCLUDED
    return library_name(name) not in QT_LIBRARIES_EXCLUDED


def filter_toc(toc: Iterable[tuple], platform: str | None = None) -> list[tuple]:
    """A PyInstaller TOC (dest, src, typecode) without what :func:`keep_in_bundle` refuses."""
    return [entry for entry in toc if keep_in_bundle(entry[0], platform)]


# -- one FFmpeg for OpenCV and PyAV (Linux) ------------------------------------------------

# opencv-python-headless and PyAV each vendor FFmpeg's libraries, under the
# names auditwheel gives them (libavcodec-<8 hex digits>.so.<version>). When both
# wheels carry the same FFmpeg release (the same versions in the names), the
# Linux build points OpenCV at PyAV's copies (patchelf: cv2.abi3.so's NEEDED
# entries and its RPATH), checks that every FFmpeg symbol OpenCV uses is defined
# there, and leaves out OpenCV's copies and what only they linked (libvpx,
# dav1d, OpenSSL 1.1): about 35 MB. Otherwise OpenCV keeps its own.
OPENCV_LIBS = "opencv_python_headless.libs"  # the libraries the OpenCV wheel vendors
OPENCV_BINARY_DIRS = ("cv2", OPENCV_LIBS)  # every binary that can name them
PYAV_LIBS = "av.libs"
FFMPEG_LIBRARIES = ("avcodec", "avformat", "avutil", "swscale", "swresample", "avfilter",
                    "avdevice", "postproc")  # fmt: skip

_VENDORED_LIBRARY = re.compile(
    r"lib(?P<name>[A-Za-z0-9_+]+?)-[0-9a-f]{8}\.so\.(?P<version>\d+(?:\.\d+)*)")


def vendored_library(filename: str) -> tuple[str, str] | None:
    """``("avcodec", "62.28.102")`` for auditwheel's ``libavcodec-57aca189.so.62.28.102``."""
    found = _VENDORED_LIBRARY.fullmatch(filename.replace("\\", "/").rsplit("/", 1)[-1])
    return (found["name"], found["version"]) if found else None


def ffmpeg_twins(dests: Iterable[str]) -> dict[str, str]:
    """``{OpenCV's FFmpeg library: PyAV's one of the same version}``, as places in the bundle.

    Empty unless each of OpenCV's FFmpeg libraries has a twin: one process must
    not mix two FFmpeg releases, so it is all of them or none.
    """
    mine: dict[str, str] = {}
    theirs: dict[tuple[str, str], str] = {}
    for dest in dests:
        path = dest.replace("\\", "/")
        folder, _, name = path.rpartition("/")
        lib = vendored_library(name)
        if lib is None or lib[0] not in FFMPEG_LIBRARIES:
            continue
        if folder == OPENCV_LIBS:
            mine[path] = lib
        elif folder == PYAV_LIBS:
            theirs[lib] = path
    twins = {path: theirs.get(lib) for path, lib in mine.items()}
    return twins if twins and all(twins.values()) else {}  # type: ignore[return-value]


def unreferenced_libraries(needed: Mapping[str, Iterable[str]], folder: str) -> set[str]:
    """The libraries in ``folder`` that nothing outside it needs, even through others.

    ``needed`` maps each binary (place in the bundle) to the file names it
    links (its NEEDED entries); the binaries outside ``folder`` are the roots.
    """
    inside = {dest: dest.rsplit("/", 1)[-1] for dest in needed
              if dest.rpartition("/")[0] == folder}  # fmt: skip
    by_name = {name: dest for dest, name in inside.items()}
    todo = [dest for dest in needed if dest not in inside]
    seen: set[str] = set()
    while todo:
        for name in needed.get(todo.pop(), ()):
            dest = by_name.get(name)
            if dest is not None and dest not in seen:
                seen.add(dest)
                todo.append(dest)
    return set(inside) - seen


# -- reference LAPACK for OpenCV (Linux) ----------------------------------------------------

# The OpenCV wheel vendors OpenBLAS (39 MB, with its own libgfortran) for the 18
# BLAS and LAPACK routines cv2.abi3.so links: gemm, solve, SVD, QR, Cholesky.
# The app calls none of them (face detection, resizing, blurring and the image
# codecs do not), and NumPy carries its own OpenBLAS under other symbol names
# (ILP64, ``scipy_`` prefix), so the two cannot share. The Linux build links
# cv2 to the build machine's reference LAPACK and BLAS instead (7.8 MB, netlib;
# Debian's liblapack3 and libblas3), whose libgfortran needs are met by NumPy's
# copy, and leaves out OpenCV's OpenBLAS: about 34 MB less. The spec checks with
# nm that every symbol is defined; otherwise, or without those packages, OpenCV
# keeps its OpenBLAS.
REFERENCE_LAPACK = ("liblapack.so.3", "libblas.so.3")
NUMPY_LIBS = "numpy.libs"


def _in_folder(dests: Iterable[str], folder: str, prefix: str) -> list[str]:
    """The places in ``folder`` whose file name starts with ``prefix``."""
    found = []
    for dest in dests:
        parent, _, name = dest.replace("\\", "/").rpartition("/")
        if parent == folder and name.startswith(prefix):
            found.append(dest)
    return found


def opencv_openblas(dests: Iterable[str]) -> list[str]:
    """OpenCV's vendored OpenBLAS among the places in the bundle."""
    return _in_folder(dests, OPENCV_LIBS, "libopenblas")


def numpy_gfortran(dests: Iterable[str]) -> str | None:
    """NumPy's vendored libgfortran (place in the bundle), if it has one."""
    return next(iter(_in_folder(dests, NUMPY_LIBS, "libgfortran")), None)


def reference_lapack(roots: Iterable[Path] | None = None) -> dict[str, Path] | None:
    """``{"liblapack.so.3": path, "libblas.so.3": path}`` of netlib's reference libraries.

    Looks where Debian (``lapack/``, ``blas/`` under the multiarch folder) and
    Fedora (``/usr/lib64``) put them. A name that resolves to OpenBLAS or
    another optimised build (an alternative the machine chose) does not count:
    those are as big as what they would replace.
    """
    if roots is None:
        arch = sysconfig.get_config_var("MULTIARCH") or f"{_platform.machine()}-linux-gnu"
        roots = [Path("/usr/lib") / arch, Path("/usr/lib64"), Path("/usr/lib")]
    found: dict[str, Path] = {}
    for name in REFERENCE_LAPACK:
        sub = name.split(".")[0].removeprefix("lib")  # lapack/, blas/
        for root in roots:
            for candidate in (root / sub / name, root / name):
                real = candidate.resolve()
                if candidate.is_file() and not re.search(r"openblas|blis|atlas|mkl", str(real)):
                    found.setdefault(name, candidate)
    return found if len(found) == len(REFERENCE_LAPACK) else None


def strip_debug_wanted(dest: str) -> bool:
    """Linux: whether the build strips the debug sections of this binary (see the spec).

    libpython and the standard library's modules (pyenv builds keep their
    symbols) and PyAV's Cython modules; never the libraries that wheels vendor.
    """
    path = dest.replace("\\", "/")
    name = path.rsplit("/", 1)[-1]
    return (name.startswith("libpython3") and ".so" in name) \
        or bool(re.fullmatch(r"python3\.\d+/lib-dynload/[^/]+\.so", path)) \
        or bool(re.fullmatch(r"av/(?:[^/]+/)*[^/]+\.so", path))  # fmt: skip


# -- the inputs of the analysis ----------------------------------------------------------


def resource_datas(root: Path = ROOT) -> list[tuple[str, str]]:
    """``(source file, folder in the bundle)`` for every shipped resource; raises if missing."""
    out = []
    for rel in RESOURCE_FILES:
        src = root / "resources" / rel
        if not src.is_file():
            raise FileNotFoundError(f"{src} is listed in tools/bundle_manifest.py but missing")
        folder = "/".join([RESOURCES_DEST, *rel.split("/")[:-1]])
        out.append((str(src), folder))
    return out


def opencv_datas() -> list[tuple[str, str]]:
    import cv2

    folder = Path(cv2.data.haarcascades)
    return [(str(folder / name), "cv2/data") for name in OPENCV_CASCADES]


def ffmpeg_binary() -> tuple[str, str]:
    """``(the ffmpeg of imageio-ffmpeg, folder in the bundle)``: where imageio-ffmpeg looks.

    Collected as a binary, not data, so that macOS signs it with the app.
    """
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe(), "imageio_ffmpeg/binaries"


def is_ffmpeg_data(entry: tuple) -> bool:
    """The copy of the ffmpeg binary that imageio-ffmpeg's hook collects as data."""
    dest = entry[0].replace("\\", "/")
    return dest.startswith("imageio_ffmpeg/binaries/ffmpeg") and entry[2] == "DATA"


# -- licences ------------------------------------------------------------------------------

LICENCES_DEST = "licenses"  # in the bundle: licenses/<distribution>/<file>, and README.txt
_LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)([-._].*)?", re.IGNORECASE)

LICENCE_NOTE = """Series Studio {version}: licences of this bundle

Series Studio is free software under the GNU General Public License, version 3
or later (GPL-3.0-or-later). This bundle also contains, unmodified unless said:

- FFmpeg (imageio_ffmpeg/binaries): a build configured with --enable-gpl and
  --enable-version3 that includes x264, x265 and other GPL libraries: GPL-3.0.
- PyAV's FFmpeg libraries (av.libs), linked with libx264 and libx265 (GPL-2.0+).
- Qt 6 and PySide6 (PySide6/): LGPL-3.0, as separate shared libraries that you
  may replace with your own builds of the same version. Qt's FFmpeg libraries
  (PySide6/Qt/lib/libav*) are LGPL-2.1-or-later.
- OpenCV (cv2, opencv_python_headless.libs): Apache-2.0, with its own
  third-party notices. One change on Linux: the build rewrote the names of the
  FFmpeg libraries that cv2/cv2.abi3.so links (patchelf), so that it loads
  PyAV's (av.libs) instead of OpenCV's own copies of the same FFmpeg release.
- NumPy and OpenBLAS: BSD-3-Clause; Python: PSF-2.0.

The bundle as a whole is distributed under the terms of the GPL, version 3.
The licence texts shipped by each Python package are in the folders beside
this file. The complete corresponding source code of Series Studio, and of
the GPL and LGPL components above at the versions bundled, is available from
the publisher for at least three years from the date you received this copy:
see the download page of this release, or write to the publisher.
"""


def licence_datas(top_level_modules: Iterable[str]) -> list[tuple[str, str]]:
    """``(licence file, folder in the bundle)`` of every distribution providing these modules.

    The distributions are found from the modules the analysis collected, so a
    new dependency brings its licence without editing this list.
    """
    import importlib.metadata as md

    owners = md.packages_distributions()
    names = sorted({dist for top in top_level_modules for dist in owners.get(top, ())})
    out = []
    for name in names:
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        for file in dist.files or ():
            parts = list(file.parts)
            meta = next((i for i, part in enumerate(parts)
                         if part.endswith((".dist-info", ".egg-info"))), None)  # fmt: skip
            if meta is None or not _LICENCE_FILE.fullmatch(file.name) \
                    or file.suffix in (".py", ".pyc") or "__pycache__" in parts:  # fmt: skip
                continue
            inner = parts[meta + 1:-1]
            inner = inner[1:] if inner[:1] == ["licenses"] else inner  # PEP 639 folder
            src = Path(str(dist.locate_file(file)))
            if src.is_file():
                out.append((str(src), "/".join([LICENCES_DEST, name, *inner])))
    return out


# Distributions whose licence texts a built bundle must hold (check_bundle).
LICENCES_REQUIRED = ("av", "imageio-ffmpeg", "numpy", "opencv-python-headless")

# The project's own licence texts, collected when present at the repository root.
PROJECT_LICENCE_FILES = ("COPYING", "COPYING.LESSER", "LICENSE", "LICENSE.txt")


def project_licence_datas(root: Path = ROOT) -> list[tuple[str, str]]:
    return [(str(root / n), LICENCES_DEST) for n in PROJECT_LICENCE_FILES
            if (root / n).is_file()]  # fmt: skip


def top_level_modules(tocs: Iterable[Iterable[tuple]]) -> set[str]:
    """The top-level packages and modules named by PyInstaller TOCs (dest names)."""
    tops = set()
    for toc in tocs:
        for entry in toc:
            first = entry[0].replace("\\", "/").split("/")[0].split(".")[0]
            if first:
                tops.add(first)
    return tops


# -- per-platform metadata ---------------------------------------------------------------


def version_tuple(version: str) -> tuple[int, int, int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    return tuple((numbers + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def windows_version_file(version: str, exe_name: str) -> str:
    """The text of a PyInstaller version file (the .exe's Details tab)."""
    v = version_tuple(version)
    strings = {
        "CompanyName": PUBLISHER, "FileDescription": APP_NAME, "FileVersion": version,
        "InternalName": exe_name, "LegalCopyright": COPYRIGHT,
        "OriginalFilename": f"{exe_name}.exe", "ProductName": APP_NAME,
        "ProductVersion": version, "Comments": DESCRIPTION,
    }  # fmt: skip
    items = ",\n".join(f"          StringStruct({k!r}, {val!r})" for k, val in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={v}, prodvers={v}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
{items}
    ])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


def desktop_entry(exec_path: str = EXE_NAMES["linux"]) -> str:
    """The freedesktop.org .desktop file of the Linux bundle."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        f"Name={APP_NAME}",
        "GenericName=Video collection editor",
        "GenericName[fr]=Éditeur de collections vidéo",
        f"Comment={DESCRIPTION}",
        "Comment[fr]=Assembler, vérifier et exporter des collections vidéo premium",
        f"Exec={exec_path}",
        f"Icon={DESKTOP_ID}",
        "Terminal=false",
        "Categories=AudioVideo;Video;AudioVideoEditing;",
        "Keywords=video;series;episodes;trim;export;TikTok;",
        f"StartupWMClass={DESKTOP_ID}",
        "",
    ])


def mac_info_plist(version: str) -> dict:
    return {
        "CFBundleDisplayName": APP_NAME,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "NSHumanReadableCopyright": COPYRIGHT,
        "LSMinimumSystemVersion": "12.0",
        "LSApplicationCategoryType": "public.app-category.video",
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,  # follow dark mode
        "CFBundleDevelopmentRegion": "en",
        "CFBundleLocalizations": ["en", "fr"],
    }


# -- checking a built bundle -------------------------------------------------------------


def check_bundle(top: Path, platform: str | None = None) -> list[str]:
    """What a built one-folder bundle (Linux or Windows layout) lacks or holds in excess."""
    key = platform_key(platform)
    internal = top / "_internal"
    problems: list[str] = []
    suffix = ".exe" if key == "win32" else ""
    exes = [EXE_NAMES[key]] + ([CONSOLE_EXE_NAME] if key == "win32" else [])
    problems += [f"no executable {n}{suffix}" for n in exes if not (top / f"{n}{suffix}").is_file()]
    problems += [f"no resource {rel}" for rel in RESOURCE_FILES
                 if not (internal / RESOURCES_DEST / rel).is_file()]
    problems += [f"no OpenCV cascade {n}" for n in OPENCV_CASCADES
                 if not (internal / "cv2" / "data" / n).is_file()]
    ffmpeg = internal / "imageio_ffmpeg" / "binaries"
    if not any(p.name.startswith("ffmpeg-") and not p.name.endswith(".md")
               for p in (ffmpeg.iterdir() if ffmpeg.is_dir() else ())):
        problems.append("no ffmpeg binary in imageio_ffmpeg/binaries")
    qt = internal / "PySide6" / ("" if key == "win32" else "Qt")
    plugins = qt / "plugins"
    found = {(p.parent.name, library_name(p.name)) for p in plugins.glob("*/*") if p.is_file()}
    for folder, names in QT_PLUGINS.items():
        problems += [f"no Qt plugin {folder}/{n}" for n in names.get(key, ())
                     if (folder, n) not in found]
    problems += [f"an unwanted Qt plugin {folder}/{n}" for folder, n in sorted(found)
                 if not wanted_qt_plugin(folder, n, key)]
    problems += [f"an excluded Qt module {mod}" for mod in QT_MODULES_EXCLUDED
                 if any((internal / "PySide6").glob(f"{mod}.*"))]
    for lang in QT_TRANSLATION_LANGUAGES:
        if not (qt / "translations" / f"qtbase_{lang}.qm").is_file():
            problems.append(f"no Qt translation qtbase_{lang}.qm")
    if not (internal / LICENCES_DEST / "README.txt").is_file():
        problems.append(f"no {LICENCES_DEST}/README.txt")
    problems += [f"no licence of {dist}" for dist in LICENCES_REQUIRED
                 if not any((internal / LICENCES_DEST / dist).glob("*"))]
    if key == "linux":
        if not (top / "share" / "applications" / f"{DESKTOP_ID}.desktop").is_file():
            problems.append(f"no share/applications/{DESKTOP_ID}.desktop")
        problems += [f"no {size}x{size} icon" for size in ICON_SIZES if not (
            top / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{DESKTOP_ID}.png"
        ).is_file()]  # fmt: skip
    return problems


def main(argv: list[str]) -> int:
    """``python tools/bundle_manifest.py "dist/Series Studio"``: check a built bundle."""
    if len(argv) != 1:
        print("usage: python tools/bundle_manifest.py BUNDLE_FOLDER", file=sys.stderr)
        return 2
    problems = check_bundle(Path(argv[0]))
    for problem in problems:
        print(f"bundle: {problem}")
    if not problems:
        print(f"bundle: {argv[0]} holds everything in tools/bundle_manifest.py")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
