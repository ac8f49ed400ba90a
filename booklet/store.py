"""A name and a way to make a file in, a file in the engine's disk cache out ($BOOKLET_CACHE):
font instances, web fonts and resized images, each made once and reused by every build."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def cache_folder(name: str) -> Path:
    """A folder for made files: $BOOKLET_CACHE/<name>, else the user's cache folder. One that
    cannot be written falls back to a temporary one for this process."""
    try:
        base = os.environ.get("BOOKLET_CACHE") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "booklet"
        )
        folder = Path(base) / name
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass  # writable
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        folder = Path(tempfile.mkdtemp(prefix=f"booklet-{name}-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder.resolve()


FOLDERS = ("fonts", "images")  # every cache folder an output may read from


def cache_folders() -> tuple[Path, ...]:
    return tuple(cache_folder(name) for name in FOLDERS)


def write_whole(path: Path, data: bytes) -> None:
    """Write a made file whole: a concurrent build sees all of it or none."""
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".part") as part:
        part.write(data)
    os.chmod(part.name, 0o644)
    os.replace(part.name, path)


def cached_file(folder: str, name: str, make: Callable[[], bytes]) -> Path:
    """The file `name` (which carries the key of what it is made from) in the cache folder
    `folder`, made with `make()` and written whole the first time it is asked for."""
    path = cache_folder(folder) / name
    if not path.is_file():
        write_whole(path, make())
    return path
