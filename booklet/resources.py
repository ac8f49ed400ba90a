"""The installed package in, the folders of the files the engine reads at run time out.

Templates and styles sit at the top of the repository, where the design has them; a wheel maps
them into the package (`force-include` in pyproject.toml). Both are found through the package
with importlib.resources, so an installed tool, an editable install and a checkout behave alike.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = Path(str(files("booklet")))


def data_folder(name: str) -> Path:
    """The folder `name` inside the package (a wheel), or beside it (a checkout, editable)."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


TEMPLATES = data_folder("templates")
STYLES = data_folder("styles")
PROFILES = data_folder("profiles")  # ICC profiles of printing conditions (see profiles/NOTICE)
# Folders the engine's outputs depend on, by the name they have in a wheel (for cache keys).
ENGINE_FOLDERS = {
    "booklet": PACKAGE,
    "templates": TEMPLATES,
    "styles": STYLES,
    "profiles": PROFILES,
}


def engine_files() -> list[tuple[str, Path]]:
    """Every file of the engine, named as in the wheel (`booklet/…`, `templates/…`), sorted."""
    found: dict[str, Path] = {}
    for name, folder in ENGINE_FOLDERS.items():
        for path in folder.rglob("*"):
            relative = path.relative_to(folder)
            if not path.is_file() or "__pycache__" in relative.parts:
                continue
            if name == "booklet" and relative.parts[0] in ENGINE_FOLDERS:
                continue  # a wheel's templates/, styles/, profiles/ are listed under their own names
            found[f"{name}/{relative.as_posix()}"] = path
    return sorted(found.items())
