"""Policy documents (IAM identity, trust and resource policies): parse, validate, compare."""

from awsstate.policies.compare import canonical_policy, policies_equal
from awsstate.policies.document import PolicyDocumentError, parse_policy, policy_json, validate_policy

__all__ = [
    "PolicyDocumentError",
    "canonical_policy",
    "parse_policy",
    "policies_equal",
    "policy_json",
    "validate_policy",
]
