"""The SSM parameter's user-facing model, with Parameter Store's own rules."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from awsstate.refs import allow_ref, is_ref
from awsstate.resources.identifiers import validate_kms_key_id
from awsstate.resources.validation import Region, Tags
from awsstate.spec import DesiredModel

__all__ = [
    "AWS_MANAGED_KEY",
    "MAX_ADVANCED_VALUE",
    "MAX_DEPTH",
    "MAX_NAME",
    "MAX_STANDARD_VALUE",
    "ParameterDataType",
    "ParameterName",
    "ParameterTier",
    "ParameterType",
    "SsmParameterDesired",
    "pattern_problem",
    "validate_parameter_name",
]

MAX_NAME = 1011
"""The longest fully qualified parameter name AWS accepts (the API's 2048 include 1037 reserved)."""
MAX_DEPTH = 15
"""Parameter hierarchies are at most fifteen levels deep."""
MAX_STANDARD_VALUE = 4096
"""Characters a Standard-tier value may hold."""
MAX_ADVANCED_VALUE = 8192
"""Characters an Advanced-tier value may hold."""
MAX_DESCRIPTION = 1024
MAX_PATTERN = 1024
AWS_MANAGED_KEY = "alias/aws/ssm"
"""The AWS managed key that encrypts a SecureString when no key is named."""

_NAME = re.compile(r"^[A-Za-z0-9_.\-/]+\Z")
_AMI = re.compile(r"^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})\Z")

ParameterType = Literal["String", "StringList", "SecureString"]
"""``String``, ``StringList`` (comma-separated) or ``SecureString`` (encrypted with a KMS key)."""
ParameterTier = Literal["Standard", "Advanced", "Intelligent-Tiering"]
"""``Standard`` (4 KB values, free), ``Advanced`` (8 KB, policies) or ``Intelligent-Tiering`` (AWS
picks Standard, or Advanced when the value needs it)."""
ParameterDataType = Literal["text", "aws:ec2:image", "aws:ssm:integration"]
"""``text`` (AWS's default), ``aws:ec2:image`` (an AMI id, validated by AWS) or ``aws:ssm:integration``."""


def validate_parameter_name(name: str) -> str:
    """Return ``name`` if Parameter Store accepts it as a fully qualified parameter name."""
    if not 1 <= len(name) <= MAX_NAME:
        raise ValueError(f"parameter name {name[:40]!r} is {len(name)} characters; it must be 1 to {MAX_NAME}")
    if not _NAME.match(name):
        raise ValueError(f"parameter name {name[:60]!r} may contain only letters, digits, _ . - and / (no spaces)")
    segments = name.removeprefix("/").split("/")
    if "/" in name:
        if not name.startswith("/"):
            raise ValueError(f"parameter name {name!r}: a name in a hierarchy starts with '/' (/app/db/password)")
        if any(not segment for segment in segments):
            raise ValueError(f"parameter name {name!r}: empty hierarchy level ('//' or a trailing '/')")
    if len(segments) > MAX_DEPTH:
        raise ValueError(f"parameter name {name[:60]!r} is {len(segments)} levels deep; AWS allows at most {MAX_DEPTH}")
    if segments[0].lower().startswith(("aws", "ssm")):
        raise ValueError(f"parameter name {name!r}: names (and hierarchies) starting with 'aws' or 'ssm' "
                         "(any case) are reserved by AWS")
    return name


ParameterName = Annotated[str, AfterValidator(validate_parameter_name)]
"""A parameter name: ``[A-Za-z0-9_.-]`` plus ``/`` between hierarchy levels (leading ``/``), at most
1011 characters and 15 levels, not starting with ``aws`` or ``ssm``."""


def _string_list(value: object) -> object:
    # A StringList value may be given as a list: AWS stores it comma-separated.
    if isinstance(value, list | tuple):
        items = [str(item) for item in value]
        if not items or any("," in item or not item for item in items):
            raise ValueError("a StringList value given as a list needs non-empty items without commas")
        return ",".join(items)
    return value


def _value(value: str | list[str]) -> str:
    if not isinstance(value, str):  # _string_list joined every list: a safety net for type checkers
        raise ValueError("a parameter value is text (a StringList: text or a list of strings)")
    if is_ref(value):
        return value
    if not value:
        raise ValueError("a parameter value cannot be empty")
    if len(value) > MAX_ADVANCED_VALUE:
        raise ValueError(f"the value is {len(value)} characters; Parameter Store allows at most {MAX_ADVANCED_VALUE} "
                         f"(Advanced tier; {MAX_STANDARD_VALUE} on Standard)")
    return value


MAX_KEY_ID = 256  # PutParameter's KeyId is at most 256 characters


def _kms_key(value: str) -> str:
    if len(value) > MAX_KEY_ID:
        raise ValueError(f"a parameter's key_id is at most {MAX_KEY_ID} characters")
    return value if value == "" else validate_kms_key_id(value)


_KEY_REFS = ("arn", "key_id", "alias_arn")  # a kms_key's attributes that name it
KeyId = Annotated[str, AfterValidator(allow_ref(_kms_key, kinds=("kms_key",), attributes=_KEY_REFS))]
"""A KMS key id, ``alias/<name>``, or a key or alias ARN (or a reference to a kms_key); ``""``: the
AWS managed key ``alias/aws/ssm``."""


def _pattern(value: str) -> str:
    if len(value) > MAX_PATTERN:
        raise ValueError(f"allowed_pattern is {len(value)} characters; AWS allows at most {MAX_PATTERN}")
    return value


def pattern_problem(pattern: str | None, value: str | None) -> str | None:
    """Why ``value`` does not match ``pattern`` (AWS's ParameterPatternMismatchException), or ``None``.

    Patterns are Java regular expressions; one Python cannot compile (``\\p{Alpha}``) is left to AWS.
    """
    if not pattern or value is None or is_ref(value):
        return None
    try:
        compiled = re.compile(pattern)
    except re.error:
        return None
    if compiled.search(value):
        return None
    return f"the value does not match allowed_pattern {pattern!r} (AWS refuses it: ParameterPatternMismatchException)"


class SsmParameterDesired(DesiredModel):
    """An SSM Parameter Store parameter as you want it. Every field but ``name`` is optional.

    A field left unset (``None``) is unmanaged: awsstate never reads or changes it. Creating a
    parameter needs ``type`` and ``value``. The value is a secret: it is shown as ``(sensitive)``
    in every plan, log and error, whatever the type (as Terraform does), and compared by digest.
    """

    model_config = ConfigDict(hide_input_in_errors=True)  # a ValidationError must never echo the value

    name: ParameterName
    """The fully qualified name, unique per account and region (``/app/prod/db-url``)."""
    region: Region | None = None
    """Where the parameter lives; unset: the provider's default region."""
    type: ParameterType | None = None
    """``String``, ``StringList`` or ``SecureString``. Required to create; fixed at creation (a change
    is planned as a replace)."""
    value: Annotated[str | list[str], BeforeValidator(_string_list), AfterValidator(_value)] | None = None
    """The value (a StringList may be given as a list of strings). Read with decryption only when
    managed; never shown."""
    description: Annotated[str, Field(max_length=MAX_DESCRIPTION)] | None = None
    """What the parameter is for (at most 1024 characters); ``""``: none."""
    key_id: KeyId | None = None
    """SecureString only: the KMS key that encrypts the value; ``""``: the AWS managed key
    ``alias/aws/ssm`` (AWS's default)."""
    tier: ParameterTier | None = None
    """``Standard`` (AWS's default), ``Advanced`` or ``Intelligent-Tiering``. A parameter can move up to
    Advanced in place; back down to Standard is planned as a replace (AWS cannot downgrade)."""
    allowed_pattern: Annotated[str, AfterValidator(_pattern)] | None = None
    """A regular expression every value must match (AWS checks it on each write); ``""``: none."""
    data_type: ParameterDataType | None = None
    """``text`` (AWS's default), ``aws:ec2:image`` (the value is an AMI id, which AWS validates) or
    ``aws:ssm:integration``."""
    tags: Tags | None = None
    """The complete set of user tags: tags not listed are removed; ``{}`` removes all. ``aws:`` tags
    are never changed."""
    purge_tags: bool = True
    """``True``: ``tags`` is the complete set. ``False``: only add or update the tags listed."""

    @field_validator("key_id")
    @classmethod
    def _key_needs_secure_string(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("type")
        if value and kind is not None and kind != "SecureString":
            raise ValueError(f"only a SecureString parameter is encrypted with a KMS key, not a {kind}")
        return value

    @field_validator("tier")
    @classmethod
    def _value_fits_tier(cls, value: str | None, info: ValidationInfo) -> str | None:
        text = info.data.get("value")
        if value == "Standard" and isinstance(text, str) and not is_ref(text) and len(text) > MAX_STANDARD_VALUE:
            raise ValueError(f"the value's {len(text)} characters do not fit the Standard tier (at most "
                             f"{MAX_STANDARD_VALUE}); use 'Advanced' or 'Intelligent-Tiering'")
        return value

    @field_validator("allowed_pattern")
    @classmethod
    def _value_matches(cls, value: str | None, info: ValidationInfo) -> str | None:
        problem = pattern_problem(value, info.data.get("value"))
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("data_type")
    @classmethod
    def _image_is_an_ami(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value != "aws:ec2:image":
            return value
        kind, text = info.data.get("type"), info.data.get("value")
        if kind is not None and kind != "String":
            raise ValueError(f"'aws:ec2:image' needs type 'String', not {kind!r}")
        if isinstance(text, str) and not is_ref(text) and not _AMI.match(text):
            raise ValueError("with 'aws:ec2:image' the value is an AMI id (ami-0123456789abcdef0)")
        return value
