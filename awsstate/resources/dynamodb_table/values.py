"""A DynamoDB table's nested settings: billing, point-in-time recovery and encryption at rest."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from awsstate.arn import parse_arn
from awsstate.refs import allow_ref
from awsstate.resources.dynamodb_table.indexes import MAX_UNITS
from awsstate.resources.settings import Settings

__all__ = [
    "DEFAULT_RECOVERY_DAYS",
    "BillingMode",
    "EncryptionType",
    "KmsKeyArn",
    "PointInTimeRecovery",
    "TableBilling",
    "TableEncryption",
]

DEFAULT_RECOVERY_DAYS = 35
"""How far back point-in-time recovery reaches when no period is given (AWS's default and maximum)."""

BillingMode = Literal["PROVISIONED", "PAY_PER_REQUEST"]
"""``PROVISIONED`` (read and write capacity units) or ``PAY_PER_REQUEST`` (on demand)."""
EncryptionType = Literal["AWS_OWNED", "AWS_MANAGED", "CUSTOMER_MANAGED"]
"""Whose KMS key encrypts the table: DynamoDB's own (the default), ``aws/dynamodb``, or yours."""

_PROVISIONED_ONLY = ("read_capacity", "write_capacity")
_ON_DEMAND_ONLY = ("max_read_request_units", "max_write_request_units")


class TableBilling(Settings):
    """How the table is billed. A sub-field left unset keeps the table's (unset capacities stay
    as auto scaling set them); on a new table ``mode`` is ``PROVISIONED``, AWS's default, which
    then needs both capacities.

    ``TableBilling.on_demand()``, ``TableBilling.provisioned(read_capacity=5, write_capacity=5)``.
    """

    mode: BillingMode = "PROVISIONED"
    """``PROVISIONED`` or ``PAY_PER_REQUEST`` (AWS limits how often a table may switch to on-demand)."""
    read_capacity: int | None = Field(default=None, ge=1, le=MAX_UNITS)
    """Provisioned: read capacity units of the table."""
    write_capacity: int | None = Field(default=None, ge=1, le=MAX_UNITS)
    """Provisioned: write capacity units of the table."""
    max_read_request_units: int | None = Field(default=None, ge=1, le=MAX_UNITS)
    """On demand: the most read request units per second; ``None`` given explicitly: no maximum."""
    max_write_request_units: int | None = Field(default=None, ge=1, le=MAX_UNITS)
    """On demand: the most write request units per second; ``None`` given explicitly: no maximum."""

    @model_validator(mode="after")
    def _sub_fields_match_mode(self) -> TableBilling:
        capacities = [name for name in _PROVISIONED_ONLY if getattr(self, name) is not None]
        maxima = [name for name in _ON_DEMAND_ONLY if self.given(name)]
        if (capacities or maxima) and not self.given("mode"):
            raise ValueError(f"{', '.join(capacities + maxima)} need mode given ('PROVISIONED' for capacities, "
                             "'PAY_PER_REQUEST' for request unit maxima)")
        if self.mode == "PAY_PER_REQUEST" and capacities:
            raise ValueError(f"{' and '.join(capacities)}: an on-demand (PAY_PER_REQUEST) table has no capacity")
        if self.mode == "PROVISIONED" and maxima:
            raise ValueError(f"{' and '.join(maxima)}: only an on-demand (PAY_PER_REQUEST) table has them")
        explicit_none = [name for name in _PROVISIONED_ONLY if self.given(name) and getattr(self, name) is None]
        if explicit_none:
            raise ValueError(f"{' and '.join(explicit_none)}: a provisioned table always has capacity (give a number "
                             "or leave it unset)")
        return self

    @classmethod
    def on_demand(cls, *, max_read_request_units: int | None = None,
                  max_write_request_units: int | None = None) -> TableBilling:
        """On-demand billing (PAY_PER_REQUEST), with optional request unit maxima."""
        given: dict[str, Any] = {"mode": "PAY_PER_REQUEST"}
        if max_read_request_units is not None:
            given["max_read_request_units"] = max_read_request_units
        if max_write_request_units is not None:
            given["max_write_request_units"] = max_write_request_units
        return cls(**given)

    @classmethod
    def provisioned(cls, *, read_capacity: int | None = None, write_capacity: int | None = None) -> TableBilling:
        """Provisioned capacity; a capacity left ``None`` is unmanaged (auto scaling may own it)."""
        given: dict[str, Any] = {"mode": "PROVISIONED"}
        if read_capacity is not None:
            given["read_capacity"] = read_capacity
        if write_capacity is not None:
            given["write_capacity"] = write_capacity
        return cls(**given)


class PointInTimeRecovery(Settings):
    """Continuous backups with point-in-time recovery. A sub-field left unset keeps the table's;
    a new table has it off. ``True`` / ``False`` are short for ``enabled=``."""

    enabled: bool = False
    """Whether point-in-time recovery is on (AWS's default for a new table: off)."""
    recovery_period_in_days: int = Field(default=DEFAULT_RECOVERY_DAYS, ge=1, le=35)
    """While enabled: how many days back a restore can reach (1-35; AWS's default 35)."""


def _kms_key_arn(value: str) -> str:
    parts = parse_arn(value)
    if (parts is None or parts.service != "kms" or not parts.region or not parts.account.isdigit()
            or not parts.resource.startswith("key/") or len(parts.resource) <= len("key/")):
        raise ValueError(f"{value!r} is not a KMS key ARN; DynamoDB reports the key by its ARN, so give the full "
                         "ARN (arn:aws:kms:<region>:<account>:key/<key id>), not an id or alias")
    return value


KmsKeyArn = Annotated[str, AfterValidator(allow_ref(_kms_key_arn, kinds=("kms_key",)))]
"""A KMS key's full ARN (or a reference to a ``kms_key``'s ``arn``)."""


class TableEncryption(BaseModel):
    """Encryption at rest, given whole: whose key encrypts the table.

    ``TableEncryption.aws_owned()`` (DynamoDB's own key, the default), ``.aws_managed()`` (the
    ``aws/dynamodb`` key in your account) or ``.customer_managed(kms_key_arn)``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: EncryptionType
    """``AWS_OWNED``, ``AWS_MANAGED`` or ``CUSTOMER_MANAGED``."""
    kms_key_arn: KmsKeyArn | None = None
    """With ``CUSTOMER_MANAGED``: the key's full ARN (its key policy must let DynamoDB use it)."""

    @model_validator(mode="after")
    def _key_matches_type(self) -> TableEncryption:
        if self.type == "CUSTOMER_MANAGED" and self.kms_key_arn is None:
            raise ValueError("type 'CUSTOMER_MANAGED' needs kms_key_arn")
        if self.type != "CUSTOMER_MANAGED" and self.kms_key_arn is not None:
            raise ValueError(f"kms_key_arn is only for type 'CUSTOMER_MANAGED', not {self.type!r}")
        return self

    @classmethod
    def aws_owned(cls) -> TableEncryption:
        """DynamoDB's own key (free, not in your account): AWS's default."""
        return cls(type="AWS_OWNED")

    @classmethod
    def aws_managed(cls) -> TableEncryption:
        """The AWS managed key ``aws/dynamodb`` in your account."""
        return cls(type="AWS_MANAGED")

    @classmethod
    def customer_managed(cls, kms_key_arn: str) -> TableEncryption:
        """Your own KMS key, by its full ARN."""
        return cls(type="CUSTOMER_MANAGED", kms_key_arn=kms_key_arn)
