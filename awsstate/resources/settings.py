"""Nested configuration models and set-valued aspects: the two merge rules every kind shares.

**Unset means unmanaged, at every depth.** A nested configuration model (an S3 bucket's
:class:`~awsstate.resources.s3_bucket.PublicAccessBlock`, an encryption setting, a queue's
redrive policy ...) derives from :class:`Settings`. A sub-field you leave unset is *unmanaged*:
on an existing resource it keeps what is there (the write is read-modify-write, because AWS
replaces the whole configuration in one call), and on a new resource it takes AWS's default
(the default the model declares). A sub-field you give, even with its default value, is written.
Pydantic's ``model_fields_set`` tells the two apart, and dumps and reprs show only what was given,
so ``Model.model_validate(model.model_dump())`` means the same thing again.

**Set-valued aspects are keyed by member** (tags by key, attached policies by ARN, subscriptions
by protocol and endpoint, lifecycle rules by id). Each has a ``purge_<aspect>`` flag on its
Desired model: ``True`` (the default) makes the given members the complete set; ``False`` only
ensures them and leaves other members alone. :func:`member_merge` is the one implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, model_serializer
from pydantic_core.core_schema import SerializerFunctionWrapHandler

from awsstate.canonical import Json

__all__ = ["MemberMerge", "Settings", "member_merge", "overlay", "purge", "settings_value"]


class Settings(BaseModel):
    """Base of nested configuration models: a sub-field left unset is unmanaged.

    Unset sub-fields keep what the resource has; on a new resource they take AWS's default (the
    field's default here). Explicit values, defaults included, are written. ``model_dump()`` and
    ``repr`` hold only the sub-fields that were given.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_serializer(mode="wrap")
    def _only_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        dumped: dict[str, Any] = handler(self)
        given = self.model_fields_set
        return {key: value for key, value in dumped.items() if key in given}

    def __repr_args__(self) -> Any:
        given = self.model_fields_set
        return [(key, value) for key, value in super().__repr_args__() if key in given]

    def given(self, *names: str) -> bool:
        """Whether any of the sub-fields ``names`` was given."""
        return any(name in self.model_fields_set for name in names)


def settings_value(value: Settings) -> dict[str, Json]:
    """The canonical JSON of the sub-fields given (explicit ``None`` included: it means "none")."""
    dumped: dict[str, Json] = value.model_dump(mode="json")
    return dumped


def overlay(wanted: Json, observed: Json, new: Mapping[str, Json]) -> dict[str, Json]:
    """Read-modify-write: the given sub-fields over what is there (``new``: AWS's default for a
    resource or configuration that does not exist yet)."""
    base = observed if isinstance(observed, dict) else new
    given = wanted if isinstance(wanted, dict) else {}
    return {**base, **given}


def purge(desired: Any, aspect: str) -> bool:
    """The ``purge_<aspect>`` flag of a desired model (``True`` when the model has none)."""
    return getattr(desired, f"purge_{aspect}", True) is not False


class MemberMerge:
    """The merge of a set-valued aspect, honouring ``purge_<aspect>`` (``Aspect.merge``).

    Values are a mapping (member key -> member: tags, inline policies) when ``key`` is ``None``,
    else a list of members whose key is ``key(member)``. The result holds the wanted members
    (``combine(wanted_member, observed_member)`` when the member exists already: a subscription
    keeps the attributes it was not given), plus, without purge, every observed member not
    wanted, and always the observed members ``keep(key, member)`` says are not the user's to
    remove (``aws:`` tags, subscriptions awaiting confirmation). ``prepare(wanted, observed)``
    runs first (a lifecycle rule without an id adopts an existing one's), ``finish(result)`` last
    (a canonical order).
    """

    def __init__(
        self,
        aspect: str,
        *,
        key: Callable[[Json], str] | None = None,
        keep: Callable[[str, Json], bool] | None = None,
        combine: Callable[[Json, Json], Json] | None = None,
        prepare: Callable[[Json, Json], Json] | None = None,
        finish: Callable[[Json], Json] | None = None,
    ) -> None:
        self.aspect = aspect
        self.purge_field = f"purge_{aspect}"
        self.key = key
        self.keep = keep
        self.combine = combine
        self.prepare = prepare
        self.finish = finish

    def __repr__(self) -> str:
        return f"MemberMerge({self.aspect!r})"

    def _kept(self, name: str, member: Json, purging: bool) -> bool:
        return not purging or (self.keep is not None and self.keep(name, member))

    def __call__(self, wanted: Json, observed: Json, desired: Any) -> Json:
        """The set to hold after apply."""
        if self.prepare is not None:
            wanted = self.prepare(wanted, observed)
        purging = purge(desired, self.aspect)
        result: Json = self._by_name(wanted, observed, purging) if self.key is None else \
            self._by_key(self.key, wanted, observed, purging)
        return self.finish(result) if self.finish is not None else result

    def _by_name(self, wanted: Json, observed: Json, purging: bool) -> Json:
        want = wanted if isinstance(wanted, dict) else {}
        have = observed if isinstance(observed, dict) else {}
        result: dict[str, Json] = {name: member for name, member in have.items()
                                   if name not in want and self._kept(name, member, purging)}
        for name, member in want.items():
            result[name] = self.combine(member, have[name]) if self.combine is not None and name in have else member
        return dict(sorted(result.items()))

    def _by_key(self, key: Callable[[Json], str], wanted: Json, observed: Json, purging: bool) -> Json:
        members = [m for m in wanted if m is not None] if isinstance(wanted, list) else []
        existing = {key(m): m for m in observed} if isinstance(observed, list) else {}
        wanted_keys = {key(m) for m in members}
        merged: list[Json] = []
        for member in members:
            current = existing.get(key(member))
            merged.append(self.combine(member, current) if self.combine is not None and current is not None
                          else member)
        merged.extend(member for name, member in existing.items()
                      if name not in wanted_keys and self._kept(name, member, purging))
        return merged


def member_merge(aspect: str, **options: Any) -> MemberMerge:
    """A :class:`MemberMerge` for ``aspect`` (see it for the options)."""
    return MemberMerge(aspect, **options)
