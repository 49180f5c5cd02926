"""The in-memory provider: a faithful fake of AWS for tests, with no network.

One :class:`World` is one fake AWS: an account, its regions, and the global S3 namespace
(including names owned by *other* accounts). :class:`InMemoryProvider` serves every registered
kind from the kinds' declarations alone (:class:`awsstate.spec.KindSpec`): new resources start
with what real AWS gives them (``Aspect.aws_default``), which is not always what moto gives
(for example a new S3 bucket has SSE-S3 encryption and a full public access block on AWS and in
this fake, and neither in moto).

Tests change the world out-of-band through :meth:`World.set_aspect` (drift),
:meth:`World.claim` (a name owned by another account) and :meth:`World.put_object`.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

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
from awsstate.registry import kind_spec
from awsstate.spec import KindSpec, ResourceRef

__all__ = ["InMemoryProvider", "Record", "World"]

DEFAULT_ACCOUNT_ID = "123456789012"
OTHER_ACCOUNT_ID = "210987654321"


@dataclass
class Record:
    """One resource in the fake world."""

    kind: str
    name: str
    region: str | None
    account_id: str
    attributes: dict[str, Json]
    aspects: dict[str, Json]
    objects: dict[str, bytes] = field(default_factory=dict)
    versions: list[tuple[str, str]] = field(default_factory=list)
    """Noncurrent object versions and delete markers ``(key, version id)`` of a versioned bucket."""


def _key(spec: KindSpec, name: str, region: str | None, account_id: str) -> tuple[str, ...]:
    if spec.scope == "global":
        return (spec.kind, name)
    if spec.scope == "account":
        return (spec.kind, account_id, name)
    return (spec.kind, account_id, region or "", name)


class World:
    """A fake AWS: one account (``account_id``) plus names owned by other accounts.

    Thread-safe; shared by every :class:`InMemoryProvider` built on it.
    """

    def __init__(self, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
        self.account_id = account_id
        self._records: dict[tuple[str, ...], Record] = {}
        self.lock = threading.RLock()

    def __repr__(self) -> str:
        return f"World(account_id={self.account_id!r}, resources={len(self._records)})"

    def find(self, kind: str, name: str, region: str | None = None, account_id: str | None = None) -> Record | None:
        """The record for a resource, or ``None``. ``region`` matters for regional scopes only."""
        spec = kind_spec(kind)
        with self.lock:
            return self._records.get(_key(spec, name, region, account_id or self.account_id))

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
        kind_spec(kind).aspect(aspect)  # refuse unknown aspect names early
        with self.lock:
            self.require(kind, name, region).aspects[aspect] = copy.deepcopy(value)

    def add(self, record: Record) -> None:
        """Insert a record (used by the provider, and by tests to pre-populate the world)."""
        spec = kind_spec(record.kind)
        with self.lock:
            self._records[_key(spec, record.name, record.region, record.account_id)] = record

    def remove(self, record: Record) -> None:
        """Remove a record."""
        spec = kind_spec(record.kind)
        with self.lock:
            self._records.pop(_key(spec, record.name, record.region, record.account_id), None)

    def claim(self, kind: str, name: str, region: str = "us-east-1", account_id: str = OTHER_ACCOUNT_ID) -> Record:
        """Create a resource owned by another account (a taken global name, for S3 buckets)."""
        spec = kind_spec(kind)
        record = Record(
            kind=kind, name=name, region=region, account_id=account_id,
            attributes=spec.attributes(name, region, account_id),
            aspects={a.name: copy.deepcopy(a.aws_default) for a in spec.aspects},
        )
        self.add(record)
        return record

    def put_object(self, bucket: str, key: str, body: bytes = b"") -> None:
        """Put an object into a bucket (to test that non-empty buckets are not deleted). In a
        versioned bucket the object it replaces stays as a noncurrent version, as on AWS."""
        with self.lock:
            record = self.require("s3_bucket", bucket)
            if key in record.objects and record.aspects.get("versioning") == "Enabled":
                record.versions.append((key, f"v{len(record.versions) + 1}"))
            record.objects[key] = body

    def delete_object(self, bucket: str, key: str) -> None:
        """Delete an object; in a versioned bucket this leaves its version and a delete marker."""
        with self.lock:
            record = self.require("s3_bucket", bucket)
            if record.aspects.get("versioning") == "Enabled":
                if key in record.objects:
                    record.versions.append((key, f"v{len(record.versions) + 1}"))
                record.versions.append((key, f"marker{len(record.versions) + 1}"))
            record.objects.pop(key, None)


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

    def _find(self, ref: ResourceRef) -> tuple[KindSpec, Record | None]:
        spec = kind_spec(ref.kind)
        with self.world.lock:
            own = self.world.find(ref.kind, ref.name, ref.region)
            if own is None and spec.scope == "global":
                own = self._foreign(spec, ref)
        return spec, own

    def _foreign(self, spec: KindSpec, ref: ResourceRef) -> Record | None:
        for record in self.world.records(ref.kind):
            if record.name == ref.name and record.account_id != self.world.account_id:
                return record
        return None

    def _own(self, ref: ResourceRef, operation: str, aspect: str | None = None) -> Record:
        _, record = self._find(ref)
        if record is None:
            raise NotFoundError(f"does not exist{self._where(ref)}", kind=ref.kind, name=ref.name,
                                aspect=aspect, operation=operation, code="NotFound")
        if record.account_id != self.world.account_id:
            raise self._denied(ref, operation, aspect)
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

    def _check_visible(self, record: Record, operation: str, aspect: str) -> None:
        # Eventual consistency: right after a create, AWS may not know the resource yet.
        if self._lag is not None and self._lag.hidden(existing_ref(record)):
            raise NotFoundError("does not exist (yet: eventual consistency)", kind=record.kind, name=record.name,
                                aspect=aspect, operation=operation, code="NotFound")

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """The resource's attributes, or ``None`` when it does not exist."""
        _, record = self._find(ref)
        if record is None:
            return None
        if record.account_id != self.world.account_id:
            raise self._denied(ref, "read_existence", None)
        lag = self._lag
        if lag is not None and lag.hidden(existing_ref(record)):
            return None
        carried = {a.name: record.aspects.get(a.name) for a in kind_spec(ref.kind).aspects if a.in_existence}
        if lag is not None:
            carried = {name: lag.read(existing_ref(record), name, value) for name, value in carried.items()}
        return copy.deepcopy({**record.attributes, **carried})

    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        """One aspect's current value."""
        kind_spec(ref.kind).aspect(aspect)
        with self.world.lock:
            record = self._own(ref, "read_aspect", aspect)
            value = record.aspects.get(aspect)
            if self._lag is not None:
                self._check_visible(record, "read_aspect", aspect)
                value = self._lag.read(existing_ref(record), aspect, value)
            return copy.deepcopy(value)

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """Create a resource; new resources start with real AWS's defaults."""
        spec = kind_spec(ref.kind)
        with self.world.lock:
            _, existing = self._find(ref)
            if existing is not None:
                if existing.account_id != self.world.account_id:
                    raise NameTakenError("the name is owned by another AWS account", kind=ref.kind,
                                         name=ref.name, operation="create", code="BucketAlreadyExists")
                raise AlreadyExistsError(f"already exists{self._where(existing_ref(existing))}", kind=ref.kind,
                                         name=ref.name, operation="create", code="AlreadyOwnedByYou")
            region = ref.region if spec.regional else None
            attributes = spec.attributes(ref.name, region, self.world.account_id)
            aspects = {a.name: copy.deepcopy(a.aws_default) for a in spec.aspects}
            for key, value in params.items():
                if key in aspects:
                    self._check_references(spec, ref, key, value, "create")
                    aspects[key] = copy.deepcopy(value)
                else:
                    attributes[key] = copy.deepcopy(value)
            if spec.create_attributes is not None:
                attributes.update(spec.create_attributes(attributes))
            record = Record(kind=ref.kind, name=ref.name, region=region,
                            account_id=self.world.account_id, attributes=attributes, aspects=aspects)
            self.world.add(record)
            if self._lag is not None:
                self._lag.created(existing_ref(record))
        return Receipt()

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """Set one aspect, refusing what real AWS refuses (``Aspect.check_write``)."""
        declared = kind_spec(ref.kind).aspect(aspect)
        with self.world.lock:
            record = self._own(ref, "write_aspect", aspect)
            if self._lag is not None:
                self._check_visible(record, "write_aspect", aspect)
            self._check_references(kind_spec(ref.kind), ref, aspect, value, "write_aspect")
            if declared.check_write is not None:
                problem = declared.check_write(record.aspects.get(aspect), value)
                if problem:
                    raise InvalidRequestError(problem, kind=ref.kind, name=ref.name, aspect=aspect,
                                              operation="write_aspect", code="InvalidRequest")
            if self._lag is not None:
                self._lag.written(existing_ref(record), aspect, record.aspects.get(aspect))
            record.aspects[aspect] = copy.deepcopy(value)
        return Receipt()

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """Delete a resource; a non-empty bucket needs ``force``."""
        with self.world.lock:
            record = self._own(ref, "delete")
            if (record.objects or record.versions) and not force:
                raise InvalidRequestError(
                    f"not empty ({len(record.objects)} object(s), {len(record.versions)} other version(s) "
                    "and delete marker(s))", kind=ref.kind, name=ref.name,
                    operation="delete", code="BucketNotEmpty",
                    hint="Empty it first, or set force_destroy=True to delete every object with it.",
                )
            self._check_unreferenced(ref, record)
            self.world.remove(record)
        return Receipt()

    def _check_references(self, spec: KindSpec, ref: ResourceRef, aspect: str, value: Json, operation: str) -> None:
        # Real AWS refuses to point at something that does not exist (IAM: NoSuchEntity).
        reference = spec.aspect(aspect).references
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
            for aspect in kind_spec(other.kind).aspects:
                reference = aspect.references
                if (reference is not None and reference.kind == ref.kind and reference.blocks_delete
                        and arn in _arns(other.aspects.get(aspect.name), reference.key)):
                    users.append((other, aspect.name))
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


def existing_ref(record: Record) -> ResourceRef:
    """The reference of an existing record."""
    return ResourceRef(record.kind, record.name, record.region)
