"""The fault-injecting provider: make the Nth call fail, to prove a re-run always converges.

Wrap any provider and choose which call fails and how::

    from awsstate import FaultInjectingProvider, SimulatedCrash

    faulty = FaultInjectingProvider(InMemoryProvider(), fail_on=3, error="throttled")
    with pytest.raises(ThrottledError):
        S3BucketManager(provider=faulty).apply(desired)      # call 3 failed
    S3BucketManager(provider=faulty.inner).apply(desired)    # one more apply converges

Kinds of fault (``error=``):

* ``"throttled"``: :class:`~awsstate.errors.ThrottledError`, as AWS raises once the provider's
  retries are spent (code ``Throttling``);
* ``"server_error"``: a :class:`~awsstate.errors.ProviderError` for an HTTP 500 that survived the
  retries (code ``InternalError``);
* ``"crash"``: :class:`SimulatedCrash`, an abrupt stop of the process (power cut, ``kill -9``). It
  derives from ``BaseException`` so that no ``except Exception`` on the way can swallow it: the
  apply stops exactly where it was, like a real crash;
* ``"drop_response"``: the call is made and takes effect, its answer is lost, and it is sent again,
  as an SDK does after a read timeout: the caller sees the answer to the second sending (``when``
  does not apply). Nothing is raised by the injector itself: a provider whose every call is safe
  to repeat (a create that finds what it would make, a delete that finds nothing) sees no error;
* an exception instance, or a callable ``FaultCall -> exception`` for anything else.

``when="before"`` fails the call without making it; ``when="after"`` makes the call on the
wrapped provider and *then* fails: the change took effect but its answer was lost, the nastiest
case (a create that happened although the caller saw an error).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Literal, TypeVar

from awsstate.errors import ProviderError, ThrottledError
from awsstate.providers.base import Provider, ProviderCall, WrappingProvider

__all__ = ["FaultCall", "FaultInjectingProvider", "FaultKind", "InjectedFault", "LostResponse", "SimulatedCrash",
           "When"]

T = TypeVar("T")

FaultKind = Literal["throttled", "server_error", "crash", "drop_response"]
"""The built-in faults: see the module docstring."""

When = Literal["before", "after"]
"""``before``: the call is not made. ``after``: the call is made, then its answer is lost."""


class SimulatedCrash(BaseException):
    """An abrupt stop of the process in the middle of an apply (injected by a test).

    A ``BaseException``, like ``KeyboardInterrupt``: awsstate never catches it, so whatever the
    apply had done so far stays done, and nothing after it happens.
    """

    def __init__(self, call: FaultCall) -> None:
        self.call = call
        super().__init__(f"simulated crash at call {call.number} ({call})")


@dataclass(frozen=True, slots=True)
class FaultCall:
    """One call seen by the fault injector: its 1-based ``number`` and what it is about."""

    number: int
    operation: str
    kind: str
    name: str
    region: str | None
    aspect: str | None
    key: str | None = None
    """The object's key, for S3 object calls."""

    @property
    def access(self) -> Literal["read", "write"]:
        """``read`` for existence and aspect reads, ``write`` for everything else."""
        return "read" if self.operation.startswith(("read_", "list_")) else "write"

    def __str__(self) -> str:
        aspect = f" {self.aspect}" if self.aspect else ""
        key = f" key {self.key!r}" if self.key is not None else ""
        return f"{self.operation}{aspect} {self.kind} {self.name}{key}"


class LostResponse(Exception):
    """The record of a ``drop_response`` fault: the call was sent twice (it is never raised)."""

    def __init__(self, call: FaultCall) -> None:
        self.call = call
        super().__init__(f"the answer to call {call.number} ({call}) was lost, and the call sent again")


@dataclass(frozen=True, slots=True)
class InjectedFault:
    """A fault that was injected: which call, what was raised, and whether the call took effect."""

    call: FaultCall
    error: BaseException
    when: When


def _default_error(kind: FaultKind, call: FaultCall) -> BaseException:
    if kind == "throttled":
        return ThrottledError("throttled: Rate exceeded (injected fault)", code="Throttling", kind=call.kind,
                              name=call.name, aspect=call.aspect, operation=call.operation)
    if kind == "server_error":
        return ProviderError("HTTP 500: We encountered an internal error (injected fault)", code="InternalError",
                             hint="A transient AWS error: apply again.", kind=call.kind, name=call.name,
                             aspect=call.aspect, operation=call.operation)
    if kind == "crash":
        return SimulatedCrash(call)
    if kind == "drop_response":
        return LostResponse(call)
    raise ValueError(f"unknown fault kind {kind!r}; use 'throttled', 'server_error', 'crash' or 'drop_response'")


class FaultInjectingProvider(WrappingProvider):
    """Wraps ``inner`` and fails chosen calls.

    Args:
        inner: the provider that does the work.
        fail_on: which calls fail: a 1-based call number, a collection of numbers, or a predicate
            ``FaultCall -> bool`` (``lambda c: c.operation == "create"``). ``None`` never fails
            (count the calls of a clean run first, then sweep every number).
        error: what a failing call raises (see the module docstring). Default ``"throttled"``.
        when: ``"before"`` (the call is not made) or ``"after"`` (it is made, its answer lost).
        limit: at most this many faults in total (``None``: every matching call fails).

    :attr:`calls` counts the calls seen; :attr:`injected` lists the faults raised.
    """

    def __init__(
        self,
        inner: Provider,
        *,
        fail_on: int | Collection[int] | Callable[[FaultCall], bool] | None = None,
        error: FaultKind | BaseException | Callable[[FaultCall], BaseException] = "throttled",
        when: When = "before",
        limit: int | None = None,
    ) -> None:
        if when not in ("before", "after"):
            raise ValueError(f"when must be 'before' or 'after', not {when!r}")
        if isinstance(error, str):
            _default_error(error, FaultCall(0, "check", "", "", None, None))  # refuse unknown kinds now
        super().__init__(inner)
        self.fail_on = fail_on
        self.error = error
        self.when: When = when
        self.limit = limit
        self.calls = 0
        self.injected: list[InjectedFault] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FaultInjectingProvider({self.inner!r}, fail_on={self.fail_on!r}, when={self.when!r})"

    def describe(self) -> str:
        """``faults(<inner>)``."""
        return f"faults({self.inner.describe()})"

    def _matches(self, call: FaultCall) -> bool:
        if self.limit is not None and len(self.injected) >= self.limit:
            return False
        rule = self.fail_on
        if rule is None:
            return False
        if isinstance(rule, int):
            return call.number == rule
        if callable(rule):
            return rule(call)
        return call.number in rule

    def _build(self, call: FaultCall) -> BaseException:
        if isinstance(self.error, str):
            return _default_error(self.error, call)
        if isinstance(self.error, BaseException):
            return self.error
        return self.error(call)

    def intercept(self, call: ProviderCall, proceed: Callable[[], T]) -> T:
        """Count the call; fail it if it is chosen (before it is made, or after)."""
        with self._lock:
            self.calls += 1
            seen = FaultCall(self.calls, call.operation, call.kind, call.name, call.region, call.aspect, call.key)
            fault = self._build(seen) if self._matches(seen) else None
            if fault is not None:
                self.injected.append(InjectedFault(seen, fault, self.when))
        if fault is None:
            return proceed()
        if isinstance(fault, LostResponse):
            proceed()  # it takes effect (or fails for real); its answer is lost ...
            return proceed()  # ... so it is sent again, and the caller sees this answer
        if self.when == "after":
            proceed()  # it happens on the backend (or fails for real, raising its own error); the answer is lost
        raise fault
