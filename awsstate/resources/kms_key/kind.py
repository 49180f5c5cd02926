"""The KMS key kind: a customer managed key named by its alias, its aspects, and its manager.

Identity. Users name a key by its alias; KMS names it by an id it assigns at creation. Every call
starts from the alias (DescribeKey ``alias/<name>``), never from a guessed id: the key id and ARN
are attributes read back (known only after apply, ``Attribute(derivable=False)``), and the in-memory
fake assigns them at creation the way KMS does (``Fake.create_attributes``). The alias ARN is known
before: it is built from the name. A key scheduled for deletion still answers to its alias (KMS
deletes the alias with the key at the end of the waiting period) and counts as gone
(``KindSpec.gone``): creating the key again makes a new key and moves the alias to it
(UpdateAlias), never touching the old one.

Call budget. DescribeKey carries the description, enabled, key spec, usage and multi-Region flag;
the key policy (GetKeyPolicy), rotation and its period (GetKeyRotationStatus, one read each) and
tags (ListResourceTags) are read only when managed. A create is CreateKey (key spec, usage,
multi-Region, description, policy and tags) plus CreateAlias.

Write order. KMS changes a key's rotation only while the key is enabled, so an enable is written
before the rotation, and a disable after it (the order of :meth:`KmsKeySpec.managed`).

Canonical aspect values: ``description`` a string (``""``: none); ``policy`` the document;
``enabled`` / ``enable_key_rotation`` bools; ``rotation_period_in_days`` an int, or ``None`` while
rotation is off (read as KMS's default 365); ``tags`` ``{"key": "value"}``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from awsstate.canonical import Json
from awsstate.manager import Manager
from awsstate.policies import canonical_policy
from awsstate.resources.common import carried, tags_aspect
from awsstate.resources.identifiers import arn_partition
from awsstate.resources.kms_key.models import (
    DEFAULT_DELETION_WINDOW_DAYS,
    DEFAULT_ROTATION_PERIOD_DAYS,
    KmsKeyDesired,
)
from awsstate.spec import Aspect, Attribute, CreateOnly, DesiredModel, Fake, Identity, KindSpec, ObservedModel

__all__ = ["KMS_KEY", "KmsKeyManager", "KmsKeyObserved", "KmsKeySpec", "key_arn"]

_ID_NAMESPACE = uuid.UUID("6f1d3c9e-4a52-4c0b-9f3e-2b8d7a1e5c40")

DISABLED_REFUSAL = ("KMS changes a key's rotation only while the key is enabled (DisabledException): set "
                    "enabled=True (it is written first), or leave the rotation unmanaged while the key is disabled")


def key_arn(region: str | None, account_id: str, key_id: str) -> str:
    """The ARN of the key ``key_id``."""
    return f"arn:{arn_partition(region)}:kms:{region}:{account_id}:key/{key_id}"


def _derive(name: str, region: str | None, account_id: str) -> dict[str, Json]:
    # The key id and ARN are not known before the key exists: KMS assigns them (see _assign_id).
    return {"region": region, "account_id": account_id,
            "alias_arn": f"arn:{arn_partition(region)}:kms:{region}:{account_id}:alias/{name}",
            "key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT", "multi_region": False,
            "pending_deletion": False}


def _default_policy(created: Mapping[str, Json]) -> dict[str, Json]:
    """In-memory fake: KMS gives a key created without a policy its default key policy (the
    account's root may do everything with the key, so IAM policies can grant its use)."""
    if created.get("policy"):
        return {}
    root = f"arn:{arn_partition(str(created.get('region')))}:iam::{created.get('account_id')}:root"
    return {"policy": {"Version": "2012-10-17", "Id": "key-default-1", "Statement": [
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*",
         "Resource": "*"}]}}


def _assign_id(attributes: Mapping[str, Json]) -> dict[str, Json]:
    """In-memory fake: the id KMS gives a new key (``mrk-`` and 32 hex digits for a multi-Region key).

    KMS's ids are random; the fake's are derived from the alias ARN, the key's create-only
    settings and the key it replaces (one scheduled for deletion), so that two runs of the same
    scenario end in the same world, and a replace or a key made again gets another id.
    """
    settings = [attributes.get(name) for name in ("alias_arn", "key_spec", "key_usage", "multi_region", "replaces")]
    seed = uuid.uuid5(_ID_NAMESPACE, json.dumps(settings))
    key_id = f"mrk-{seed.hex}" if attributes.get("multi_region") is True else str(seed)
    return {"key_id": key_id, "arn": key_arn(str(attributes.get("region")), str(attributes.get("account_id")), key_id)}


def _refuse_while_disabled(current: Json, new: Json, aspects: Mapping[str, Json]) -> str | None:
    return DISABLED_REFUSAL if aspects.get("enabled") is False else None


def _policy_normal(value: Json) -> object:
    return canonical_policy(value) if isinstance(value, dict | str) and value else None


def _period_normal(value: Json) -> object:
    # KMS reports no period while rotation is off; turning it on without one gives 365 days.
    return DEFAULT_ROTATION_PERIOD_DAYS if value is None else value


def _pending(existence: Mapping[str, Json]) -> bool:
    return existence.get("pending_deletion") is True


def _deletion_window(desired: DesiredModel | None) -> dict[str, Json]:
    days = getattr(desired, "deletion_window_in_days", None)
    return {"pending_window_in_days": days if isinstance(days, int) else DEFAULT_DELETION_WINDOW_DAYS}


class KmsKeySpec(KindSpec):
    """The KMS key's spec: writes ``enabled`` before the rotation, unless it disables the key.

    KMS refuses to change the rotation of a disabled key, so a key being enabled is enabled first
    and a key being disabled is disabled last; every other aspect keeps its declared order.
    """

    def managed(self, desired: DesiredModel) -> tuple[Aspect, ...]:
        """The managed aspects in apply order (``enabled=False`` moved to the end)."""
        aspects = super().managed(desired)
        if getattr(desired, "enabled", None) is not False:
            return aspects
        return tuple(a for a in aspects if a.name != "enabled") + tuple(a for a in aspects if a.name == "enabled")

    def to_desired(self, observed: ObservedModel) -> DesiredModel:
        """Export; the rotation period as KMS means it: the period (365 unless reported) while
        rotation is on, none while it is off."""
        if "rotation_period_in_days" in observed.model_fields_set:
            rotating = getattr(observed, "enable_key_rotation", None) is True
            period = getattr(observed, "rotation_period_in_days", None)
            wanted = (period or DEFAULT_ROTATION_PERIOD_DAYS) if rotating else None
            if wanted != period:
                observed = observed.model_copy(update={"rotation_period_in_days": wanted})
        return super().to_desired(observed)


KMS_KEY = KmsKeySpec(
    kind="kms_key",
    describe="KMS key",
    desired_model=KmsKeyDesired,
    scope="region",
    regional=True,
    identity=Identity(by="alias", physical_id="arn"),
    attributes=(
        Attribute("region", "Where the key lives."),
        Attribute("arn", "The key's ARN (assigned by KMS at creation).", derivable=False),
        Attribute("key_id", "The key's id (assigned by KMS at creation).", derivable=False),
        Attribute("alias_arn", "The ARN of the alias that names the key."),
        Attribute("account_id", "The AWS account that owns the key."),
        Attribute("key_spec", "The key material's spec."),
        Attribute("key_usage", "What the key is for."),
        Attribute("multi_region", "Whether it is a multi-Region key.", bool),
        Attribute("pending_deletion", "Whether the key is scheduled for deletion (then it counts as gone).", bool),
    ),
    derive=_derive,
    create_only=(
        CreateOnly(field="key_spec", doc="The key material's spec (CreateKey only)."),
        CreateOnly(field="key_usage", doc="The key's usage (CreateKey only)."),
        CreateOnly(field="multi_region", doc="Multi-Region or not (CreateKey only)."),
    ),
    gone=_pending,
    delete_options=_deletion_window,
    fake=Fake(
        defaults={"description": "", "policy": None, "enabled": True, "enable_key_rotation": False,
                  "rotation_period_in_days": None, "tags": {}},
        checks={"enable_key_rotation": _refuse_while_disabled, "rotation_period_in_days": _refuse_while_disabled},
        create_attributes=_assign_id,
        create_aspects=_default_policy,
        soft_delete=lambda options: {"pending_deletion": True},  # KMS always waits out the window
        recreate="new",
    ),
    aspects=(
        carried("description", "What the key is for.", str, to_field=lambda value: value or "",
                normalize=lambda value: value or ""),
        Aspect(name="policy", doc="The key policy (semantic comparison).", type=dict[str, Any], in_create=True,
               normalize=_policy_normal),
        carried("enabled", "Whether the key is enabled.", bool, in_create=False, normalize=bool, new_value=True),
        Aspect(name="enable_key_rotation", doc="Automatic rotation of the key material.", type=bool,
               normalize=bool, new_value=False),
        Aspect(name="rotation_period_in_days", doc="Days between automatic rotations.", type=int,
               normalize=_period_normal, new_value=None),
        tags_aspect(in_create=True),
    ),
)


class KmsKeyManager(Manager[KmsKeyDesired]):
    """Plans and applies :class:`KmsKeyDesired` state.

    >>> from awsstate import InMemoryProvider
    >>> manager = KmsKeyManager(provider=InMemoryProvider())
    >>> manager.apply(KmsKeyDesired(name="doc-key", enable_key_rotation=True)).changed
    True
    >>> manager.plan(KmsKeyDesired(name="doc-key", enable_key_rotation=True)).changed
    False
    """

    spec = KMS_KEY


KmsKeyObserved = KMS_KEY.observed_model
"""A KMS key as read (generated from :data:`KMS_KEY`)."""
