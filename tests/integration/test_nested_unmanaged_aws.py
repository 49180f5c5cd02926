"""Unset means unmanaged at every depth, on AwsProvider-on-moto: the table of tests/examples/nested.py.

The same steps as tests/unit/test_nested_unmanaged.py, through boto3 (read-modify-write where AWS
replaces the whole configuration). A step moto cannot show is a strict xfail naming moto's behaviour.
"""

from __future__ import annotations

import pytest

from awsstate.providers.aws import AwsProvider
from tests.examples.nested import CASES, NestedCase, Step
from tests.unit.test_nested_unmanaged import run_step

STEPS = [pytest.param(case, step, id=f"{case.kind}-{case.aspect}-{step.label}",
                      marks=[pytest.mark.xfail(strict=True, reason=case.moto[step.label])]
                      if step.label in case.moto else [])
         for case in CASES for step in case.steps]


@pytest.mark.parametrize(("case", "step"), STEPS)
def test_giving_one_sub_field_on_moto_changes_it_and_keeps_every_other(
    aws: AwsProvider, case: NestedCase, step: Step, token: str
) -> None:
    run_step(aws, case, step, f"nested-{token}")
