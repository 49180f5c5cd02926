"""Stacks: many connected resources in one plan and apply (see :mod:`awsstate.stack.stack`)."""

from awsstate.stack.limits import AdaptiveLimiter, RateLimitedProvider, RateLimits
from awsstate.stack.plan import MemberPlan, ResourceOutcome, StackPlan, StackResult
from awsstate.stack.progress import StackEvent
from awsstate.stack.resolve import OWNER_TAG
from awsstate.stack.stack import Stack

__all__ = [
    "OWNER_TAG",
    "AdaptiveLimiter",
    "MemberPlan",
    "RateLimitedProvider",
    "RateLimits",
    "ResourceOutcome",
    "Stack",
    "StackEvent",
    "StackPlan",
    "StackResult",
]
