"""Writing files so that nothing already there is lost: temporary file, then rename.

A file that replaces another is flushed to disk (``fsync``) before it takes the name, so that a
crash or a power cut leaves the old file or the new one, never an empty one. A file that
replaces nothing is not flushed: there is nothing to lose, and a crash can leave at most an
empty file of that name, which :func:`kehoach_gen.outputs.existing_state` takes for absent.
A flush costs as much as writing the file (0.2 to 0.5 ms here), and a first build writes a
hundred new plans.

The temporary file is private while it is written (``mkstemp`` makes it 0600); before it takes
the final name it gets the permissions any new file of the user gets (0666 less the umask), so
colleagues sharing a folder can open what kehoach-gen writes.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from pathlib import Path


def resolved(path: Path, folders: dict[str, Path]) -> Path:
    """``path.resolve()``, asking the file system once per folder rather than once per folder
    of each file's path (``realpath`` looks at every part of it): a file that is no symbolic
    link resolves to its resolved folder and its name. ``folders`` keeps the folders resolved
    so far (by the folder as written and the working directory), for as long as the caller
    keeps it."""
    name = path.name
    if name in ("", ".", "..") or os.path.islink(path):
        return path.resolve()
    parent = path.parent
    key = str(parent) if parent.is_absolute() else f"{parent}\0{os.getcwd()}"
    folder = folders.get(key)
    if folder is None:
        folder = folders[key] = parent.resolve()
    return folder / name


@functools.lru_cache(maxsize=1)
def _umask() -> int:
    # os.umask can only be read by setting it; done once, before any worker starts
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The mode a new file gets in this process: 0666 less the umask (0644 with umask 022)."""
    return 0o666 & ~_umask()


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that an interrupted run leaves the old file intact."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    replacing = os.path.lexists(path)
    prefix = f".~{path.stem[:40]}-"
    try:
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    except FileNotFoundError:  # the folder is made when first needed, not asked for every file
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            if hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), new_file_mode())
            if replacing:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
