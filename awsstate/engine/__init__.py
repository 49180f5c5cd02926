"""The engine: observe -> (pure diff) -> execute -> settle, for one resource at a time.

* :mod:`~awsstate.engine.observe`: existence, then only the managed aspects, read concurrently
  when the provider's calls have latency;
* :mod:`~awsstate.engine.verify`: a plan is applied only to what it describes, and only if it is
  still fresh;
* :mod:`~awsstate.engine.execute`: one provider write per action, in order;
* :mod:`~awsstate.engine.settle`: re-read what changed until it matches, within a time budget.

:class:`~awsstate.manager.Manager` is the typed front door over these functions.
"""

from awsstate.engine.clock import Clock, Context, Deadline, SettlePolicy, SystemClock

__all__ = ["Clock", "Context", "Deadline", "SettlePolicy", "SystemClock"]
