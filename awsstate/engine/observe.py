"""Observe: existence first, then only the managed aspects, read concurrently where it pays.

The existence read names where the resource really is (reads and writes then go to that region)
and carries the aspects whose values come with it (``Aspect.carried``). The other managed aspects
are one read each; on a networked provider they are read in parallel (bounded by
``provider.parallel_reads``), so a plan's latency is about two round trips whatever the number of
aspects, while the number of calls stays exactly as budgeted.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from awsstate.canonical import Json
from awsstate.errors import NotFoundError, NotSupportedError
from awsstate.plan import Observation
from awsstate.providers.base import Existence, Provider
from awsstate.spec import Aspect, DesiredModel, KindSpec, ResourceRef

__all__ = ["observe", "read_aspects", "read_carried", "read_one", "split_existence"]


def split_existence(spec: KindSpec, existence: Existence) -> tuple[dict[str, Json], dict[str, Json]]:
    """Separate plain attributes from the aspects the existence read carries."""
    carried = spec.carried
    attributes = {k: v for k, v in existence.items() if k not in carried}
    return attributes, {k: existence.get(k) for k in carried}


def _located(spec: KindSpec, ref: ResourceRef, existence: Existence) -> ResourceRef:
    region = existence.get("region")
    if spec.regional and isinstance(region, str) and region != ref.region:
        return ref.at(region)  # read and write where it really is
    return ref


def observe(provider: Provider, spec: KindSpec, ref: ResourceRef, aspects: Sequence[Aspect], *,
            skip_unsupported: bool = False) -> tuple[Observation, ResourceRef]:
    """What is there: existence, attributes and the given aspects; and where the resource is.

    ``skip_unsupported``: an aspect the backend cannot read (:class:`~awsstate.errors.NotSupportedError`,
    an emulator without the call) is left out instead of failing (``get`` reads every aspect).
    """
    sensitive = tuple(a.name for a in aspects if a.sensitive)
    existence = provider.read_existence(ref)
    if existence is None or (spec.gone is not None and spec.gone(existence)):
        return Observation.model_construct(exists=False, region=ref.region, attributes={}, aspects={},
                                           sensitive=sensitive), ref
    ref = _located(spec, ref, existence)
    attributes, carried = split_existence(spec, existence)
    read = read_aspects(provider, ref, [a for a in aspects if not a.carried], skip_unsupported=skip_unsupported)
    values = {a.name: carried[a.name] if a.carried else read[a.name] for a in aspects
              if a.carried or a.name in read}
    return Observation.model_construct(exists=True, region=ref.region, attributes=attributes, aspects=values,
                                       sensitive=sensitive), ref


_UNSUPPORTED: Any = object()


def read_aspects(provider: Provider, ref: ResourceRef, aspects: Sequence[Aspect], *,
                 skip_unsupported: bool = False) -> dict[str, Json]:
    """One read per aspect; concurrent (bounded) when the provider has latency."""

    def read(name: str) -> Json:
        try:
            return provider.read_aspect(ref, name)
        except NotSupportedError:
            if not skip_unsupported:
                raise
            return _UNSUPPORTED  # type: ignore[no-any-return]

    width = min(provider.parallel_reads, len(aspects))
    if width <= 1:
        values = {a.name: read(a.name) for a in aspects}
    else:
        with ThreadPoolExecutor(max_workers=width, thread_name_prefix="awsstate-read") as pool:
            futures = {a.name: pool.submit(read, a.name) for a in aspects}
            values = {name: future.result() for name, future in futures.items()}
    return {name: value for name, value in values.items() if value is not _UNSUPPORTED}


def read_one(provider: Provider, spec: KindSpec, ref: ResourceRef, aspect: Aspect) -> Json:
    """One aspect's current value: from the existence read when it carries it."""
    if not aspect.carried:
        return provider.read_aspect(ref, aspect.name)
    existence = provider.read_existence(ref)
    if existence is None:
        raise NotFoundError("does not exist", kind=ref.kind, name=ref.name, aspect=aspect.name)
    return split_existence(spec, existence)[1][aspect.name]


def read_carried(provider: Provider, spec: KindSpec, ref: ResourceRef, desired: DesiredModel,
                 observation: Observation) -> Observation:
    """For a replace: ``observation`` plus the aspects the replace carries over
    (``KindSpec.carry_on_replace``) that the desired model does not manage: one existence read for
    those it carries, one read each for the others. Read only when a replace is planned."""
    missing = [spec.aspect(name) for name in spec.carry_on_replace if name not in observation.aspects]
    if not observation.exists or not missing or desired.state == "absent":
        return observation
    values: dict[str, Json] = {}
    if any(a.carried for a in missing):
        existence = provider.read_existence(ref)
        if existence is not None:
            carried = split_existence(spec, existence)[1]
            values.update({a.name: carried[a.name] for a in missing if a.carried})
    values.update(read_aspects(provider, ref, [a for a in missing if not a.carried], skip_unsupported=True))
    return observation.model_copy(update={"aspects": {**observation.aspects, **values}})
