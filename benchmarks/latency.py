"""A provider wrapper that makes every call take a fixed time, as a network round trip would."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from awsstate.providers.base import Provider, ProviderCall, WrappingProvider

T = TypeVar("T")


class DelayedProvider(WrappingProvider):
    """Wraps ``inner``; every call sleeps ``latency`` seconds first (a real sleep).

    ``parallel_reads`` is what a networked provider allows (AwsProvider's default is 16).
    """

    def __init__(self, inner: Provider, latency: float, *, parallel_reads: int = 16) -> None:
        super().__init__(inner)
        self.latency = latency
        self._parallel = parallel_reads

    @property
    def parallel_reads(self) -> int:
        """As many reads in flight as a networked provider allows."""
        return self._parallel

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        """Sleep, then make the call."""
        time.sleep(self.latency)
        return proceed()
