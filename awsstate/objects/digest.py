"""Digests of local content, computed the way S3 computes them, so content is compared without downloading.

S3's ETag of an object uploaded in one request (without SSE-KMS or SSE-C) is the hex MD5 of its
content. Of an object uploaded in ``N`` parts it is the MD5 of the concatenated binary MD5s of
the parts, then ``-N``: it depends on the part size. :class:`LocalContent` computes, from the
local bytes, whichever of the two the remote ETag is, for the part size awsstate's own uploads
use (:meth:`~awsstate.objects.values.TransferSettings.part_size_for`), and the SHA-256 awsstate
records in the metadata of what it uploads. Each digest is computed at most once per file, in
one pass over the content, and only when a comparison needs it.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from awsstate.objects.values import SourceError, TransferSettings

__all__ = ["LocalContent", "etag_of", "is_md5_etag", "multipart_etag_of", "parse_etag"]

_CHUNK = 1024 * 1024
_MD5 = re.compile(r"^[0-9a-f]{32}\Z")
_MULTIPART = re.compile(r"^[0-9a-f]{32}-(\d{1,5})\Z")


def parse_etag(etag: str) -> tuple[str, int | None]:
    """``(hex, parts)`` of an ETag (quotes stripped): parts is ``None`` for a single-part ETag."""
    text = etag.strip('"').lower()
    match = _MULTIPART.match(text)
    if match:
        return text, int(match.group(1))
    return text, None


def is_md5_etag(etag: str) -> bool:
    """Whether ``etag`` is shaped like a single-part MD5 ETag (32 hex digits)."""
    return bool(_MD5.match(etag.strip('"').lower()))


def etag_of(data: bytes, transfer: TransferSettings) -> str:
    """The ETag S3 gives ``data`` uploaded by awsstate with ``transfer`` (single part or multipart)."""
    if transfer.multipart(len(data)):
        return multipart_etag_of(data, transfer.part_size_for(len(data)))
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def multipart_etag_of(data: bytes, part_size: int) -> str:
    """The ETag of ``data`` uploaded in parts of ``part_size`` bytes."""
    digests = [hashlib.md5(data[start:start + part_size], usedforsecurity=False).digest()
               for start in range(0, max(len(data), 1), part_size)]
    return f"{hashlib.md5(b''.join(digests), usedforsecurity=False).hexdigest()}-{len(digests)}"


@dataclass
class LocalContent:
    """The content of one local file or in-memory value, and its digests (computed lazily, cached).

    Args:
        source: the file's path, or the bytes.
        size: its size in bytes (for a file: as seen when the tree was walked).
        label: how errors name it (the path, or the manifest's key).
    """

    source: Path | bytes = field(repr=False)
    size: int
    label: str = ""
    _md5: str | None = field(default=None, init=False, repr=False)
    _parts: dict[int, str] = field(default_factory=dict, init=False, repr=False)
    _sha256: str | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @classmethod
    def of(cls, source: Path | bytes, label: str = "") -> LocalContent:
        """The content of a file (its size read now) or of bytes."""
        if isinstance(source, bytes):
            return cls(source, len(source), label or "(bytes)")
        try:
            size = source.stat().st_size
        except OSError as error:
            raise SourceError(f"{source}: cannot be read ({error.strerror or error})") from None
        return cls(source, size, label or str(source))

    def chunks(self, size: int = _CHUNK) -> Iterator[bytes]:
        """The content, in chunks (a file is opened and read now)."""
        if isinstance(self.source, bytes):
            for start in range(0, len(self.source), size):
                yield self.source[start:start + size]
            return
        try:
            with open(self.source, "rb") as handle:
                while chunk := handle.read(size):
                    yield chunk
        except OSError as error:
            raise SourceError(f"{self.label}: cannot be read ({error.strerror or error})") from None

    def read(self) -> bytes:
        """The whole content in memory."""
        return self.source if isinstance(self.source, bytes) else b"".join(self.chunks())

    def loaded(self) -> LocalContent:
        """This content read into memory once (hashed and sent from there), still of the size listed."""
        if isinstance(self.source, bytes):
            return self
        data = self.read()
        if len(data) != self.size:
            raise SourceError(f"{self.label}: changed while it was read ({self.size} bytes when listed, "
                              f"{len(data)} now); sync again")
        return LocalContent(data, self.size, self.label)

    def _compute(self, *, md5: bool, part_size: int | None, sha256: bool) -> None:
        whole = hashlib.md5(usedforsecurity=False) if md5 else None
        sha = hashlib.sha256() if sha256 else None
        parts: list[bytes] = []
        step = part_size or _CHUNK * 8
        seen = 0
        for chunk in self._views(step):
            seen += len(chunk)
            if whole is not None:
                whole.update(chunk)
            if sha is not None:
                sha.update(chunk)
            if part_size is not None:
                parts.append(hashlib.md5(chunk, usedforsecurity=False).digest())
        if seen != self.size:
            raise SourceError(f"{self.label}: changed while it was read ({self.size} bytes when listed, "
                              f"{seen} now); sync again")
        if whole is not None:
            self._md5 = whole.hexdigest()
        if sha is not None:
            self._sha256 = sha.hexdigest()
        if part_size is not None:
            parts = parts or [hashlib.md5(b"", usedforsecurity=False).digest()]
            self._parts[part_size] = f"{hashlib.md5(b''.join(parts), usedforsecurity=False).hexdigest()}-{len(parts)}"

    def _views(self, step: int) -> Iterator[memoryview]:
        """The content in ``step``-byte views, each valid until the next: of the bytes, or of one
        buffer the file is read into again and again (no allocation, no copy per chunk)."""
        if isinstance(self.source, bytes):
            whole = memoryview(self.source)
            for start in range(0, len(whole), step):
                yield whole[start:start + step]
            return
        view = memoryview(bytearray(min(step, self.size + 1)))  # one byte more than listed: growth is seen
        try:
            with open(self.source, "rb", buffering=0) as handle:
                while True:
                    filled = 0
                    while filled < step and (got := handle.readinto(view[filled:])):
                        filled += got
                    if not filled:
                        return
                    yield view[:filled]
                    if filled < step:
                        return
        except OSError as error:
            raise SourceError(f"{self.label}: cannot be read ({error.strerror or error})") from None

    @property
    def md5(self) -> str:
        """The hex MD5 of the whole content (a single-part ETag)."""
        with self._lock:
            if self._md5 is None:
                self._compute(md5=True, part_size=None, sha256=self._sha256 is None and self.size <= _CHUNK)
            assert self._md5 is not None
            return self._md5

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of the content (what awsstate records in the metadata)."""
        with self._lock:
            if self._sha256 is None:
                self._compute(md5=self._md5 is None and self.size <= _CHUNK, part_size=None, sha256=True)
            assert self._sha256 is not None
            return self._sha256

    def multipart_etag(self, part_size: int) -> str:
        """The ETag of this content uploaded in parts of ``part_size`` bytes."""
        with self._lock:
            if part_size not in self._parts:
                self._compute(md5=False, part_size=part_size, sha256=False)
            return self._parts[part_size]

    def upload_etag(self, transfer: TransferSettings) -> str:
        """The ETag an upload by awsstate with ``transfer`` gives this content."""
        if transfer.multipart(self.size):
            return self.multipart_etag(transfer.part_size_for(self.size))
        return self.md5

    def matches_etag(self, etag: str, transfer: TransferSettings) -> bool | None:
        """Whether a remote MD5-style ETag says this content: ``True``/``False``, or ``None`` when
        it cannot tell (a multipart ETag whose part count awsstate's part size does not give).

        Only meaningful when the ETag is an MD5 digest (not SSE-KMS or SSE-C): see
        :func:`awsstate.objects.compare.content_matches`.
        """
        text, parts = parse_etag(etag)
        if parts is None:
            return self.md5 == text if _MD5.match(text) else None
        part_size = transfer.part_size_for(self.size)
        if math.ceil(max(self.size, 1) / part_size) != parts:
            return None
        return self.multipart_etag(part_size) == text
