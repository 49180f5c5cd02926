"""SSM Parameter Store parameters on AWS.

Requests per provider call:

* ``read_existence``: one DescribeParameters filtered by the exact name (more pages only if AWS
  answers with empty ones), which carries the type, description, KMS key, tier, allowed pattern
  and data type;
* ``read_aspect``: value: one GetParameter with decryption (asked for only when the value is
  managed); tags: one ListTagsForResource;
* ``create``: one PutParameter carrying every setting and the tags;
* ``write_aspect``: PutParameter replaces the whole configuration, and AWS falls back to defaults
  for what it omits (a SecureString written without its KeyId goes back to ``alias/aws/ssm``), so a
  write is read-modify-write: DescribeParameters, GetParameter for the value unless the value is
  what is written, then one PutParameter re-sending every other setting as it is. Tags:
  ListTagsForResource, then AddTagsToResource and/or RemoveTagsFromResource;
* ``delete``: one DeleteParameter.

Parameter Store's own error codes are named here: ``ParameterNotFound`` is the parameter missing,
``ParameterAlreadyExists`` an "already exists" (so a create whose answer was lost is adopted), and
``ParameterPatternMismatchException`` an invalid request naming ``allowed_pattern``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from awsstate.canonical import Json
from awsstate.errors import AlreadyExistsError, InvalidRequestError, NotFoundError, ProviderError
from awsstate.providers.aws.calls import ABSENT
from awsstate.providers.aws.handler import AspectIO, AwsHandler, receipt
from awsstate.providers.aws.tags import TagApi, tag_list
from awsstate.providers.base import Existence, Receipt
from awsstate.resources.ssm_parameter.kind import parameter_arn
from awsstate.resources.ssm_parameter.models import AWS_MANAGED_KEY
from awsstate.secrets import SENSITIVE
from awsstate.spec import ResourceRef

__all__ = ["HANDLER", "SsmParameterHandler", "redacted"]

_GONE = {"ParameterNotFound"}
_EXISTS = {"ParameterAlreadyExists"}
_MISMATCH = {"ParameterPatternMismatchException"}

_SETTINGS = {"description": "Description", "key_id": "KeyId", "tier": "Tier", "allowed_pattern": "AllowedPattern",
             "data_type": "DataType"}
"""The aspects PutParameter sets besides the value, and their request parameters."""


def _missing(ref: ResourceRef, operation: str) -> NotFoundError:
    return NotFoundError("does not exist", kind=ref.kind, name=ref.name, operation=operation, code="ParameterNotFound")


def _explained(error: ProviderError, aspect: str | None) -> ProviderError:
    """Parameter Store's own codes as awsstate errors (errors.py knows the codes shared by services)."""
    if error.code in _GONE:
        return NotFoundError(error.message, kind=error.kind, name=error.name, aspect=error.aspect,
                             operation=error.operation, code=error.code, request_id=error.request_id)
    if error.code in _MISMATCH:
        return InvalidRequestError(
            f"allowed_pattern: {error.message}", kind=error.kind, name=error.name, aspect=aspect or "allowed_pattern",
            operation=error.operation, code=error.code, request_id=error.request_id,
            hint="The value and allowed_pattern must agree. When both change and neither the new value fits the "
                 "old pattern nor the old value the new one, apply once with allowed_pattern=\"\", then again.")
    return error


def redacted(error: ProviderError, secret: Json) -> ProviderError:
    """``error``, or, when AWS's message echoes ``secret``, the same error without it (and without
    the botocore exception that holds it: raise it ``from None``)."""
    text = secret if isinstance(secret, str) else None
    if not text or text not in str(error):
        return error
    clean = type(error)(error.message.replace(text, SENSITIVE), kind=error.kind, name=error.name, aspect=error.aspect,
                        operation=error.operation, code=error.code, request_id=error.request_id, hint=error.hint)
    return clean


def _settings(parameter: Mapping[str, Any]) -> dict[str, Json]:
    """The canonical settings in one DescribeParameters entry."""
    key = parameter.get("KeyId")
    return {
        "description": parameter.get("Description") or None,
        "key_id": None if not key or key == AWS_MANAGED_KEY or parameter.get("Type") != "SecureString" else key,
        "tier": parameter.get("Tier") or "Standard",
        "allowed_pattern": parameter.get("AllowedPattern") or None,
        "data_type": parameter.get("DataType") or "text",
    }


def _put_settings(kind: Json, settings: Mapping[str, Json]) -> dict[str, Any]:
    """PutParameter's parameters for every setting, each sent explicitly ("" clears a text)."""
    put: dict[str, Any] = {"Description": settings.get("description") or "",
                           "AllowedPattern": settings.get("allowed_pattern") or ""}
    if settings.get("tier"):
        put["Tier"] = settings["tier"]
    if settings.get("data_type"):
        put["DataType"] = settings["data_type"]
    if kind == "SecureString" and settings.get("key_id"):
        put["KeyId"] = settings["key_id"]
    return put


def _read_value(h: SsmParameterHandler, ref: ResourceRef) -> Json:
    response = h.call(ref, "get_parameter", absent=_GONE, Name=ref.name, WithDecryption=True)
    if response is ABSENT:
        raise _missing(ref, "GetParameter")
    return str(response["Parameter"].get("Value", ""))


def _write_setting(aspect: str) -> Any:
    def write(h: SsmParameterHandler, ref: ResourceRef, value: Json) -> Receipt:
        return h.put(ref, {aspect: value})

    return write


def _write_value(h: SsmParameterHandler, ref: ResourceRef, value: Json) -> Receipt:
    return h.put(ref, {}, str(value))


_TAGS = TagApi(list="list_tags_for_resource", tag="add_tags_to_resource", untag="remove_tags_from_resource",
               list_key="TagList", target=lambda h, ref: {"ResourceType": "Parameter", "ResourceId": ref.name})


class SsmParameterHandler(AwsHandler):
    """The boto3 side of ``ssm_parameter``."""

    service = "ssm"
    TAGGED_TYPE = "ssm:parameter"

    ASPECTS: ClassVar[Mapping[str, AspectIO[Any]]] = {
        **{aspect: AspectIO(write=_write_setting(aspect)) for aspect in _SETTINGS},
        "value": AspectIO(read=_read_value, write=_write_value),
        "tags": _TAGS.aspect(),
    }

    def name_of(self, arn: str) -> str:
        """The parameter name in its ARN (``parameter/app/db`` is ``/app/db``; ``parameter/db`` is ``db``)."""
        rest = arn.split(":parameter/", 1)[-1]
        return f"/{rest}" if "/" in rest else rest

    def call(self, ref: ResourceRef, method: str, *, region: str | None = None, absent: Collection[str] = (),
             service: str | None = None, **params: Any) -> Any:
        """One request; Parameter Store's own error codes become the matching awsstate errors."""
        try:
            return super().call(ref, method, region=region, absent=absent, service=service, **params)
        except ProviderError as error:
            raise _explained(error, error.aspect) from error

    def describe(self, ref: ResourceRef) -> dict[str, Any] | None:
        """The parameter's DescribeParameters entry (``None``: it does not exist)."""
        for page in self.pages(ref, "describe_parameters",
                               ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": [ref.name]}]):
            for parameter in page.get("Parameters", []):
                if parameter.get("Name") in (ref.name, f"/{ref.name}", ref.name.removeprefix("/")):
                    return dict(parameter)
        return None

    def read_existence(self, ref: ResourceRef) -> Existence | None:
        """DescribeParameters: the ARN, type and version, plus every setting but the value and tags."""
        parameter = self.describe(ref)
        if parameter is None:
            return None
        _partition, account = self.clients.account(ref)
        arn = parameter.get("ARN") or parameter_arn(ref.name, ref.region, account)
        return {"region": ref.region, "arn": arn, "type": parameter.get("Type"), "version": parameter.get("Version"),
                **_settings(parameter)}

    def put(self, ref: ResourceRef, changes: Mapping[str, Json], value: str | None = None) -> Receipt:
        """One PutParameter with ``changes`` to the settings (and a new ``value``), re-sending the
        others as they are (the current value is read when no new one is given)."""
        parameter = self.describe(ref)
        if parameter is None:
            raise _missing(ref, "PutParameter")
        settings = {**_settings(parameter), **changes}
        text = value if value is not None else _read_value(self, ref)
        kind = parameter.get("Type")
        try:
            return receipt(self.call(ref, "put_parameter", Name=ref.name, Value=text, Type=kind, Overwrite=True,
                                     **_put_settings(kind, settings)))
        except ProviderError as error:
            clean = redacted(error, text)
            if clean is error:
                raise
        raise clean from None

    def create(self, ref: ResourceRef, params: Mapping[str, Json]) -> Receipt:
        """One PutParameter (without overwrite) carrying every setting and the tags."""
        kind = params.get("type")
        kwargs: dict[str, Any] = {"Name": ref.name, "Type": kind, "Value": params.get("value")}
        kwargs.update({name: params[aspect] for aspect, name in _SETTINGS.items() if params.get(aspect)})
        if kind != "SecureString":
            kwargs.pop("KeyId", None)  # only a SecureString is encrypted
        tags = params.get("tags")
        if isinstance(tags, dict) and tags:
            kwargs["Tags"] = tag_list(tags)
        try:
            return receipt(self.call(ref, "put_parameter", **kwargs))
        except ProviderError as error:
            if error.code in _EXISTS:
                raise AlreadyExistsError(error.message, kind=ref.kind, name=ref.name, operation=error.operation,
                                         code=error.code, request_id=error.request_id) from error
            clean = redacted(error, params.get("value"))
            if clean is error:
                raise
        raise clean from None

    def delete(self, ref: ResourceRef, *, force: bool = False) -> Receipt:
        """One DeleteParameter (its history and labels go with it; ``force`` changes nothing)."""
        return receipt(self.call(ref, "delete_parameter", Name=ref.name))


HANDLER = SsmParameterHandler
