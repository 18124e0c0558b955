"""A cache on disk for work that depends only on the bytes of a file: a checked city template,
a compiled Word template, a province's official units.

An entry is found by a hash of the content it was made from, kehoach-gen's version, its own
code (the size and time of each module, so a changed checkout never reads an old entry) and
Python's: when the file changes, its old entry is simply never asked for again. The folder is
``$KEHOACH_CACHE`` (empty or ``0`` turns the cache off), else ``$XDG_CACHE_HOME/kehoach-gen``,
else ``~/.cache/kehoach-gen``, made private to the user (0700). Entries are pickles of
kehoach-gen's own objects, written atomically; one that cannot be read is ignored and made
again, so the folder can be deleted at any time. Only what passed validation is stored.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ._version import __version__

T = TypeVar("T")
ENV_VAR = "KEHOACH_CACHE"
LIST_PACKAGE = "vietnam_provinces"  # the official list of units
MAX_ENTRY_BYTES = 64 * 1024 * 1024


def folder() -> Path | None:
    """The cache folder, or None when caching is off."""
    value = os.environ.get(ENV_VAR)
    if value is not None:
        return None if value.strip() in ("", "0") else Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kehoach-gen"


def _fingerprint(roots: list[str], suffix: str = "") -> str:
    """A hash of the roots, and of the path, size and time of every file under them whose
    name ends with ``suffix`` (compiled caches left out): it changes when any of them is
    replaced, or the roots move (a package installed as a zip has its version in its path)."""
    h = hashlib.sha256()
    for root in roots:
        h.update(f"{root}\0".encode())
        for folder_, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(suffix):
                    path = os.path.join(folder_, name)
                    with contextlib.suppress(OSError):
                        st = os.stat(path)
                        h.update(f"{os.path.relpath(path, root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _code() -> str:
    """A fingerprint of kehoach-gen's own modules."""
    return _fingerprint([os.path.dirname(__file__)], ".py")


def key(kind: str, *parts: bytes | str) -> str:
    """The entry name for ``kind`` made from ``parts`` (file contents, options)."""
    h = hashlib.sha256(f"{kind}\0{__version__}\0{_code()}\0{sys.version_info[:2]}".encode())
    for part in parts:
        h.update(b"\0")
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
    return f"{kind}-{h.hexdigest()[:40]}.pickle"


@functools.cache
def list_fingerprint() -> str:
    """What identifies the installed official list of units (the ``vietnam-provinces``
    package): where it is installed and its files' names, sizes and times, found without
    importing it or reading its metadata (``importlib.metadata`` alone takes 20 to 30 ms to
    import, more than a check of one plan spends on its units). Part of the key of every
    entry made from the list, so an upgraded or reinstalled list makes new entries. Here, not
    with the list (:mod:`kehoach_gen.units`), so that ``kehoach-gen check`` finds its index
    of units without loading the models."""
    try:
        spec = importlib.util.find_spec(LIST_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return "?"
    return _fingerprint(list(spec.submodule_search_locations))


def load(name: str) -> object | None:
    """The entry ``name``, or None (absent, off, or unreadable)."""
    base = folder()
    if base is None:
        return None
    try:
        with open(base / name, "rb") as f:
            data = f.read(MAX_ENTRY_BYTES + 1)
        if len(data) > MAX_ENTRY_BYTES:
            return None
        return pickle.loads(data)  # noqa: S301 - the user's own cache, written by this code
    except Exception:  # absent, truncated, from another version: made again
        return None


def store(name: str, value: object) -> None:
    """Keep ``value`` as entry ``name``; a cache that cannot be written is no error."""
    base = folder()
    if base is None:
        return
    with contextlib.suppress(Exception):
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) > MAX_ENTRY_BYTES:
            return
        fd, tmp = tempfile.mkstemp(prefix=".~", dir=base)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, base / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def cached(name: str, make: Callable[[], T]) -> T:
    """The entry ``name``, made by ``make()`` and stored when absent."""
    value = load(name)
    if value is None:
        value = make()
        store(name, value)
    return value  # type: ignore[return-value]
