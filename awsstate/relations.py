"""Relations: the other resources an Observed model names, as typed links resolved on demand.

A queue's dead-letter queue, a topic's subscribed queues, a role's attached policies, a bucket's
notification targets and logging bucket: every value of an Observed model that is the ARN of a
resource of a known kind (or, for the few settings that take a name, that name) becomes a
:class:`Link`. ``link.get()`` reads the linked resource with the provider the model was read with.

::

    queue = SqsQueueManager(provider).get("orders-q")
    for link in queue.links():
        print(link.via, "->", link.kind, link.name)    # redrive_policy.dead_letter_target_arn -> ...
        print(link.get())                               # the dead-letter queue, read now
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from awsstate.errors import AwsStateError

if TYPE_CHECKING:
    from awsstate.models import ObservedModel
    from awsstate.providers.base import Provider

__all__ = ["Link", "links_of", "parse_arn"]

_ARN = re.compile(r"^arn:(?P<partition>[\w-]+):(?P<service>[\w-]+):(?P<region>[\w-]*):(?P<account>[\w-]*):"
                  r"(?P<resource>.+)\Z")

# (service, pattern over the ARN's resource part, kind): the name is the pattern's "name" group.
_BY_ARN: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("sqs", re.compile(r"^(?P<name>[^:/]+)\Z"), "sqs_queue"),
    ("sns", re.compile(r"^(?P<name>[^:/]+)\Z"), "sns_topic"),
    ("s3", re.compile(r"^(?P<name>[^/]+)\Z"), "s3_bucket"),
    ("iam", re.compile(r"^policy/(?:.*/)?(?P<name>[^/]+)\Z"), "iam_policy"),
    ("iam", re.compile(r"^role/(?:.*/)?(?P<name>[^/]+)\Z"), "iam_role"),
    ("logs", re.compile(r"^log-group:(?P<name>[^:]+)(?::\*)?\Z"), "logs_log_group"),
    ("dynamodb", re.compile(r"^table/(?P<name>[^/]+)\Z"), "dynamodb_table"),
    ("ecr", re.compile(r"^repository/(?P<name>.+)\Z"), "ecr_repository"),
    ("secretsmanager", re.compile(r"^secret:(?P<name>.+)-[A-Za-z0-9]{6}\Z"), "secretsmanager_secret"),
    ("kms", re.compile(r"^alias/(?P<name>.+)\Z"), "kms_key"),
)

_BY_KEY = {"target_bucket": "s3_bucket"}
"""Settings that name another resource by name rather than ARN: the key, and the kind named."""


@dataclass(frozen=True)
class Link:
    """Another resource an Observed model names: its kind, name and region, and where (``via``)."""

    kind: str
    name: str
    region: str | None
    via: str
    arn: str | None = None
    provider: Provider | None = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        where = f" ({self.region})" if self.region else ""
        return f"{self.via} -> {self.kind} {self.name}{where}"

    def get(self) -> ObservedModel | None:
        """The linked resource, read now with the provider its owner was read with (``None``: gone)."""
        if self.provider is None:
            raise AwsStateError(f"{self}: this model was not read through a provider, so the link cannot be "
                                f"followed; read it with {self.kind}'s manager")
        from awsstate.kinds import manager_class

        return manager_class(self.kind)(self.provider).get(self.name, self.region)


def parse_arn(arn: str) -> tuple[str, str, str | None] | None:
    """``(kind, name, region)`` of a resource ARN of a known kind, else ``None``.

    AWS-managed IAM policies (account ``aws``) are not resources of this account: ``None``.
    """
    from awsstate.kinds import KINDS

    match = _ARN.match(arn)
    if match is None:
        return None
    service, resource = match["service"], match["resource"]
    for candidate_service, pattern, kind in _BY_ARN:
        if candidate_service != service or kind not in KINDS:
            continue
        found = pattern.match(resource)
        if found is None:
            continue
        if service == "iam" and match["account"] == "aws":
            return None
        return kind, found["name"], match["region"] or None
    if service == "ssm" and resource.startswith("parameter/") and "ssm_parameter" in KINDS:
        rest = resource.removeprefix("parameter/")
        return "ssm_parameter", f"/{rest}" if "/" in rest else rest, match["region"] or None
    return None


def _walk(value: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """``(path, key, string)`` for every string inside a JSON-like value."""
    if isinstance(value, str):
        yield path, path.rsplit(".", 1)[-1], value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}.{index}")


def links_of(observed: ObservedModel, provider: Provider | None = None) -> tuple[Link, ...]:
    """Every other resource ``observed`` names, in field order, each once per place it is named."""
    spec = observed.kind_spec
    own = {a.name for a in spec.attributes} | {"name", "region"}
    region = getattr(observed, "region", None)
    links: list[Link] = []
    for field_name in type(observed).model_fields:
        if field_name in own:
            continue
        value = getattr(observed, field_name)
        if value is None:
            continue
        dumped = value.model_dump(mode="json") if hasattr(value, "model_dump") else value
        if isinstance(dumped, list | tuple):
            dumped = [item.model_dump(mode="json") if hasattr(item, "model_dump") else item for item in dumped]
        for path, key, text in _walk(dumped, field_name):
            if key in _BY_KEY and text:
                if not (_BY_KEY[key] == spec.kind and text == observed.name):  # itself is not a link
                    links.append(Link(_BY_KEY[key], text, region, path, None, provider))
                continue
            parsed = parse_arn(text)
            if parsed is None:
                continue
            kind, name, arn_region = parsed
            if kind == spec.kind and name == observed.name:
                continue
            from awsstate.kinds import kind_spec

            where = arn_region if arn_region is not None else (region if kind_spec(kind).regional else None)
            links.append(Link(kind, name, where, path, text, provider))
    return tuple(links)
