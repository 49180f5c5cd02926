"""The IAM managed policy resource: models, kind declaration and manager."""

from awsstate.resources.iam_policy.kind import IAM_POLICY, IamPolicyManager
from awsstate.resources.iam_policy.models import IamPolicyDesired, IamPolicyObserved

__all__ = ["IAM_POLICY", "IamPolicyDesired", "IamPolicyManager", "IamPolicyObserved"]
