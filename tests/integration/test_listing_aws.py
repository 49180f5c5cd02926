"""Listing, on moto and on the in-memory provider alike: every kind's ``names()`` follows every
page of its listing, filters by prefix and by tag, and ``list()`` reads each resource in full."""

from __future__ import annotations

from typing import Any

import pytest

from awsstate import InMemoryProvider
from awsstate.providers.aws import AwsProvider, listing
from awsstate.testing import FakeClock
from tests.examples import EXAMPLES

REGION = "eu-west-1"
KINDS = sorted(EXAMPLES)
MOTO_NO_CONTINUATION = {
    "s3_bucket": "moto's ListBuckets cuts the list at MaxBuckets and returns no ContinuationToken, "
                 "so only the first page is ever seen (AWS pages on)",
}


@pytest.fixture(params=["memory", "moto"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    if request.param == "memory":
        return InMemoryProvider(region=REGION)
    monkeypatch.setattr(listing, "PAGE_SIZE", 1)  # one item a page: three resources are three pages
    provider: AwsProvider = request.getfixturevalue("aws")
    return AwsProvider(provider.session, region=REGION, max_attempts=2)


@pytest.mark.parametrize("kind", KINDS)
def test_names_follow_every_page_and_filter_by_prefix_and_tag(kind: str, backend: Any, token: str,
                                                              request: pytest.FixtureRequest) -> None:
    if isinstance(backend, AwsProvider) and kind in MOTO_NO_CONTINUATION:
        request.applymarker(pytest.mark.xfail(strict=True, reason=MOTO_NO_CONTINUATION[kind]))
    example = EXAMPLES[kind]
    manager = example.manager(provider=backend, clock=FakeClock())
    mine = [example.name(f"{token}l{i}") for i in range(3)]
    other = example.name(f"x{token}")
    for name in [*mine, other]:
        manager.apply(example.minimal(name, REGION))
    prefix = _common_prefix(mine)
    assert not other.startswith(prefix)
    assert manager.names(REGION, prefix=prefix) == sorted(mine)
    assert set(mine) | {other} <= set(manager.names(REGION))
    listed = list(manager.list(REGION, prefix=prefix))
    assert [o.name for o in listed] == sorted(mine)
    assert all(type(o) is example.manager.spec.observed_model for o in listed)


MOTO_UNTAGGED = {
    "logs_log_group": "moto's Resource Groups Tagging API GetResources finds no log group with "
                      "ResourceTypeFilters logs:log-group (only with 'logs' or no filter; AWS finds them with "
                      "logs:log-group)",
    "ecr_repository": "moto's Resource Groups Tagging API GetResources does not cover ECR repositories "
                      "(AWS does: ResourceTypeFilters ecr:repository)",
}


@pytest.mark.parametrize("kind", [k for k in KINDS if "tags" in EXAMPLES[k].manager.spec.aspect_names])
def test_names_by_tag(kind: str, backend: Any, token: str, request: pytest.FixtureRequest) -> None:
    if isinstance(backend, AwsProvider) and kind in MOTO_UNTAGGED:
        request.applymarker(pytest.mark.xfail(strict=True, reason=MOTO_UNTAGGED[kind]))
    example = EXAMPLES[kind]
    manager = example.manager(provider=backend, clock=FakeClock())
    tagged, untagged = example.name(f"{token}t"), example.name(f"{token}u")
    manager.apply(example.minimal(tagged, REGION).model_copy(update={"tags": {"team": token}}))
    manager.apply(example.minimal(untagged, REGION))
    assert manager.names(REGION, tags={"team": token}) == [tagged]
    assert manager.names(REGION, tags={"team": token, "other": "x"}) == []


def _common_prefix(names: list[str]) -> str:
    prefix = names[0]
    for name in names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    return prefix
