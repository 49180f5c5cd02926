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

from collections.abc import Mapping

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
from awsstate.providers.memory_objects import InMemoryObjects
from awsstate.providers.throttle import ServiceThrottle
from awsstate.providers.world import Record, World, copy_json
from awsstate.spec import KindSpec, ResourceRef

__all__ = ["InMemoryProvider", "Record", "World", "copy_json"]


class InMemoryProvider(InMemoryObjects, Provider):
    """A provider backed by a :class:`World` in memory. Inject it in tests::

        provider = InMemoryProvider()
        manager = S3BucketManager(provider=provider)

    Args:
        world: the fake AWS to serve (a new empty one by default).
        region: the default region for regional resources whose desired model names none.
        consistency: lag like AWS does (NotFound right after a create, stale reads after a write),
            counted in calls so tests are deterministic; see :class:`EventualConsistency`.
            Default: none, every read sees every write at once.
        throttle: requests per second per service (``{"s3": 200}``) above which calls are refused
            with ``ThrottledError``, as AWS throttles (see :mod:`awsstate.providers.throttle`).
    """

    def __init__(self, world: World | None = None, *, region: str = "us-east-1",
                 consistency: EventualConsistency | None = None, throttle: Mapping[str, float] | None = None) -> None:
        self.world = world if world is not None else World()
        self.region = region
        self.consistency = consistency
        self._lag = ConsistencyLag(consistency) if consistency is not None else None
        self.throttle = ServiceThrottle(throttle) if throttle else None

    def __repr__(self) -> str:
        return f"InMemoryProvider(region={self.region!r}, world={self.world!r})"

    @property
    def default_region(self) -> str | None:
        """The region used when a regional desired model names none."""
        return self.region

    def identity(self, region: str | None) -> tuple[str, str]:
        """The fake account: ``(partition of region, world.account_id)``."""
        from awsstate.providers.aws.partitions import partition_of  # botocore's data file, not boto3

        return partition_of(region or self.region).id, self.world.account_id

    def list_tagged(self, spec: KindSpec, region: str | None, key: str, value: str) -> list[str]:
        """This account's resources of ``spec`` (in ``region`` for regional kinds) tagged ``key=value``."""
        found = []
        for record in self._listed(spec):
            tags = record.aspects.get("tags")
            if not isinstance(tags, dict) or tags.get(key) != value:
                continue
            if spec.regional and region is not None and record.region != region:
                continue
            found.append(record.name)
        return sorted(found)

    def list_names(self, spec: KindSpec, region: str | None, prefix: str | None = None) -> list[str]:
        """This account's resources of ``spec`` (in ``region`` for regional kinds), by name prefix."""
        self._throttled(spec.ref("*", region), "list_names")
        return sorted(record.name for record in self._listed(spec)
                      if (not spec.regional or region is None or record.region == region)
                      and (prefix is None or record.name.startswith(prefix)))

    def _listed(self, spec: KindSpec) -> list[Record]:
        """This account's resources of ``spec`` that a listing shows (not those scheduled for deletion)."""
        return [record for record in self.world.records(spec.kind) if record.account_id == self.world.account_id
                and not (spec.gone is not None and spec.gone(record.attributes))]

    def _throttled(self, ref: ResourceRef, operation: str) -> None:
        if self.throttle is not None:
            self.throttle.check(ref, operation)

    def _find(self, ref: ResourceRef) -> Record | None:
        with self.world.lock:
            own: Record | None = self.world.lookup(ref.spec, ref.name, ref.region)
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
        self._throttled(ref, "read_existence")
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
        self._throttled(ref, "read_aspect")
        ref.spec.aspect(aspect)
        with self.world.lock:
            found = self.world.lookup(ref.spec, ref.name, ref.region)  # the common case: one's own, at once
            mine = found is not None and found.account_id == self.world.account_id and self._lag is None
            record = found if mine and found is not None else self._own(ref, "read_aspect", aspect)
            value = record.aspects.get(aspect)
            if self._lag is not None:
                value = self._lag.read(record.ref, aspect, value)
            return value

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """Create a resource; new resources start with real AWS's defaults."""
        self._throttled(ref, "create")
        spec = ref.spec
        with self.world.lock:
            existing = self._find(ref)
            restored: dict[str, Json] = {}
            replaces: Json = None
            if existing is not None and spec.gone is not None and spec.gone(existing.attributes):
                # Scheduled for deletion: AWS restores it (keeping what identifies it) or makes a new one.
                self.world.remove(existing)
                replaces = existing.attributes.get(spec.identity.physical_id)
                if spec.fake.recreate == "restore":
                    marks = spec.fake.soft_delete({}) if spec.fake.soft_delete is not None else None
                    restored = {k: v for k, v in existing.attributes.items() if k not in (marks or {})}
                existing = None
            if existing is not None:
                if existing.account_id != self.world.account_id:
                    raise NameTakenError("the name is owned by another AWS account", kind=ref.kind,
                                         name=ref.name, operation="create", code="BucketAlreadyExists")
                if not spec.create_mismatches(params, {**existing.attributes, **existing.aspects}):
                    return Receipt()  # what this create makes is there: an earlier attempt whose answer was lost
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
            if spec.fake.create_attributes is not None:  # told what it replaces, so a new key gets a new id
                record.attributes.update(spec.fake.create_attributes({**record.attributes, "replaces": replaces}))
            record.attributes.update(restored)
            if spec.fake.create_aspects is not None:  # with the record's attributes (region, account) too
                record.aspects.update(spec.fake.create_aspects({**record.attributes, **params}))
            self.world.add(record)
            if self._lag is not None:
                self._lag.created(record.ref)
        return Receipt()

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        """Set one aspect, refusing what real AWS refuses (the kind's ``Fake.checks``)."""
        self._throttled(ref, "write_aspect")
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
        self._throttled(ref, "delete")
        with self.world.lock:
            found = self._find(ref)
            if found is None or (ref.spec.gone is not None and ref.spec.gone(found.attributes)):
                return Receipt()  # already gone: deleted by an earlier attempt whose answer was lost
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
            marks = ref.spec.fake.soft_delete(ref.options) if ref.spec.fake.soft_delete is not None else None
            if marks is not None:
                record.attributes.update(marks)  # scheduled: still there, and counted as gone
            else:
                self.world.remove(record)
        return Receipt()

    def _check_references(self, ref: ResourceRef, aspect: str, value: Json, operation: str) -> None:
        # Real AWS refuses to point at something that does not exist (IAM: NoSuchEntity).
        reference = ref.spec.fake.references.get(aspect)
        if reference is None:
            return
        by_name = reference.by == "name"
        known = {r.name if by_name else r.attributes.get("arn") for r in self.world.records(reference.kind)}
        for named in _arns(value, reference.key):
            if named not in known:
                raise InvalidRequestError(
                    f"{named} does not exist", kind=ref.kind, name=ref.name, aspect=aspect, operation=operation,
                    code=reference.code,
                    hint=f"Create the {reference.kind} first, or correct the {'name' if by_name else 'ARN'} in "
                         f"{aspect}.",
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
