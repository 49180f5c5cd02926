"""The IAM managed policy resource: models, kind declaration and manager."""

from awsstate.resources.iam_policy.kind import IAM_POLICY, IamPolicyManager, IamPolicyObserved
from awsstate.resources.iam_policy.models import IamPolicyDesired

__all__ = [
    "IAM_POLICY",
    "IamPolicyDesired",
    "IamPolicyManager",
    "IamPolicyObserved",
]
