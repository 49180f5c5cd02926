"""One awsstate sync as a command, so the benchmark times it like the peers' commands (fresh interpreter).

``python benchmarks/awsstate_sync.py SOURCE BUCKET PREFIX ENDPOINT [--delete]`` prints one JSON line:
what the plan found and did, or the refusal.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    source, bucket, prefix, endpoint = sys.argv[1:5]
    delete = "--delete" in sys.argv[5:]
    import boto3

    from awsstate import S3Objects, S3SyncDesired, UnsafeChangeError
    from awsstate.providers.aws import AwsProvider

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    objects = S3Objects(AwsProvider(session, region="us-east-1", endpoint_url=endpoint, max_attempts=2),
                        progress=False)
    desired = S3SyncDesired(bucket=bucket, prefix=prefix, source=Path(source), delete=delete)
    try:
        result = objects.apply(desired)
    except UnsafeChangeError as refused:
        print(json.dumps({"refused": str(refused)}))
        return
    plan = result.plan
    print(json.dumps({"actions": len(result.actions), "list_requests": getattr(plan, "list_requests", 0),
                      "heads": getattr(plan, "heads", 0)}))


if __name__ == "__main__":
    main()
