"""A provider wrapper that makes every call take a fixed time, as a network round trip would."""

from __future__ import annotations

import time
from collections.abc import Mapping

from awsstate.canonical import Json
from awsstate.providers.base import Existence, Provider, Receipt
from awsstate.spec import ResourceRef


class DelayedProvider(Provider):
    """Wraps ``inner``; every call sleeps ``latency`` seconds first (a real sleep)."""

    def __init__(self, inner: Provider, latency: float) -> None:
        self.inner = inner
        self.latency = latency

    @property
    def default_region(self) -> str | None:
        return self.inner.default_region

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        time.sleep(self.latency)
        return self.inner.read_existence(ref)

    def read_aspect(self, ref: ResourceRef, aspect: str) -> Json:
        time.sleep(self.latency)
        return self.inner.read_aspect(ref, aspect)

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        time.sleep(self.latency)
        return self.inner.create(ref, params)

    def write_aspect(self, ref: ResourceRef, aspect: str, value: Json) -> Receipt:
        time.sleep(self.latency)
        return self.inner.write_aspect(ref, aspect, value)

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        time.sleep(self.latency)
        return self.inner.delete(ref, force=force)
