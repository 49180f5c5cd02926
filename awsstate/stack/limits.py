"""Adaptive rate limits: one limiter per (account, service, region), shared by a whole stack.

A limiter lets requests through as fast as they come until the service throttles. Then it
halves the rate it has been seeing (multiplicative decrease) and raises it again by a step per
request that succeeds (additive increase): AIMD, as TCP does. botocore's own retries stay
underneath; a call still throttled after them is retried here, paced by the limiter, a few
times, so that a large stack converges without a :class:`~awsstate.errors.ThrottledError`
reaching the user. Throttled calls were refused by AWS, not made, so retrying them is safe.

IAM is one global limiter per account (its region is ``None``).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

from awsstate.errors import ThrottledError
from awsstate.log import get_logger
from awsstate.providers.base import Provider, ProviderCall, WrappingProvider

__all__ = ["AdaptiveLimiter", "RateLimitedProvider", "RateLimits"]

T = TypeVar("T")
log = get_logger("awsstate.limits")


class AdaptiveLimiter:
    """One service's pace: unlimited until throttled, then AIMD (see the module docstring).

    Args:
        min_rate: the slowest it ever goes, in requests per second.
        increase: requests per second added for each request that succeeds.
        window: seconds over which the current rate is measured.
    """

    def __init__(self, *, min_rate: float = 1.0, increase: float = 1.0, window: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.min_rate = min_rate
        self.increase = increase
        self.window = window
        self.rate: float | None = None  # None: not limited (never throttled yet)
        self.throttles = 0
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._next = 0.0
        self._calm_until = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        rate = "unlimited" if self.rate is None else f"{self.rate:.1f}/s"
        return f"AdaptiveLimiter({rate}, throttled {self.throttles} time(s))"

    def _measured(self, now: float) -> float:
        while self._sent and self._sent[0] < now - self.window:
            self._sent.popleft()
        return len(self._sent) / self.window

    def acquire(self) -> None:
        """Wait for this request's turn."""
        with self._lock:
            now = self._clock()
            start = now if self.rate is None else max(now, self._next)
            if self.rate is not None:
                self._next = start + 1.0 / self.rate
        if start > now:
            self._sleep(start - now)

    def throttled(self) -> None:
        """The service refused a request as too many: halve the pace (once per window: the other
        requests in flight were sent at the old pace, and their refusals say nothing new)."""
        with self._lock:
            now = self._clock()
            self.throttles += 1
            if now < self._calm_until:
                return
            current = self.rate if self.rate is not None else self._measured(now)
            self.rate = max(self.min_rate, current / 2)
            self._calm_until = now + self.window
            self._next = max(self._next, now)
            rate = self.rate
        log.info("limits.throttled", rate=round(rate, 2), throttles=self.throttles)

    def succeeded(self) -> None:
        """A request went through: speed up a little."""
        with self._lock:
            self._sent.append(self._clock())  # the pace the service accepts is measured from these
            if len(self._sent) > 4096:
                self._sent.popleft()
            if self.rate is not None:
                self.rate += self.increase


class RateLimits:
    """The limiters of one or more stacks, one per (account, service, region), made on first use."""

    def __init__(self, factory: Callable[[], AdaptiveLimiter] = AdaptiveLimiter) -> None:
        self._factory = factory
        self._limiters: dict[tuple[str, str, str | None], AdaptiveLimiter] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RateLimits({len(self._limiters)} limiter(s))"

    def limiter(self, account: str, service: str, region: str | None) -> AdaptiveLimiter:
        """The limiter of this account, service and region (IAM: ``region=None``)."""
        key = (account, service, region)
        with self._lock:
            if key not in self._limiters:
                self._limiters[key] = self._factory()
            return self._limiters[key]

    def items(self) -> list[tuple[tuple[str, str, str | None], AdaptiveLimiter]]:
        """Every limiter made so far, with its key."""
        with self._lock:
            return sorted(self._limiters.items(), key=lambda item: str(item[0]))


class RateLimitedProvider(WrappingProvider):
    """Paces every call through the limiter of its account, service and region.

    ``retries``: how many more times a call still throttled after the backend's own retries is
    made again, paced by the limiter, after an exponential backoff from ``backoff`` seconds.
    """

    def __init__(self, inner: Provider, limits: RateLimits, *, account: str, retries: int = 8,
                 backoff: float = 0.1, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(inner)
        self.limits = limits
        self.account = account
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        """Wait for the call's turn; on throttling, slow down and try again."""
        spec = call.ref.spec
        limiter = self.limits.limiter(self.account, spec.service, call.region if spec.regional else None)
        for attempt in range(self.retries + 1):
            limiter.acquire()
            try:
                result = proceed()
            except ThrottledError:
                limiter.throttled()
                if attempt == self.retries:
                    raise
                self._sleep(min(self.backoff * 2**attempt, 5.0))  # and let the limiter find its pace
                continue
            limiter.succeeded()
            return result
        raise AssertionError("unreachable")  # pragma: no cover
