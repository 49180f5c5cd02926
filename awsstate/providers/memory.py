"""The in-memory provider: a faithful fake of AWS for tests, with no network.

One :class:`World` is one fake AWS: an account, its regions, and the global S3 namespace
(including names owned by *other* accounts). :class:`InMemoryProvider` serves every kind from the
kinds' declarations alone: the spec travels with each :class:`~awsstate.spec.ResourceRef`, and
everything the fake needs (AWS's defaults, the writes AWS refuses, references between resources,
what a resource holds inside) is the kind's :class:`~awsstate.spec.Fake` and
:class:`~awsstate.spec.Contents`. New resources start with what real AWS gives them, which is not
always what moto gives (a new S3 bucket has SSE-S3 encryption and a full public access block on
AWS and in this fake, and neither in moto).

Values are copied when they are written and shared when they are read (awsstate never changes
a value in place): treat what a read returns as read-only.

Tests change the world out-of-band through :meth:`World.set_aspect` (drift), :meth:`World.claim`
(a name owned by another account) and :meth:`World.contents` (a bucket's objects).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from awsstate.canonical import Json
from awsstate.errors import (
    AccessDeniedError,
    AlreadyExistsError,
    InvalidRequestError,
    NameTakenError,
    NotFoundError,
)
from awsstate.providers.base import Existence, Provider, Receipt
from awsstate.providers.consistency import ConsistencyLag, EventualConsistency
from awsstate.spec import DesiredModel, FakeContents, KindSpec, ResourceRef

__all__ = ["InMemoryProvider", "Record", "World", "copy_json"]

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


class InMemoryProvider(Provider):
    """A provider backed by a :class:`World` in memory. Inject it in tests::

        provider = InMemoryProvider()
        manager = S3BucketManager(provider=provider)

    Args:
        world: the fake AWS to serve (a new empty one by default).
        region: the default region for regional resources whose desired model names none.
        consistency: lag like AWS does (NotFound right after a create, stale reads after a write),
            counted in calls so tests are deterministic; see :class:`EventualConsistency`.
            Default: none, every read sees every write at once.
    """

    def __init__(self, world: World | None = None, *, region: str = "us-east-1",
                 consistency: EventualConsistency | None = None) -> None:
        self.world = world if world is not None else World()
        self.region = region
        self.consistency = consistency
        self._lag = ConsistencyLag(consistency) if consistency is not None else None

    def __repr__(self) -> str:
        return f"InMemoryProvider(region={self.region!r}, world={self.world!r})"

    @property
    def default_region(self) -> str | None:
        """The region used when a regional desired model names none."""
        return self.region

    def _find(self, ref: ResourceRef) -> Record | None:
        with self.world.lock:
            own = self.world.lookup(ref.spec, ref.name, ref.region)
            if own is None and ref.spec.scope == "global":
                own = next((r for r in self.world.records(ref.kind)
                            if r.name == ref.name and r.account_id != self.world.account_id), None)
        return own

    def _own(self, ref: ResourceRef, operation: str, aspect: str | None = None, *, lagging: bool = True) -> Record:
        record = self._find(ref)
        if record is None:
            raise NotFoundError(f"does not exist{self._where(ref)}", kind=ref.kind, name=ref.name,
                                aspect=aspect, operation=operation, code="NotFound")
        if record.account_id != self.world.account_id:
            raise self._denied(ref, operation, aspect)
        if lagging and self._lag is not None and self._lag.hidden(record.ref):
            # Eventual consistency: right after a create, AWS may not know the resource yet.
            raise NotFoundError("does not exist (yet: eventual consistency)", kind=ref.kind, name=ref.name,
                                aspect=aspect, operation=operation, code="NotFound")
        return record

    @staticmethod
    def _where(ref: ResourceRef) -> str:
        return f" in {ref.region}" if ref.region else ""

    @staticmethod
    def _denied(ref: ResourceRef, operation: str, aspect: str | None) -> AccessDeniedError:
        # Real AWS answers 403 for another account's bucket: the name exists but is not yours.
        return AccessDeniedError(
            "access denied: the name exists but belongs to another account", kind=ref.kind, name=ref.name,
            aspect=aspect, operation=operation, code="AccessDenied",
            hint="Bucket names are global: choose another name, or use the owning account's credentials.",
        )

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """The resource's attributes and carried aspects, or ``None`` when it does not exist."""
        with self.world.lock:
            record = self._find(ref)
            if record is None:
                return None
            if record.account_id != self.world.account_id:
                raise self._denied(ref, "read_existence", None)
            lag = self._lag
            if lag is not None and lag.hidden(record.ref):
                return None
            existence: Existence = dict(record.attributes)
            for name in ref.spec.carried:
                value = record.aspects.get(name)
                existence[name] = lag.read(record.ref, name, value) if lag is not None else value
            return existence

    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """One aspect's current value."""
        ref.spec.aspect(aspect)
        with self.world.lock:
            record = self._own(ref, "read_aspect", aspect)
            value = record.aspects.get(aspect)
            if self._lag is not None:
                value = self._lag.read(record.ref, aspect, value)
            return value

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """Create a resource; new resources start with real AWS's defaults."""
        spec = ref.spec
        with self.world.lock:
            existing = self._find(ref)
            if existing is not None:
                if existing.account_id != self.world.account_id:
                    raise NameTakenError("the name is owned by another AWS account", kind=ref.kind,
                                         name=ref.name, operation="create", code="BucketAlreadyExists")
                raise AlreadyExistsError(f"already exists{self._where(existing.ref)}", kind=ref.kind,
                                         name=ref.name, operation="create", code="AlreadyOwnedByYou")
            record = self.world.new_record(spec, ref.name, ref.region if spec.regional else None,
                                           self.world.account_id)
            for key, value in params.items():
                if key in record.aspects:
                    self._check_references(ref, key, value, "create")
                    record.aspects[key] = copy_json(value)
                else:
                    record.attributes[key] = copy_json(value)
            if spec.fake.create_attributes is not None:
                record.attributes.update(spec.fake.create_attributes(record.attributes))
            if spec.fake.create_aspects is not None:
                record.aspects.update(spec.fake.create_aspects(params))
            self.world.add(record)
            if self._lag is not None:
                self._lag.created(record.ref)
        return Receipt()

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """Set one aspect, refusing what real AWS refuses (the kind's ``Fake.checks``)."""
        ref.spec.aspect(aspect)
        with self.world.lock:
            record = self._own(ref, "write_aspect", aspect)
            self._check_references(ref, aspect, value, "write_aspect")
            check = ref.spec.fake.checks.get(aspect)
            if check is not None:
                problem = check(record.aspects.get(aspect), value, record.aspects)
                if problem:
                    raise InvalidRequestError(problem, kind=ref.kind, name=ref.name, aspect=aspect,
                                              operation="write_aspect", code="InvalidRequest")
            if self._lag is not None:
                self._lag.written(record.ref, aspect, record.aspects.get(aspect))
            record.aspects[aspect] = copy_json(value)
        return Receipt()

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """Delete a resource; one with contents (a non-empty bucket) needs ``force``."""
        with self.world.lock:
            record = self._own(ref, "delete", lagging=False)
            summary = record.contents.summary() if record.contents is not None else None
            if summary and not force:
                what = ref.spec.contents.describe if ref.spec.contents is not None else "its contents"
                raise InvalidRequestError(
                    f"not empty ({summary})", kind=ref.kind, name=ref.name, operation="delete", code="BucketNotEmpty",
                    hint=f"Empty it first, or set force_destroy=True to delete {what} with it.",
                )
            refusal = ref.spec.fake.refuse_delete(record.aspects) if ref.spec.fake.refuse_delete else None
            if refusal is not None:
                raise InvalidRequestError(refusal[1], kind=ref.kind, name=ref.name, aspect=refusal[0],
                                          operation="delete", code="InvalidOperationException", hint="")
            self._check_unreferenced(ref, record)
            if record.contents is not None:
                record.contents.clear()
            self.world.remove(record)
        return Receipt()

    def _check_references(self, ref: ResourceRef, aspect: str, value: Json, operation: str) -> None:
        # Real AWS refuses to point at something that does not exist (IAM: NoSuchEntity).
        reference = ref.spec.fake.references.get(aspect)
        if reference is None:
            return
        known = {r.attributes.get("arn") for r in self.world.records(reference.kind)}
        for arn in _arns(value, reference.key):
            if arn not in known:
                raise InvalidRequestError(
                    f"{arn} does not exist", kind=ref.kind, name=ref.name, aspect=aspect, operation=operation,
                    code="NoSuchEntity",
                    hint=f"Create the {reference.kind} first, or correct the ARN in {aspect}.",
                )

    def _check_unreferenced(self, ref: ResourceRef, record: Record) -> None:
        # Real AWS refuses to delete what is still in use (IAM: DeleteConflict on an attached policy).
        arn = record.attributes.get("arn")
        users = []
        for other in self.world.records():
            for aspect, reference in other.spec.fake.references.items():
                if (reference.kind == ref.kind and reference.blocks_delete
                        and arn in _arns(other.aspects.get(aspect), reference.key)):
                    users.append((other, aspect))
        if users:
            named = ", ".join(f"{other.kind} {other.name!r} ({aspect})" for other, aspect in users)
            raise InvalidRequestError(
                f"still in use by {named}", kind=ref.kind, name=ref.name, operation="delete", code="DeleteConflict",
                hint=f"Remove {arn} from {', '.join(sorted({aspect for _, aspect in users}))} of those resources "
                     "(apply them), then delete this one.",
            )


def _arns(value: Json, key: str = "") -> list[str]:
    if key:
        return _arns(value.get(key)) if isinstance(value, dict) else []
    if isinstance(value, str) and value:
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
