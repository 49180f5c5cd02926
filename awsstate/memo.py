"""A small memo of pure results by the identity of their inputs (bounded, thread-safe).

Normalising a value for comparison (a policy, a list of lifecycle rules) costs far more than
everything else a plan does in memory. Values in awsstate are never changed in place (a write
replaces a value; the in-memory fake shares what it stores with its readers), so a result
computed for an object holds for as long as that object lives. Each entry keeps its inputs
alive, so an id is never reused while its entry exists.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["IdentityMemo"]

T = TypeVar("T")
_SCALARS = (str, int, float, bool, type(None))


class IdentityMemo:
    """Results keyed by the identities of their inputs, the oldest dropped past ``size`` entries."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[int, ...], tuple[tuple[object, ...], Any]] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"IdentityMemo(entries={len(self._entries)}, size={self.size})"

    def get(self, owner: object, value: object, compute: Callable[[], T]) -> T:
        """``compute()`` for ``(owner, value)``, computed once while both live (scalars: always)."""
        if isinstance(value, _SCALARS):
            return compute()  # cheap, and small ints and strings share ids
        entry = self._entries.get((id(owner), id(value)))  # the common case, without building generators
        if entry is not None and entry[0][0] is owner and entry[0][1] is value:
            found: T = entry[1]
            return found
        return self.get_for((owner, value), compute)

    def get_for(self, inputs: tuple[object, ...], compute: Callable[[], T]) -> T:
        """``compute()`` for these input objects, computed once while they all live."""
        key = tuple(map(id, inputs))
        entry = self._entries.get(key)
        if entry is not None:
            for kept, given in zip(entry[0], inputs, strict=True):
                if kept is not given:
                    break
            else:
                result: T = entry[1]
                return result
        result = compute()
        with self._lock:
            self._entries[key] = (inputs, result)
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return result
