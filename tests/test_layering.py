"""Only studio/ui may import Qt: the import-linter contract holds, and would catch a breach."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint(tree: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "importlinter.cli"]
    return subprocess.run(
        cmd + ["--config", str(tree / "pyproject.toml")],
        cwd=tree, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)},
    )  # fmt: skip


def _copy_project(dst: Path) -> Path:
    shutil.copytree(ROOT / "studio", dst / "studio", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", dst / "pyproject.toml")
    return dst


def test_contract_holds_on_the_real_tree(tmp_path):
    tree = _copy_project(tmp_path)
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr


def test_contract_fails_when_the_store_imports_qt(tmp_path):
    tree = _copy_project(tmp_path)
    (tree / "studio" / "store" / "sneaky.py").write_text(
        "from PySide6.QtCore import QObject\n"
    )
    result = _lint(tree)
    assert result.returncode != 0
    assert "studio.store.sneaky" in result.stdout and "PySide6" in result.stdout


def test_no_module_outside_ui_mentions_qt_in_any_import():
    """A plain scan too, for imports inside functions that a graph might miss."""
    offenders = []
    for path in (ROOT / "studio").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "studio").parts[:1]:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            s = line.strip()
            if s.startswith(("import ", "from ")) and ("PySide6" in s or "shiboken6" in s):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {s}")
    assert offenders == []
