"""Botocore's standard retries, without its retry quota and within a time budget per call.

Botocore's standard mode keeps one *retry quota* per client: 500 tokens, 14 spent on every retried
failure (5 on throttling), 1 given back per call that succeeds at once. A long-lived client (an
``AwsProvider`` serves many applies) that meets a burst of failures spends it, and from then on no
call is retried at all, however transient the failure: at a 50 % fault rate the quota is gone
after a few dozen calls and most applies fail. awsstate bounds its work per call instead
(``max_attempts``, ``call_timeout``), so each client's retry handler is rebuilt from botocore's own
parts with the quota made unlimited: the same conditions, the same backoff, the same attempts.

A call that keeps timing out (an endpoint that accepts connections and never answers) is not
retried once ``call_timeout`` would be exceeded: it fails, naming the endpoint, instead of
spending ``max_attempts`` x ``read_timeout`` in silence.
"""

from __future__ import annotations

import time
from typing import Any, cast

from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from botocore.retries import quota, standard

__all__ = ["install_retries"]

_UNLIMITED = 2**62
_STARTED = "awsstate_started"


def install_retries(client: Any, *, max_attempts: int, call_timeout: float, read_timeout: float,
                    retry_quota: bool) -> None:
    """Replace ``client``'s standard retry handler (see the module docstring)."""
    name = client.meta.service_model.service_id.hyphenize()
    unique_id = f"retry-config-{name}"
    adapter = standard.RetryEventAdapter()
    detector = standard.ThrottlingErrorDetector(adapter)
    capacity = quota.RetryQuota.INITIAL_CAPACITY if retry_quota else _UNLIMITED
    checker = standard.RetryQuotaChecker(quota.RetryQuota(initial_capacity=capacity), detector)
    handler = standard.RetryHandler(
        retry_policy=standard.RetryPolicy(
            retry_checker=standard.StandardRetryConditions(max_attempts=max_attempts),
            retry_backoff=standard.ExponentialBackoff(service_name=name, throttling_detector=detector),
        ),
        retry_event_adapter=adapter,
        retry_quota=cast(Any, checker),  # botocore passes a RetryQuotaChecker here too (its stubs say RetryQuota)
        service_name=name,
    )

    def started(context: Any = None, **_: Any) -> None:
        if isinstance(context, dict):
            context.setdefault(_STARTED, time.monotonic())

    def needs_retry(**kwargs: Any) -> Any:
        caught = kwargs.get("caught_exception")
        context = (kwargs.get("request_dict") or {}).get("context") or {}
        if (isinstance(caught, ConnectTimeoutError | ReadTimeoutError) and _STARTED in context
                and time.monotonic() - context[_STARTED] + read_timeout > call_timeout):
            return None  # no time left for another attempt: fail now, naming the endpoint
        return handler.needs_retry(**kwargs)

    client.meta.events.unregister(f"needs-retry.{name}", unique_id=unique_id)
    client.meta.events.register(f"needs-retry.{name}", needs_retry, unique_id=unique_id)
    client.meta.events.register(f"before-call.{name}", started, unique_id=f"awsstate-started-{name}")
    if retry_quota:  # botocore's own quota handler refills the replaced quota: refill this one
        client.meta.events.register(f"after-call.{name}", checker.release_retry_quota,
                                    unique_id=f"awsstate-quota-{name}")
