"""AwsProvider under a stack's threads (moto in-process): one client per (service, region), one
handler per kind, and an SQS URL cache that stays right while many threads read, create and delete.

Races are made likely, not left to luck: a :class:`threading.Barrier` releases every thread at
once, and the session (or handler class) they race to use waits a moment inside each creation for
a second one, which only an unlocked check-then-set would let in.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

import awsstate.providers.aws.provider as provider_module
from awsstate.kinds import kind_spec
from awsstate.providers.aws import AwsProvider
from awsstate.providers.aws.sqs_queue import SqsQueueHandler

THREADS = 24
RACE_WINDOW = 0.2  # seconds a creation waits for a racing second one (the locked code never sends one)


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        yield boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="us-east-1")


class Overlaps:
    """Counts how many callers are inside a section at once; each waits ``RACE_WINDOW`` for company."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = 0
        self._condition = threading.Condition()

    def enter(self) -> None:
        with self._condition:
            self.inside += 1
            self.most = max(self.most, self.inside)
            self._condition.notify_all()
            self._condition.wait_for(lambda: self.inside > 1, timeout=RACE_WINDOW)

    def leave(self) -> None:
        with self._condition:
            self.inside -= 1


class CountingSession:
    """A real boto3 session that counts the clients made from it, and how many were made at once."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self.made: Counter[tuple[str, str | None]] = Counter()
        self.overlaps = Overlaps()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    def client(self, service: str, region_name: str | None = None, **options: Any) -> Any:
        self.overlaps.enter()
        try:
            client = self._session.client(service, region_name=region_name, **options)
        finally:
            self.overlaps.leave()
        self.made[(service, region_name)] += 1
        return client


def _at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """``work(i)`` in ``count`` threads released together; their results (an exception fails the test)."""
    barrier = threading.Barrier(count, timeout=30)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except BaseException as error:  # reported below, with the others
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    return results


KEYS = [("sqs", "eu-west-1"), ("sqs", "us-east-1"), ("s3", "eu-west-1")]


def test_threads_asking_for_clients_at_once_get_one_client_per_service_and_region(session: Any) -> None:
    counting = CountingSession(session)
    provider = AwsProvider(counting, region="us-east-1", max_attempts=2)
    clients = _at_once(THREADS, lambda index: (KEYS[index % len(KEYS)], provider.client(*KEYS[index % len(KEYS)])))
    by_key: dict[tuple[str, str], set[int]] = {}
    for key, client in clients:
        by_key.setdefault(key, set()).add(id(client))
    assert {key: len(ids) for key, ids in by_key.items()} == dict.fromkeys(KEYS, 1)
    assert dict(counting.made) == dict.fromkeys(KEYS, 1), "each client was made once"
    assert counting.overlaps.most == 1, "the session (not thread-safe) never made two clients at once"
    assert len({next(iter(ids)) for ids in by_key.values()}) == len(KEYS), "distinct keys, distinct clients"
    assert provider.client("sqs", None) is provider.client("sqs", "us-east-1"), "no region: the default one"


def test_threads_asking_for_a_kinds_handler_at_once_share_one(session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    overlaps = Overlaps()
    made: Counter[str] = Counter()
    real = provider_module.handler_class

    def slow_handler_class(kind: str) -> Any:
        cls = real(kind)

        def make(clients: Any) -> Any:
            overlaps.enter()
            try:
                made[kind] += 1
                return cls(clients)
            finally:
                overlaps.leave()

        return make

    monkeypatch.setattr(provider_module, "handler_class", slow_handler_class)
    provider = AwsProvider(session, region="us-east-1", max_attempts=2)
    kinds = ["sqs_queue", "s3_bucket"]
    handlers = _at_once(THREADS, lambda index: (kinds[index % 2], provider.handler(kinds[index % 2])))
    assert {kind: len({id(h) for k, h in handlers if k == kind}) for kind in kinds} == dict.fromkeys(kinds, 1)
    assert dict(made) == dict.fromkeys(kinds, 1) and overlaps.most == 1


def _cache(provider: AwsProvider) -> dict[tuple[str | None, str], str]:
    """The SQS handler's URL cache: (region, queue name) -> URL."""
    handler = provider.handler("sqs_queue")
    assert isinstance(handler, SqsQueueHandler)
    return dict(handler._urls)


def _count_get_queue_url(provider: AwsProvider, region: str) -> Counter[str]:
    counts: Counter[str] = Counter()

    def count(params: Any, **_: Any) -> None:
        counts[str(params.get("QueueName"))] += 1

    provider.client("sqs", region).meta.events.register("provide-client-params.sqs.GetQueueUrl", count)
    return counts


def test_the_sqs_url_cache_stays_right_under_concurrent_reads_creates_and_deletes(session: Any) -> None:
    provider = AwsProvider(session, region="us-east-1", max_attempts=2)
    spec = kind_spec("sqs_queue")
    regions = ["eu-west-1", "us-east-1"]  # the same names in both: the cache is keyed by region too
    names = [f"gaps-jobs-{index}" for index in range(6)]
    pairs = [(region, name) for region in regions for name in names]

    # Created from many threads at once: each create caches its own queue's URL.
    _at_once(len(pairs), lambda index: provider.create(spec.ref(pairs[index][1], pairs[index][0]), {}))
    truth = {(region, name): session.client("sqs", region_name=region).get_queue_url(QueueName=name)["QueueUrl"]
             for region, name in pairs}
    assert len(set(truth.values())) == len(pairs)
    assert _cache(provider) == truth

    # A fresh provider: every thread misses the cache at once, then every answer must be its own queue's.
    fresh = AwsProvider(session, region="us-east-1", max_attempts=2)
    lookups = {region: _count_get_queue_url(fresh, region) for region in regions}
    seen = _at_once(THREADS * 2, lambda index: (pairs[index % len(pairs)],
                                                fresh.read_existence(spec.ref(pairs[index % len(pairs)][1],
                                                                              pairs[index % len(pairs)][0]))))
    for (region, name), existence in seen:
        assert existence is not None and existence["url"] == truth[(region, name)], (region, name)
        assert existence["arn"] == f"arn:aws:sqs:{region}:123456789012:{name}"
    assert _cache(fresh) == truth
    before = {region: sum(counts.values()) for region, counts in lookups.items()}
    _at_once(THREADS, lambda index: fresh.read_existence(spec.ref(pairs[index % len(pairs)][1],
                                                                  pairs[index % len(pairs)][0])))
    assert {region: sum(counts.values()) for region, counts in lookups.items()} == before, \
        "a warm cache makes no GetQueueUrl call"

    # Deletes racing reads: a deleted queue is forgotten (read as gone), the others are untouched.
    doomed = [("eu-west-1", "gaps-jobs-0"), ("us-east-1", "gaps-jobs-1")]

    def delete_or_read(index: int) -> Any:
        if index < len(doomed):
            region, name = doomed[index]
            return fresh.delete(spec.ref(name, region))
        region, name = pairs[index % len(pairs)]
        return fresh.read_existence(spec.ref(name, region))

    _at_once(THREADS, delete_or_read)
    for region, name in pairs:
        existence = fresh.read_existence(spec.ref(name, region))
        if (region, name) in doomed:
            assert existence is None, (region, name)
        else:
            assert existence is not None and existence["url"] == truth[(region, name)]
    expected = {key: url for key, url in truth.items() if key not in doomed}
    assert _cache(fresh) == expected, "gone queues forgotten, the others kept"

    # Re-created: the cache learns the queue again and reads find it.
    _at_once(len(doomed), lambda index: fresh.create(spec.ref(doomed[index][1], doomed[index][0]), {}))
    for region, name in doomed:
        existence = fresh.read_existence(spec.ref(name, region))
        assert existence is not None and existence["url"] == truth[(region, name)]
    assert _cache(fresh) == truth
