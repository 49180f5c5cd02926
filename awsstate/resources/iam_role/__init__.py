"""The IAM role resource: models, kind declaration and manager."""

from awsstate.resources.iam_role.kind import IAM_ROLE, IamRoleManager
from awsstate.resources.iam_role.models import IamRoleDesired, IamRoleObserved

__all__ = ["IAM_ROLE", "IamRoleDesired", "IamRoleManager", "IamRoleObserved"]
