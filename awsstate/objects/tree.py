"""The local side of a sync: walking a directory (or reading a manifest), and include/exclude globs.

The walk follows symbolic links (a link to a file uploads the file it names) and refuses a link
that loops back to a directory it is inside of, a dangling link, and anything that is not a
regular file or directory (a FIFO, a socket, a device), each with an error naming the path,
before any call. Empty directories have no S3 counterpart and are skipped.

Globs are matched against the path relative to the source, with ``/`` separators: ``*`` and
``?`` do not cross ``/``, ``**`` does (``docs/**`` is everything under ``docs``), and a pattern
without ``/`` matches the file's name at any depth (``*.tmp``). A file is in scope when it
matches some ``include`` (or ``include`` is empty) and no ``exclude``; the same filters decide
which remote keys a sync looks at, so excluded objects are never deleted.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from awsstate.objects.digest import LocalContent
from awsstate.objects.values import SourceError

__all__ = ["Filter", "LocalEntry", "compile_glob", "read_manifest", "walk"]


@dataclass(frozen=True, slots=True)
class LocalEntry:
    """One file of the source: its path relative to the source (``/``-separated) and its content."""

    relative: str
    content: LocalContent


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """The regular expression of a glob (see the module docstring)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1:end]
                negate = body.startswith("!")
                body = (body[1:] if negate else body).replace("\\", "\\\\")
                out.append("[" + ("^" if negate else "") + body + "]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out) + r"\Z")


@dataclass(frozen=True, slots=True)
class Filter:
    """The include/exclude globs of a sync."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @staticmethod
    def _matches(pattern: str, relative: str) -> bool:
        target = relative if "/" in pattern.rstrip("/") else relative.rsplit("/", 1)[-1]
        return compile_glob(pattern.rstrip("/") if "**" in pattern else pattern).match(target) is not None

    def __call__(self, relative: str) -> bool:
        """Whether ``relative`` is in scope."""
        if self.include and not any(self._matches(p, relative) for p in self.include):
            return False
        return not any(self._matches(p, relative) for p in self.exclude)


def _entry(path: Path, relative: str, st: os.stat_result) -> LocalEntry:
    return LocalEntry(relative, LocalContent(path, st.st_size, str(path)))


def walk(root: Path, keep: Filter, *, follow_symlinks: bool = True) -> list[LocalEntry]:
    """Every regular file under ``root`` in scope, sorted by key (S3's order: UTF-8 bytes)."""
    try:
        top = root.stat()
    except OSError:
        raise SourceError(f"source: {root} does not exist") from None
    if not stat.S_ISDIR(top.st_mode):
        raise SourceError(f"source: {root} is not a directory")
    found: list[LocalEntry] = []
    _walk_dir(root, "", {(top.st_dev, top.st_ino)}, keep, follow_symlinks, found)
    found.sort(key=lambda entry: entry.relative.encode("utf-8", "surrogateescape"))
    return found


def _walk_dir(directory: Path, relative: str, ancestors: set[tuple[int, int]], keep: Filter,
              follow: bool, found: list[LocalEntry]) -> None:
    try:
        entries: Iterable[os.DirEntry[str]] = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as error:
        raise SourceError(f"source: cannot list {directory} ({error.strerror or error})") from None
    for entry in entries:
        path = Path(entry.path)
        name = f"{relative}{entry.name}"
        is_link = entry.is_symlink()
        if is_link and not follow:
            continue
        try:
            st = os.stat(path)  # follows links
        except OSError:
            raise SourceError(f"source: {path} is a dangling symbolic link (or cannot be read)") from None
        if stat.S_ISDIR(st.st_mode):
            identity = (st.st_dev, st.st_ino)
            if identity in ancestors:
                raise SourceError(f"source: symbolic link loop: {path} leads back to a directory it is inside of "
                                  f"({os.path.realpath(path)})")
            _walk_dir(path, f"{name}/", ancestors | {identity}, keep, follow, found)
        elif stat.S_ISREG(st.st_mode):
            if keep(name):
                found.append(_entry(path, name, st))
        elif keep(name):
            raise SourceError(f"source: {path} is not a regular file or directory (a FIFO, socket or device); "
                              "exclude it")


def read_manifest(manifest: Mapping[str, bytes | Path], keep: Filter) -> list[LocalEntry]:
    """The entries of an in-memory manifest (relative key -> bytes or a file), in scope, sorted by key."""
    found: list[LocalEntry] = []
    for relative, value in manifest.items():
        if not keep(relative):
            continue
        if isinstance(value, bytes):
            found.append(LocalEntry(relative, LocalContent(value, len(value), f"manifest[{relative!r}]")))
        else:
            found.append(LocalEntry(relative, LocalContent.of(Path(value), f"manifest[{relative!r}] ({value})")))
    found.sort(key=lambda entry: entry.relative.encode("utf-8", "surrogateescape"))
    return found
