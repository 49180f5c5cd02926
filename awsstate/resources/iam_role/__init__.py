"""The IAM role resource: models, kind declaration and manager."""

from awsstate.resources.iam_role.kind import IAM_ROLE, IamRoleManager, IamRoleObserved
from awsstate.resources.iam_role.models import IamRoleDesired

__all__ = [
    "IAM_ROLE",
    "IamRoleDesired",
    "IamRoleManager",
    "IamRoleObserved",
]
