"""A secret's rotation: the nested configuration model and how its values compare and merge.

Canonical value (what providers return and plans show): ``None`` when rotation is off, else
``{"lambda_arn", "automatically_after_days", "schedule_expression", "duration"}`` (each ``None``
when AWS reports nothing), plus ``rotate_immediately`` on what is written (it is how RotateSecret
is called, not something AWS keeps, so it is never compared).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator

from awsstate.arn import parse_arn
from awsstate.canonical import Json
from awsstate.refs import is_ref
from awsstate.resources.settings import Settings, settings_value

__all__ = ["ROTATION_KEYS", "SecretRotation", "rotation_merge", "rotation_normal", "rotation_value"]

ROTATION_KEYS = ("lambda_arn", "automatically_after_days", "schedule_expression", "duration")
"""The sub-fields AWS keeps (DescribeSecret's RotationLambdaARN and RotationRules)."""

_SCHEDULE = re.compile(r"^(?:rate\(\d+ (?:hours?|days?)\)|cron\([0-9A-Za-z#?*\-/, ]+\))\Z")
_RATE = re.compile(r"^rate\((\d+) (hour|day)s?\)\Z")
_DURATION = re.compile(r"^(\d{1,2})h\Z")
_FUNCTION = re.compile(r"^function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]{1,128})?\Z")


def _lambda_arn(value: str) -> str:
    if is_ref(value):
        return value
    parts = parse_arn(value)
    if parts is None or parts.service != "lambda" or not parts.region or not parts.account.isdigit() \
            or not _FUNCTION.match(parts.resource) or len(value) > 2048:
        raise ValueError(f"{value!r} is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)")
    return value


def _schedule(value: str) -> str:
    if len(value) > 256 or not _SCHEDULE.match(value):
        raise ValueError(f"{value!r} is not a rotation schedule: 'rate(<n> hours|days)' or 'cron(...)' "
                         "(at most 256 characters)")
    return value


def _duration(value: str) -> str:
    match = _DURATION.match(value)
    if match is None or not 1 <= int(match[1]) <= 24:
        raise ValueError(f"{value!r} is not a rotation window: 1h to 24h ('3h')")
    return value


class SecretRotation(Settings):
    """Automatic rotation: the Lambda function that rotates the secret and when it runs.

    A sub-field left unset keeps what the secret has (on a secret without rotation, AWS's default:
    the window closes after an hour or at the end of the UTC day). Give the schedule as
    ``automatically_after_days`` or as ``schedule_expression``, not both.
    """

    lambda_arn: Annotated[str, AfterValidator(_lambda_arn)] | None = None
    """The rotation function's ARN (its resource policy must let Secrets Manager invoke it). Unset
    on a secret that never rotated: managed rotation (secrets that a service owns)."""
    automatically_after_days: int | None = Field(default=None, ge=1, le=1000)
    """Rotate every this many days (1-1000)."""
    schedule_expression: Annotated[str, AfterValidator(_schedule)] | None = None
    """``rate(<n> hours|days)`` or a ``cron(...)`` expression."""
    duration: Annotated[str, AfterValidator(_duration)] | None = None
    """The rotation window, ``1h`` to ``24h``."""
    rotate_immediately: bool = True
    """When rotation is configured or changed: rotate at once (AWS's default), or ``False`` to wait
    for the next scheduled window (AWS then only tests the function). Not compared: AWS keeps no
    such setting."""

    @model_validator(mode="after")
    def _one_schedule(self) -> SecretRotation:
        if self.automatically_after_days is not None and self.schedule_expression is not None:
            raise ValueError("give automatically_after_days or schedule_expression, not both (AWS refuses both)")
        return self


def rotation_value(value: SecretRotation | bool) -> Json:
    """The canonical value of the ``rotation`` field (``False``: rotation off)."""
    return settings_value(value) if isinstance(value, SecretRotation) else None


def rotation_merge(wanted: Json, observed: Json, desired: Any) -> Json:
    """Unset sub-fields keep the secret's; a schedule given either way replaces the other way."""
    if not isinstance(wanted, dict):
        return None
    base = {key: value for key, value in observed.items() if key in ROTATION_KEYS} \
        if isinstance(observed, dict) else {}
    if "automatically_after_days" in wanted or "schedule_expression" in wanted:
        base.pop("automatically_after_days", None)
        base.pop("schedule_expression", None)
    return {**{key: None for key in ROTATION_KEYS}, **base, **wanted}


def rotation_normal(value: Json) -> object:
    """Rotation as AWS means it: every ``n`` days is ``rate(n days)``; DescribeSecret also reports
    the days it computes from a schedule expression, so the expression wins when both are there."""
    if not isinstance(value, dict):
        return None
    schedule = value.get("schedule_expression")
    days = value.get("automatically_after_days")
    if not schedule and isinstance(days, int) and days > 0:
        schedule = f"rate({days} days)"
    if isinstance(schedule, str):
        schedule = _RATE.sub(lambda match: f"rate({int(match[1])} {match[2]}s)", schedule)
    return (value.get("lambda_arn") or None, schedule or None, value.get("duration") or None)
