"""Manager behaviour: apply, settle, eventual consistency, stale plans, replace, absent, logs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from structlog.testing import capture_logs

from awsstate import (
    ConvergenceError,
    InMemoryProvider,
    InvalidRequestError,
    NotFoundError,
    Plan,
    RecordingProvider,
    S3BucketDesired,
    S3BucketManager,
    SettlePolicy,
    StalePlanError,
    UnsafeChangeError,
)
from awsstate.canonical import Json
from awsstate.providers.base import Provider, ProviderCall, WrappingProvider
from awsstate.testing import FakeClock

DESIRED = S3BucketDesired(name="manager-bucket", region="eu-west-1", tags={"env": "dev"}, versioning=True)


class LaggingProvider(WrappingProvider):
    """Wraps a provider the way AWS lags: NotFound for ``lag`` reads after a create, stale aspect reads."""

    def __init__(self, inner: Provider, *, existence_lag: int = 0, aspect_lag: int = 0, write_lag: int = 0) -> None:
        super().__init__(inner)
        self.existence_lag = existence_lag
        self.aspect_lag = aspect_lag
        self.write_lag = write_lag
        self._stale: dict[tuple[str, str], tuple[Json, int]] = {}
        self._hidden = 0
        self._write_misses = 0

    def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
        key = (call.name, str(call.aspect))
        if call.operation == "read_existence" and self._hidden > 0:
            self._hidden -= 1
            return None
        stale = self._stale.get(key)
        if call.operation == "read_aspect" and stale and stale[1] > 0:
            self._stale[key] = (stale[0], stale[1] - 1)
            return stale[0]
        if call.operation == "write_aspect":
            if self._write_misses > 0:
                self._write_misses -= 1
                raise NotFoundError("does not exist (yet)", kind=call.kind, name=call.name, aspect=call.aspect)
            before = self.inner.read_aspect(call.ref, str(call.aspect))
            result = proceed()
            if self.aspect_lag:
                self._stale[key] = (before, self.aspect_lag)
            return result
        result = proceed()
        if call.operation == "create":
            self._hidden = self.existence_lag
            self._write_misses = self.write_lag
        return result


def test_apply_converges_then_reapply_writes_nothing(recorder: RecordingProvider) -> None:
    manager = S3BucketManager(provider=recorder)
    first = manager.apply(DESIRED)
    assert first.changed
    assert first.observed is not None and first.observed.versioning == "Enabled"
    recorder.clear()
    second = manager.apply(DESIRED)
    assert not second.changed and second.actions == ()
    assert recorder.writes == []
    assert len(recorder.reads) <= len(manager.spec.managed(DESIRED)) + 1


def test_drifted_aspect_is_reverted_with_exactly_one_write(
    memory: InMemoryProvider, recorder: RecordingProvider
) -> None:
    manager = S3BucketManager(provider=recorder)
    manager.apply(DESIRED)
    memory.world.set_aspect("s3_bucket", DESIRED.name, "versioning", "Suspended")
    assert manager.plan(DESIRED).aspects == ("versioning",)
    recorder.clear()
    manager.apply(DESIRED)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", "versioning")]


def test_read_after_create_that_lags_is_retried_not_recreated(memory: InMemoryProvider, clock: FakeClock) -> None:
    lagging = RecordingProvider(LaggingProvider(memory, existence_lag=3))
    result = S3BucketManager(provider=lagging, clock=clock).apply(DESIRED)
    assert result.changed
    assert [c.operation for c in lagging.writes].count("create") == 1
    assert len(clock.slept) == 3
    assert clock.slept == sorted(clock.slept), "backoff grows"


def test_write_right_after_create_that_says_not_found_is_retried(memory: InMemoryProvider, clock: FakeClock) -> None:
    lagging = LaggingProvider(memory, write_lag=2)
    result = S3BucketManager(provider=lagging, clock=clock).apply(DESIRED)
    assert result.changed
    assert memory.world.require("s3_bucket", DESIRED.name).aspects["versioning"] == "Enabled"


def test_not_found_on_a_write_to_an_existing_resource_is_not_retried(
    memory: InMemoryProvider, clock: FakeClock
) -> None:
    S3BucketManager(provider=memory).apply(DESIRED.model_copy(update={"versioning": False}))
    lagging = LaggingProvider(memory)
    plan = S3BucketManager(provider=lagging, clock=clock).plan(DESIRED)
    lagging.write_lag = 1
    lagging._write_misses = 1
    with pytest.raises(NotFoundError):
        S3BucketManager(provider=lagging, clock=clock).apply(plan)
    assert clock.slept == []


def test_stale_read_back_settles_within_the_budget(memory: InMemoryProvider, clock: FakeClock) -> None:
    S3BucketManager(provider=memory).apply(DESIRED.model_copy(update={"versioning": False}))
    lagging = RecordingProvider(LaggingProvider(memory, aspect_lag=4))
    S3BucketManager(provider=lagging, clock=clock).apply(DESIRED)
    assert [c.aspect for c in lagging.writes] == ["versioning"], "waiting never writes again"
    assert len(clock.slept) == 4


def test_several_lagging_aspects_settle_in_the_time_of_the_slowest(memory: InMemoryProvider, clock: FakeClock) -> None:
    S3BucketManager(provider=memory).apply(DESIRED.model_copy(update={"versioning": False, "tags": {"env": "old"}}))
    lagging = RecordingProvider(LaggingProvider(memory, aspect_lag=4))
    S3BucketManager(provider=lagging, clock=clock).apply(DESIRED)
    assert sorted(c.aspect or "" for c in lagging.writes) == ["tags", "versioning"]
    assert len(clock.slept) == 4, "the aspects are re-read together each round, not one after the other"


def test_setting_that_never_reads_back_raises_convergence_error_naming_it(
    memory: InMemoryProvider, clock: FakeClock
) -> None:
    S3BucketManager(provider=memory).apply(DESIRED.model_copy(update={"versioning": False}))
    lagging = LaggingProvider(memory, aspect_lag=10_000)
    manager = S3BucketManager(provider=lagging, clock=clock, settle=SettlePolicy(timeout=5.0))
    with pytest.raises(ConvergenceError) as caught:
        manager.apply(DESIRED)
    assert caught.value.aspect == "versioning"
    assert "versioning" in str(caught.value) and "Enabled" in str(caught.value)
    assert clock.now == pytest.approx(5.0)


def test_saved_plan_applies_after_a_json_round_trip(recorder: RecordingProvider) -> None:
    manager = S3BucketManager(provider=recorder)
    plan = Plan.model_validate_json(manager.plan(DESIRED).model_dump_json())
    assert manager.apply(plan).changed
    assert not manager.plan(DESIRED).changed


def test_stale_plan_is_refused_and_nothing_is_written(memory: InMemoryProvider, recorder: RecordingProvider) -> None:
    manager = S3BucketManager(provider=recorder)
    manager.apply(DESIRED.model_copy(update={"versioning": False, "tags": {"env": "old"}}))
    plan = manager.plan(DESIRED)
    memory.world.set_aspect("s3_bucket", DESIRED.name, "tags", {"env": "changed-meanwhile"})
    recorder.clear()
    with pytest.raises(StalePlanError) as caught:
        manager.apply(plan)
    assert set(caught.value.changed) == {"tags"}
    assert recorder.writes == []


def test_plan_for_a_missing_bucket_is_stale_once_someone_creates_it(memory: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=memory)
    plan = manager.plan(DESIRED)
    manager.apply(DESIRED)
    with pytest.raises(StalePlanError):
        manager.apply(plan)


def test_replace_is_refused_unless_allowed(memory: InMemoryProvider, recorder: RecordingProvider) -> None:
    manager = S3BucketManager(provider=recorder)
    manager.apply(DESIRED)
    moved = DESIRED.model_copy(update={"region": "us-west-2"})
    recorder.clear()
    with pytest.raises(UnsafeChangeError, match="region is fixed at creation"):
        manager.apply(moved)
    assert recorder.writes == []
    recorder.clear()
    result = manager.apply(moved, allow_replace=True)
    assert result.observed is not None and result.observed.region == "us-west-2"
    # The old bucket is deleted where it was; the new one is created, configured and read where it now is.
    assert [(c.operation, c.region) for c in recorder.writes] == [
        ("delete", "eu-west-1"), ("create", "us-west-2"), ("write_aspect", "us-west-2"), ("write_aspect", "us-west-2"),
    ]
    assert {c.region for c in recorder.reads if c.operation == "read_aspect"} == {"eu-west-1", "us-west-2"}
    assert memory.world.require("s3_bucket", DESIRED.name).region == "us-west-2"
    assert not manager.plan(moved).changed


def test_replace_never_destroys_objects(memory: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=memory)
    manager.apply(DESIRED)
    memory.world.contents("s3_bucket", DESIRED.name).put_object("precious.txt", b"data")
    with pytest.raises(InvalidRequestError, match="not empty"):
        manager.apply(DESIRED.model_copy(update={"region": "us-west-2"}), allow_replace=True)
    assert memory.world.contents("s3_bucket", DESIRED.name).objects == {"precious.txt": b"data"}


def test_absent_deletes_and_a_missing_bucket_is_a_no_op(recorder: RecordingProvider) -> None:
    manager = S3BucketManager(provider=recorder)
    manager.apply(DESIRED)
    gone = S3BucketDesired(name=DESIRED.name, state="absent")
    assert str(manager.plan(gone)).splitlines()[1].strip().startswith("- s3_bucket manager-bucket: delete")
    assert manager.apply(gone).changed
    assert manager.get(DESIRED.name) is None
    recorder.clear()
    assert not manager.apply(gone).changed
    assert [c.operation for c in recorder.calls] == ["read_existence"]


def test_delete_of_a_non_empty_bucket_fails_clearly_and_leaves_it(memory: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=memory)
    manager.apply(DESIRED)
    memory.world.contents("s3_bucket", DESIRED.name).put_object("k")
    with pytest.raises(InvalidRequestError) as caught:
        manager.delete(DESIRED.name)
    assert "force_destroy" in str(caught.value)
    assert manager.get(DESIRED.name) is not None
    manager.delete(DESIRED.name, force_destroy=True)
    assert manager.get(DESIRED.name) is None


def test_failed_write_reports_what_completed_and_a_rerun_converges(memory: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=memory)
    manager.apply(DESIRED.model_copy(update={"tags": {"env": "old"}, "versioning": False}))
    memory.world.set_aspect("s3_bucket", DESIRED.name, "tags", {"aws:cloudformation:stack-name": "s", "env": "old"})
    # A system tag that vanishes between plan and write: AWS refuses the tag write.
    plan = manager.plan(DESIRED)
    memory.world.set_aspect("s3_bucket", DESIRED.name, "tags", {"env": "old"})
    with pytest.raises(StalePlanError):
        manager.apply(plan)
    assert manager.apply(DESIRED).changed
    assert not manager.plan(DESIRED).changed


def test_logs_plan_computed_and_action_applied_with_context(memory: InMemoryProvider) -> None:
    with capture_logs() as logs:
        S3BucketManager(provider=memory).apply(DESIRED)
    events = [entry["event"] for entry in logs]
    assert events[0] == "plan.computed"
    applied = [entry for entry in logs if entry["event"] == "action.applied"]
    assert [entry["aspect"] for entry in applied] == [None, "tags", "versioning"]
    assert {"kind", "name", "duration_ms", "request_id", "type"} <= set(applied[0])


class RefusingProvider(WrappingProvider):
    """Refuses writes to one aspect, as AWS would refuse an invalid value."""

    def __init__(self, inner: Provider, refused: str) -> None:
        super().__init__(inner)
        self.refused = refused

    def intercept(self, call: ProviderCall, proceed: Callable[[], Any]) -> Any:
        if call.operation == "write_aspect" and call.aspect == self.refused:
            raise InvalidRequestError("refused", kind=call.kind, name=call.name, aspect=call.aspect,
                                      operation="PutBucketVersioning", code="InvalidRequest", request_id="req-1")
        return proceed()


def test_failed_action_is_logged_and_the_error_lists_what_completed(memory: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=RefusingProvider(memory, "versioning"))
    with capture_logs() as logs, pytest.raises(InvalidRequestError) as caught:
        manager.apply(DESIRED)
    failed = [entry for entry in logs if entry["event"] == "action.failed"]
    assert len(failed) == 1
    assert failed[0]["aspect"] == "versioning" and failed[0]["request_id"] == "req-1"
    assert [(a.type, a.aspect) for a in caught.value.completed] == [("create", None), ("update", "tags")]
    # A re-run with the cause gone converges from where it stopped: nothing is created twice.
    recorder = RecordingProvider(memory)
    S3BucketManager(provider=recorder).apply(DESIRED)
    assert [(c.operation, c.aspect) for c in recorder.writes] == [("write_aspect", "versioning")]


def test_manager_refuses_a_desired_model_of_another_kind(memory: InMemoryProvider) -> None:
    from awsstate.spec import DesiredModel

    class Other(DesiredModel):
        pass

    with pytest.raises(TypeError, match="takes S3BucketDesired"):
        S3BucketManager(provider=memory).plan(Other(name="x"))


def test_default_provider_is_aws_and_created_lazily() -> None:
    manager = S3BucketManager()
    assert manager._provider is None
    assert type(manager.provider).__name__ == "AwsProvider"


def test_reprs_are_helpful(memory: InMemoryProvider) -> None:
    manager = S3BucketManager(provider=memory)
    plan = manager.plan(DESIRED)
    assert repr(plan) == "Plan(s3_bucket 'manager-bucket': +create, ~tags, ~versioning)"
    result = manager.apply(DESIRED)
    assert repr(result) == "ApplyResult(changed=True, s3_bucket 'manager-bucket': +create, ~tags, ~versioning)"
    assert repr(manager).startswith("S3BucketManager(provider=InMemoryProvider(")

