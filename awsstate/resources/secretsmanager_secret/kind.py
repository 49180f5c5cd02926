"""The Secrets Manager secret kind: its aspects, their semantics, and its manager.

Call budget. DescribeSecret returns the description, KMS key, rotation, replicas and tags, so
those are carried by the existence read; the value (GetSecretValue) and the resource policy
(GetResourcePolicy) are one read each, only when managed. CreateSecret carries the description,
KMS key, value, tags and replicas, so a create is one request (plus the policy and rotation when
managed).

Lifecycle. A secret scheduled for deletion is *gone* (``KindSpec.gone``): plans see no secret, and
creating one of its name restores it (RestoreSecret) and then sets what the create would have set.
``state="absent"`` schedules the deletion with the recovery window the desired model names
(``delete_options``), and the plan's delete action says which.

Canonical aspect values: ``description`` a string or ``None``; ``kms_key_id`` the key as given, or
``None`` for the AWS managed key; ``secret_string`` the stored text; ``policy`` the document or
``None``; ``rotation`` see :mod:`~awsstate.resources.secretsmanager_secret.rotation`;
``replica_regions`` ``{region: key or None}``; ``tags`` ``{"key": "value"}``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from awsstate.canonical import Json, canonical_json
from awsstate.manager import Manager
from awsstate.policies import canonical_policy
from awsstate.resources.common import carried, tags_aspect
from awsstate.resources.identifiers import arn_partition
from awsstate.resources.secretsmanager_secret.models import (
    AWS_MANAGED_KEY,
    DEFAULT_RECOVERY_WINDOW_DAYS,
    SecretsmanagerSecretDesired,
    secret_text,
)
from awsstate.resources.secretsmanager_secret.rotation import (
    ROTATION_KEYS,
    SecretRotation,
    rotation_merge,
    rotation_normal,
    rotation_value,
)
from awsstate.resources.settings import member_merge
from awsstate.resources.ssm_parameter.kind import key_normal
from awsstate.spec import Aspect, Attribute, DesiredModel, Fake, KindSpec

__all__ = ["SECRETSMANAGER_SECRET", "SecretsmanagerSecretManager", "SecretsmanagerSecretObserved", "secret_arn"]


def secret_arn(name: str, region: str | None, account_id: str, suffix: str) -> str:
    """A secret's ARN: AWS appends ``-`` and six random characters to the name."""
    return f"arn:{arn_partition(region)}:secretsmanager:{region}:{account_id}:secret:{name}-{suffix}"


def _key(value: Json) -> object:
    return None if value == AWS_MANAGED_KEY else key_normal(value)


def _secret_normal(value: Json) -> object:
    # A JSON secret compares by meaning (key order and spacing do not matter); text as it is.
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return ("json", canonical_json(json.loads(value)))
        except ValueError:
            return value
    return value


def _policy_normal(value: Json) -> object:
    return canonical_policy(value) if isinstance(value, dict | str) and value else None


def _rotation_field(value: Json) -> Any:
    # Export: what AWS keeps (rotate_immediately is how a write was made, not a setting).
    if not isinstance(value, dict):
        return False
    return {key: value[key] for key in ROTATION_KEYS if value.get(key) is not None}


def _replicas_value(value: Mapping[str, str] | list[str]) -> Json:
    replicas = value if isinstance(value, Mapping) else dict.fromkeys(value, "")
    return {region: key or None for region, key in sorted(replicas.items())}


def _replicas_normal(value: Json) -> object:
    return {region: _key(key) for region, key in value.items()} if isinstance(value, dict) else {}


def delete_options(desired: DesiredModel | None) -> dict[str, Json]:
    """What DeleteSecret carries: no recovery window when forced, else the window (AWS's 30 by default)."""
    if isinstance(desired, SecretsmanagerSecretDesired) and desired.force_delete_without_recovery:
        return {"force_delete_without_recovery": True}
    days = desired.recovery_window_in_days if isinstance(desired, SecretsmanagerSecretDesired) else None
    return {"recovery_window_in_days": days or DEFAULT_RECOVERY_WINDOW_DAYS}


def _scheduled(options: Mapping[str, Json]) -> dict[str, Json] | None:
    """The fake, as AWS: a secret deleted with a recovery window waits it out (restorable)."""
    if options.get("force_delete_without_recovery"):
        return None
    return {"deleted_date": datetime.now(UTC).isoformat(timespec="seconds")}


def _derive(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    # The fake's stand-in for AWS's random suffix: stable per name, so a plan can be checked again.
    suffix = hashlib.sha256(name.encode()).hexdigest()[:6]
    return {"region": region, "arn": secret_arn(name, region, account_id, suffix), "deleted_date": None}


SECRETSMANAGER_SECRET = KindSpec(
    kind="secretsmanager_secret",
    describe="Secrets Manager secret",
    desired_model=SecretsmanagerSecretDesired,
    scope="region",
    regional=True,
    attributes=(Attribute("region", "Where the secret lives (its primary region)."),
                Attribute("arn", "The secret's ARN (AWS adds a random suffix to the name).", derivable=False)),
    derive=_derive,
    gone=lambda attributes: attributes.get("deleted_date") is not None,
    delete_options=delete_options,
    fake=Fake(defaults={"tags": {}, "replica_regions": {}}, soft_delete=_scheduled, recreate="restore"),
    aspects=(
        carried("description", "What the secret is for.", str, to_value=lambda value: value or None,
                to_field=lambda value: value or "", normalize=lambda value: value or None),
        carried("kms_key_id", "The KMS key that encrypts the secret (None: the AWS managed key).", str,
                to_value=lambda value: value or None, to_field=lambda value: value or "", normalize=_key),
        Aspect(name="secret_string", doc="The secret's value (sensitive: never shown).", type=str,
               to_value=secret_text, normalize=_secret_normal, in_create=True, sensitive=True),
        Aspect(name="policy", doc="The resource policy (semantic comparison).", type=dict[str, Any],
               to_value=lambda value: dict(value) or None, to_field=lambda value: value or {},
               normalize=_policy_normal),
        # new_value: a new secret has no rotation (and CancelRotateSecret on one is refused).
        carried("rotation", "Automatic rotation (None: off).", SecretRotation, in_create=False,
                to_value=rotation_value, to_field=_rotation_field, merge=rotation_merge,
                normalize=rotation_normal, new_value=None),
        carried("replica_regions", "Replica regions and their KMS keys.", dict[str, str | None],
                to_value=_replicas_value, to_field=lambda value: {r: k or "" for r, k in (value or {}).items()},
                merge=member_merge("replica_regions"), normalize=_replicas_normal),
        tags_aspect(in_create=True, carried=True),
    ),
)


class SecretsmanagerSecretManager(Manager[SecretsmanagerSecretDesired]):
    """Plans and applies :class:`SecretsmanagerSecretDesired` state.

    >>> from awsstate import InMemoryProvider
    >>> manager = SecretsmanagerSecretManager(provider=InMemoryProvider())
    >>> manager.apply(SecretsmanagerSecretDesired(name="doc/api-key", secret_string="k3y")).changed
    True
    >>> manager.plan(SecretsmanagerSecretDesired(name="doc/api-key", secret_string="k3y")).changed
    False
    """

    spec = SECRETSMANAGER_SECRET


SecretsmanagerSecretObserved = SECRETSMANAGER_SECRET.observed_model
"""A Secrets Manager secret as read (generated from :data:`SECRETSMANAGER_SECRET`)."""
