"""S3 objects: the object verbs, desired-state objects and directory sync.

The front door is :class:`awsstate.objects.verbs.S3Objects` (exported from ``awsstate``); the
desired models are :class:`~awsstate.objects.desired.S3ObjectDesired` and
:class:`~awsstate.objects.syncmodel.S3SyncDesired`. This package imports nothing on its own:
the provider interface imports :mod:`awsstate.objects.calls` and :mod:`awsstate.objects.values`
without pulling in the rest.
"""
