"""Throttling for the in-memory provider: refuse calls above a rate per service, as AWS does.

``InMemoryProvider(throttle={"s3": 200})`` answers any S3 call beyond 200 in the last second
with :class:`~awsstate.errors.ThrottledError` (code ``SlowDown``; ``Throttling`` for other
services), without making it. This is what lets a test prove that a large stack converges at
the service's pace with no throttling error reaching the user.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

from awsstate.errors import ThrottledError
from awsstate.spec import ResourceRef

__all__ = ["ServiceThrottle"]


class ServiceThrottle:
    """Counts calls per service over a sliding second; refuses those above the service's limit."""

    def __init__(self, limits: Mapping[str, float], clock: Callable[[], float] = time.monotonic) -> None:
        for service, limit in limits.items():
            if limit <= 0:
                raise ValueError(f"throttle limit for {service!r} must be positive, not {limit}")
        self.limits = dict(limits)
        self.refused = 0
        self._clock = clock
        self._calls: dict[str, deque[float]] = {service: deque() for service in limits}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ServiceThrottle({self.limits}, refused={self.refused})"

    def check(self, ref: ResourceRef, operation: str) -> None:
        """Let the call through, or raise ``ThrottledError`` when its service is over its rate."""
        service = ref.spec.service
        limit = self.limits.get(service)
        if limit is None:
            return
        with self._lock:
            now = self._clock()
            calls = self._calls[service]
            while calls and calls[0] <= now - 1.0:
                calls.popleft()
            if len(calls) >= limit:
                self.refused += 1
                code = "SlowDown" if service == "s3" else "Throttling"
                raise ThrottledError(f"throttled: more than {limit:g} {service} requests per second", kind=ref.kind,
                                     name=ref.name, operation=operation, code=code)
            calls.append(now)
