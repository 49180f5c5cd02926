"""Local digests: a file hashes as its bytes do, in one pass, and a file that changed since it was listed is refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from awsstate.objects.digest import LocalContent, multipart_etag_of
from awsstate.objects.values import SourceError

MIB = 1024 * 1024


@pytest.mark.parametrize("size", [0, 1, 4096, 5 * MIB, 5 * MIB + 1, 11 * MIB + 7])
def test_a_file_hashes_exactly_as_its_bytes(tmp_path: Path, size: int) -> None:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    from_file, from_bytes = LocalContent.of(path), LocalContent.of(data)
    assert from_file.sha256 == from_bytes.sha256 == hashlib.sha256(data).hexdigest()
    assert from_file.md5 == from_bytes.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert from_file.multipart_etag(5 * MIB) == from_bytes.multipart_etag(5 * MIB) == multipart_etag_of(data, 5 * MIB)


@pytest.mark.parametrize("change", [b"grown by a byte", b""])
def test_a_file_that_changed_size_after_it_was_listed_is_refused(tmp_path: Path, change: bytes) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"listed content")
    content = LocalContent.of(path)
    path.write_bytes(b"listed content" + change if change else b"short")
    with pytest.raises(SourceError, match=r"f\.bin: changed while it was read \(14 bytes when listed"):
        _ = content.sha256
    with pytest.raises(SourceError, match="changed while it was read"):
        content.loaded()


def test_loaded_content_is_read_once_and_keeps_its_label(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"hello")
    loaded = LocalContent.of(path).loaded()
    path.unlink()  # hashed from memory from now on
    assert loaded.source == b"hello" and loaded.label == str(path)
    assert loaded.sha256 == hashlib.sha256(b"hello").hexdigest()
    assert loaded.loaded() is loaded


def test_an_unreadable_file_is_a_source_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "gone.bin"
    path.write_bytes(b"x")
    content = LocalContent.of(path)
    path.unlink()
    with pytest.raises(SourceError, match=r"gone\.bin: cannot be read"):
        _ = content.md5
