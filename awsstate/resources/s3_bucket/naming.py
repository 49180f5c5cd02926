"""S3 general purpose bucket naming rules, as AWS documents and enforces them."""

from __future__ import annotations

import re

__all__ = ["validate_bucket_name"]

_ALLOWED = re.compile(r"^[a-z0-9.-]+\Z")
_IP_SHAPED = re.compile(r"^\d{1,3}(\.\d{1,3}){3}\Z")
# Reserved by AWS for access points, Object Lambda, S3 Express and S3 Tables.
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def validate_bucket_name(name: str) -> str:
    """Return ``name`` if AWS would accept it as a bucket name; else raise ``ValueError`` saying why."""
    if not 3 <= len(name) <= 63:
        raise ValueError(f"bucket name {name!r} is {len(name)} characters; it must be 3 to 63")
    if not _ALLOWED.match(name):
        raise ValueError(
            f"bucket name {name!r} may contain only lowercase letters, digits, dots and hyphens"
        )
    if not (name[0].isalnum() and name[-1].isalnum()):
        raise ValueError(f"bucket name {name!r} must begin and end with a letter or digit")
    if ".." in name:
        raise ValueError(f"bucket name {name!r} must not contain two adjacent dots")
    if ".-" in name or "-." in name:
        raise ValueError(f"bucket name {name!r} must not have a dot next to a hyphen")
    if _IP_SHAPED.match(name):
        raise ValueError(f"bucket name {name!r} must not be formatted as an IP address")
    for prefix in _RESERVED_PREFIXES:
        if name.startswith(prefix):
            raise ValueError(f"bucket name {name!r}: the prefix {prefix!r} is reserved by AWS")
    for suffix in _RESERVED_SUFFIXES:
        if name.endswith(suffix):
            raise ValueError(f"bucket name {name!r}: the suffix {suffix!r} is reserved by AWS")
    return name
