"""Find ``studio.resources`` where pyproject.toml's package-dir puts it: ``resources/``.

PyInstaller searches a package's submodules in the package's own folder
(``studio/``), where ``resources`` is not; point it at the repository root.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def pre_find_module_path(api) -> None:
    api.search_dirs = [str(ROOT)]
