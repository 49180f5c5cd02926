"""Shared examples for ssm_parameter.

``full`` is a SecureString, so that the value is read with decryption and compared by digest, and
it manages every aspect. Its KMS key is the AWS managed one (``key_id=""``): a customer key would
have to exist first on real AWS, and the examples have no setup hook to create one (a customer key
is tested on its own in tests/integration/test_ssm_parameter_aws.py). The value always matches the
allowed pattern, so that drift and its reversal are both writes AWS accepts.
"""

from __future__ import annotations

from awsstate import SsmParameterDesired, SsmParameterManager
from tests.examples import BotoClients, KindExamples

PATTERN = r"^[A-Za-z0-9-]+$"


def _name(token: str) -> str:
    return f"/example/awsstate-test/{token}"


def _minimal(name: str, region: str) -> SsmParameterDesired:
    return SsmParameterDesired(name=name, region=region, type="String", value="minimal")


def _full(name: str, region: str) -> SsmParameterDesired:
    return SsmParameterDesired(
        name=name, region=region, type="SecureString", value="s3cr3t-value", key_id="",
        description="Database password", tier="Standard", allowed_pattern=PATTERN, data_type="text",
        tags={"awsstate:test": "full", "env": "dev"},
    )


def everything(name: str, region: str) -> SsmParameterDesired:
    """``full`` with a customer KMS key and the Advanced tier (the in-memory fake needs no real key)."""
    return _full(name, region).model_copy(update={
        "key_id": f"arn:aws:kms:{region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "tier": "Advanced"})


def _update(name: str, region: str) -> SsmParameterDesired:
    return _full(name, region).model_copy(update={"value": "n3w-s3cr3t", "tags": {"awsstate:test": "full",
                                                                                "env": "prod"}})


def _drift_boto3(clients: BotoClients, name: str, region: str) -> None:
    ssm = clients("ssm", region)
    ssm.put_parameter(Name=name, Value="hacked-value", Type="SecureString", Overwrite=True, Description="hacked",
                      AllowedPattern=PATTERN, Tier="Standard", DataType="text")
    ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId=name, TagKeys=["awsstate:test"])
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId=name, Tags=[{"Key": "env", "Value": "hacked"}])


SSM_PARAMETER_EXAMPLES = KindExamples(
    kind="ssm_parameter",
    manager=SsmParameterManager,
    name=_name,
    minimal=_minimal,
    full=_full,
    update=_update,
    update_aspects=frozenset({"value", "tags"}),
    drift={"value": "hacked-value", "description": "hacked", "tags": {"env": "hacked"}},
    drift_boto3=_drift_boto3,
    max_name_length=1011,
    name_chars="/",
)
