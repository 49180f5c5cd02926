"""Errors raised by awsstate.

Every error awsstate raises on purpose derives from :class:`AwsStateError`. Errors coming from a
backend (AWS through boto3, or a fake) are translated in one place per provider and chained with
``raise ... from`` so the vendor error stays visible in tracebacks. Invalid desired input is not
in this tree: it raises pydantic's ``ValidationError`` when the model is built, before any call.

::

    AwsStateError
    ├── ProviderError                 a call to the backend failed (names kind, name, aspect, call)
    │   ├── NotFoundError             the resource does not exist (or not yet: eventual consistency)
    │   ├── AlreadyExistsError        create of a name you already own
    │   │   └── NameTakenError        the name belongs to another account (S3 names are global)
    │   ├── AccessDeniedError         the credentials lack the IAM action named in the error
    │   ├── ThrottledError            still throttled after the provider's retries
    │   ├── TransientError            a transient AWS failure (HTTP 5xx, a timeout) after the retries
    │   ├── InvalidRequestError       AWS rejected a value (the message says which)
    │   └── NotSupportedError         the backend does not implement the call
    ├── UnknownKindError              no resource kind registered under that name
    ├── StalePlanError                state changed since the plan was computed; nothing written
    ├── PlanFormatError               a saved plan of another format version
    ├── InvalidPlanError              a plan that does not describe what it would change, or holds masks
    ├── RequiredSettingError          a create planned without a setting AWS requires
    ├── StackError                    a stack that cannot be planned (a cycle, a duplicate, a bad reference)
    ├── StackApplyError               a stack apply in which some resources failed (``result`` says which)
    ├── UnsafeChangeError             a delete or replace the caller has not allowed
    └── ConvergenceError              a changed aspect never read back as desired in the budget

Messages never show secrets: credentials inside URLs are masked (``user:****@``, ``token=****``)
and values of sensitive aspects are shown as ``(sensitive)``.

A provider error raised during ``apply`` carries ``completed``: the actions finished before it.
Every action is idempotent, so running apply again converges from wherever it stopped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from awsstate.secrets import SENSITIVE, scrub_text

if TYPE_CHECKING:
    from awsstate.stack.plan import StackResult

__all__ = [
    "AccessDeniedError",
    "AlreadyExistsError",
    "AwsStateError",
    "ConvergenceError",
    "InvalidPlanError",
    "InvalidRequestError",
    "NameTakenError",
    "NotFoundError",
    "NotSupportedError",
    "PlanFormatError",
    "ProviderError",
    "RequiredSettingError",
    "StackApplyError",
    "StackError",
    "StalePlanError",
    "ThrottledError",
    "TransientError",
    "UnknownKindError",
    "UnsafeChangeError",
]


class AwsStateError(Exception):
    """Base class of every error awsstate raises on purpose."""


class ProviderError(AwsStateError):
    """A provider call failed.

    Attributes name the resource (``kind``, ``name``), the ``aspect`` (``None`` for the resource
    itself), the backend ``operation`` (for AWS, the API operation such as ``PutBucketVersioning``),
    the AWS error ``code`` and ``request_id`` when known, and a ``hint`` saying what to do.
    """

    default_hint = ""

    def __init__(
        self,
        message: str,
        *,
        kind: str = "",
        name: str = "",
        aspect: str | None = None,
        operation: str = "",
        code: str = "",
        request_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.kind = kind
        self.name = name
        self.aspect = aspect
        self.operation = operation
        self.code = code
        self.request_id = request_id
        self.hint = self.default_hint if hint is None else hint
        self.completed: list[object] = []
        super().__init__(self._render())

    def __str__(self) -> str:
        # Rendered on demand: handlers may refine ``hint`` after construction.
        return self._render()

    def _render(self) -> str:
        where = f"{self.kind} {self.name!r}" if self.kind else repr(self.name)
        if self.aspect:
            where += f" ({self.aspect})"
        parts = [f"{where}: {self.message}"]
        if self.operation:
            call = self.operation + (f" -> {self.code}" if self.code else "")
            parts.append(f"[call: {call}]")
        if self.request_id:
            parts.append(f"[request id: {self.request_id}]")
        text = " ".join(parts)
        return scrub_text(f"{text}. {self.hint}" if self.hint else text)


class NotFoundError(ProviderError):
    """The resource (or the object an aspect refers to) does not exist."""

    default_hint = "Check the name and region; right after a create this can be eventual consistency."


class AlreadyExistsError(ProviderError):
    """A create found the name already in use by this account."""

    default_hint = "Plan again: the resource exists and will be updated instead of created."


class NameTakenError(AlreadyExistsError):
    """The name is owned by another AWS account (S3 bucket names are global across accounts)."""

    default_hint = "Choose another name; this one belongs to another AWS account."


class AccessDeniedError(ProviderError):
    """The credentials are not allowed to make the call.

    ``action`` is the IAM action to grant (for example ``s3:PutBucketVersioning``).
    """

    def __init__(
        self,
        message: str,
        *,
        action: str = "",
        kind: str = "",
        name: str = "",
        aspect: str | None = None,
        operation: str = "",
        code: str = "",
        request_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.action = action
        if hint is None and action:
            hint = f"Grant {action} on this resource to the caller, or use other credentials."
        super().__init__(
            message, kind=kind, name=name, aspect=aspect, operation=operation, code=code,
            request_id=request_id, hint=hint,
        )


class ThrottledError(ProviderError):
    """AWS kept throttling the call after the provider's retries were spent."""

    default_hint = "Retry later, or raise max_attempts on the provider."


class TransientError(ProviderError):
    """A failure that may pass on its own (HTTP 500/503, a timeout), still there after the provider's
    retries. Every write is safe to repeat, so applying again is safe."""

    default_hint = "A transient failure on AWS's side: apply again (it is safe to repeat)."


class InvalidRequestError(ProviderError):
    """AWS rejected the request as invalid (a value it does not accept)."""

    default_hint = "Fix the desired value named above and apply again."


class NotSupportedError(ProviderError):
    """The backend does not implement this call (for example moto, for some S3 sub-resources)."""

    default_hint = "Leave this setting unmanaged on this backend."


class UnknownKindError(AwsStateError, KeyError):
    """No resource kind is registered under the given name."""

    def __init__(self, kind: str, known: Sequence[str]) -> None:
        self.kind = kind
        super().__init__(f"unknown resource kind {kind!r}; registered kinds: {', '.join(known)}")

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class StalePlanError(AwsStateError):
    """The resource changed since the plan was computed; nothing was written.

    ``changed`` maps each aspect that differs to ``(planned_before, now)``.
    """

    def __init__(self, kind: str, name: str, changed: Mapping[str, tuple[object, object]],
                 sensitive: frozenset[str] = frozenset()) -> None:
        self.kind = kind
        self.name = name
        self.changed = dict(changed)

        def shown(key: str, value: object) -> str:
            return SENSITIVE if key in sensitive else repr(value)

        listing = "; ".join(f"{k}: planned from {shown(k, b)}, now {shown(k, n)}" for k, (b, n) in changed.items())
        super().__init__(scrub_text(
            f"{kind} {name!r} changed since the plan was computed ({listing}). "
            "Nothing was written. Plan again and review the new plan."
        ))


class PlanFormatError(AwsStateError):
    """A saved plan in a format this version of awsstate does not read (plan again)."""


class InvalidPlanError(AwsStateError):
    """A plan that cannot be applied as it is: an action about another resource than the plan's
    own (an edited plan), or a secret that the plan's JSON form masked. Nothing was written."""


class StackError(AwsStateError):
    """A stack that cannot be planned as given: two resources of one kind and name, a cycle of
    references, a reference to an attribute a kind does not have or to a resource that is neither
    in the stack nor in AWS. Raised before any write (and, for all but the last, before any call)."""


class StackApplyError(AwsStateError):
    """Some resources of a stack apply failed; ``result`` lists what was done, failed and skipped.

    Everything that completed stays done; applying again converges from there.
    """

    def __init__(self, message: str, result: StackResult) -> None:
        self.result = result
        super().__init__(scrub_text(message))


class RequiredSettingError(AwsStateError):
    """Creating the resource needs a setting the desired model leaves unset (an IAM role's trust policy)."""


class UnsafeChangeError(AwsStateError):
    """A destructive change (delete or replace) that the caller has not explicitly allowed."""

    def __init__(self, kind: str, name: str, reason: str, how_to_allow: str) -> None:
        self.kind = kind
        self.name = name
        self.reason = reason
        super().__init__(scrub_text(f"{kind} {name!r}: refusing: {reason}. Nothing was written. {how_to_allow}"))


class ConvergenceError(AwsStateError):
    """A written aspect did not read back as desired within the settle budget."""

    def __init__(
        self, kind: str, name: str, aspect: str, expected: object, last_seen: object, waited: float,
        *, sensitive: bool = False,
    ) -> None:
        self.kind = kind
        self.name = name
        self.aspect = aspect
        self.expected = expected
        self.last_seen = last_seen
        self.completed: list[object] = []
        seen, wanted = (SENSITIVE, SENSITIVE) if sensitive else (repr(last_seen), repr(expected))
        super().__init__(scrub_text(
            f"{kind} {name!r} ({aspect}): still reads {seen} instead of {wanted} after "
            f"{waited:.1f}s. Another actor may be changing it; apply again, or raise the settle "
            "timeout if the service is slow to propagate."
        ))
