"""The fake AWS world behind the in-memory provider: an account, its resources, and names
owned by other accounts (see :mod:`awsstate.providers.memory`)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from awsstate.canonical import Json
from awsstate.spec import DesiredModel, FakeContents, KindSpec, ResourceRef

__all__ = ["DEFAULT_ACCOUNT_ID", "OTHER_ACCOUNT_ID", "Record", "World", "copy_json"]

DEFAULT_ACCOUNT_ID = "123456789012"
OTHER_ACCOUNT_ID = "210987654321"


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON value (much cheaper than ``copy.deepcopy``)."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


@dataclass
class Record:
    """One resource in the fake world."""

    spec: KindSpec = field(repr=False)
    name: str
    region: str | None
    account_id: str
    attributes: dict[str, Json]
    aspects: dict[str, Json]
    contents: FakeContents | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.contents is None and self.spec.contents is not None and self.spec.contents.fake is not None:
            self.contents = self.spec.contents.fake(self.aspects)

    @property
    def kind(self) -> str:
        """The resource's kind."""
        return self.spec.kind

    @property
    def ref(self) -> ResourceRef:
        """A reference to this resource."""
        return ResourceRef(self.spec, self.name, self.region)


def _key(spec: KindSpec, name: str, region: str | None, account_id: str) -> tuple[str, ...]:
    if spec.scope == "global":
        return (spec.kind, name)
    if spec.scope == "account":
        return (spec.kind, account_id, name)
    return (spec.kind, account_id, region or "", name)


def _spec_of(kind: KindSpec | type[DesiredModel]) -> KindSpec:
    return kind if isinstance(kind, KindSpec) else kind.kind_spec


class World:
    """A fake AWS: one account (``account_id``) plus names owned by other accounts.

    Thread-safe; shared by every :class:`InMemoryProvider` built on it.
    """

    def __init__(self, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
        self.account_id = account_id
        self._records: dict[tuple[str, ...], Record] = {}
        self._specs: dict[str, KindSpec] = {}
        self.lock = threading.RLock()

    def __repr__(self) -> str:
        return f"World(account_id={self.account_id!r}, resources={len(self._records)})"

    def lookup(self, spec: KindSpec, name: str, region: str | None, account_id: str | None = None) -> Record | None:
        """The record of a resource, by its spec (what providers use)."""
        return self._records.get(_key(spec, name, region, account_id or self.account_id))

    def find(self, kind: str, name: str, region: str | None = None, account_id: str | None = None) -> Record | None:
        """The record for a resource, or ``None``. ``region`` matters for regional scopes only."""
        with self.lock:
            spec = self._specs.get(kind)
            return None if spec is None else self.lookup(spec, name, region, account_id)

    def records(self, kind: str | None = None) -> list[Record]:
        """Every resource in the world (optionally of one kind), in creation order."""
        with self.lock:
            return [r for r in self._records.values() if kind is None or r.kind == kind]

    def require(self, kind: str, name: str, region: str | None = None) -> Record:
        """Like :meth:`find`, but a missing resource raises ``LookupError``."""
        record = self.find(kind, name, region)
        if record is None:
            raise LookupError(f"no {kind} {name!r} in the in-memory world")
        return record

    def set_aspect(self, kind: str, name: str, aspect: str, value: Json, region: str | None = None) -> None:
        """Change an aspect out-of-band, as another tool or a person would (drift)."""
        with self.lock:
            record = self.require(kind, name, region)
            record.spec.aspect(aspect)  # refuse unknown aspect names
            record.aspects[aspect] = copy_json(value)

    def contents(self, kind: str, name: str, region: str | None = None) -> Any:
        """What the resource holds (a bucket's objects: ``put_object``, ``delete_object`` ...)."""
        record = self.require(kind, name, region)
        if record.contents is None:
            raise LookupError(f"{kind} resources hold no contents in the in-memory world")
        return record.contents

    def add(self, record: Record) -> None:
        """Insert a record (used by the provider, and by tests to pre-populate the world)."""
        with self.lock:
            self._specs[record.kind] = record.spec
            self._records[_key(record.spec, record.name, record.region, record.account_id)] = record

    def remove(self, record: Record) -> None:
        """Remove a record."""
        with self.lock:
            self._records.pop(_key(record.spec, record.name, record.region, record.account_id), None)

    def new_record(self, spec: KindSpec, name: str, region: str | None, account_id: str) -> Record:
        """A resource as AWS creates it: derived attributes and AWS's defaults."""
        return Record(spec=spec, name=name, region=region, account_id=account_id,
                      attributes=spec.derive(name, region, account_id),
                      aspects={a.name: copy_json(spec.fake.defaults.get(a.name)) for a in spec.aspects})

    def claim(self, kind: KindSpec | type[DesiredModel], name: str, region: str = "us-east-1",
              account_id: str = OTHER_ACCOUNT_ID) -> Record:
        """Create a resource owned by another account (a taken global name, for S3 buckets).

        ``kind`` is the kind's spec or its Desired model class (``world.claim(S3BucketDesired, "taken")``).
        """
        spec = _spec_of(kind)
        record = self.new_record(spec, name, region if spec.regional else None, account_id)
        self.add(record)
        return record
