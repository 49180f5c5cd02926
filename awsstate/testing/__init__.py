"""Test support shipped with awsstate, for your tests and ours.

Use the in-memory provider in your own tests, with pytest fixtures::

    # conftest.py
    pytest_plugins = ["awsstate.testing.fixtures"]

    # test_buckets.py
    def test_my_code_creates_a_versioned_bucket(awsstate_provider):
        my_code_that_takes_a_provider(awsstate_provider)
        bucket = awsstate_provider.inner.world.require("s3_bucket", "my-bucket")
        assert bucket.aspects["versioning"] == "Enabled"
        assert len(awsstate_provider.writes) == 2

:class:`FakeClock` makes settle/backoff waits instant and observable. :class:`MotoServer`
(needs the ``moto`` extra) starts a moto server on 127.0.0.1 for tests that should speak HTTP.
"""

from awsstate.testing.clock import FakeClock
from awsstate.testing.motoserver import MotoServer

__all__ = ["FakeClock", "MotoServer"]
