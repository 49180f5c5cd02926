"""Conversions between boto3's S3 configuration dicts (PascalCase) and awsstate's canonical values.

Pure functions, no calls: the S3 handler uses them on both sides of each Get/Put. Each ``*_to_aws``
produces what the Put call takes; each ``*_from_aws`` turns a Get response into the canonical
value the resource's models describe, leaving out what is unset, as AWS does.
"""

from __future__ import annotations

import datetime
from typing import Any

from awsstate.canonical import Json, json_list

__all__ = [
    "acl_from_grants",
    "cors_from_aws",
    "cors_to_aws",
    "encryption_from_aws",
    "encryption_to_aws",
    "lifecycle_from_aws",
    "lifecycle_to_aws",
    "notifications_from_aws",
    "notifications_to_aws",
    "object_lock_from_aws",
    "object_lock_to_aws",
    "website_from_aws",
    "website_to_aws",
]

_GROUPS = "http://acs.amazonaws.com/groups/"
# The grants (besides the owner's FULL_CONTROL) each canned bucket ACL gives.
_CANNED: dict[frozenset[tuple[str, str]], str] = {
    frozenset(): "private",
    frozenset({("global/AllUsers", "READ")}): "public-read",
    frozenset({("global/AllUsers", "READ"), ("global/AllUsers", "WRITE")}): "public-read-write",
    frozenset({("global/AuthenticatedUsers", "READ")}): "authenticated-read",
    frozenset({("s3/LogDelivery", "WRITE"), ("s3/LogDelivery", "READ_ACP")}): "log-delivery-write",
}


def _date(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).date().isoformat()
    return str(value)[:10]


def _midnight(value: Json) -> datetime.datetime:
    return datetime.datetime.fromisoformat(str(value)).replace(tzinfo=datetime.UTC)


def _tags_to_aws(tags: Json) -> list[dict[str, str]]:
    return [{"Key": k, "Value": str(v)} for k, v in sorted((tags or {}).items())] if isinstance(tags, dict) else []


# -- lifecycle ---------------------------------------------------------------------------------


def _filter_to_aws(rule: dict[str, Json]) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    if rule.get("prefix"):
        parts["Prefix"] = rule["prefix"]
    tags = _tags_to_aws(rule.get("tags"))
    if rule.get("object_size_greater_than") is not None:
        parts["ObjectSizeGreaterThan"] = rule["object_size_greater_than"]
    if rule.get("object_size_less_than") is not None:
        parts["ObjectSizeLessThan"] = rule["object_size_less_than"]
    if len(parts) + len(tags) <= 1:
        if tags:
            return {"Tag": tags[0]}
        return parts  # {} filters nothing: the whole bucket
    if tags:
        parts["Tags"] = tags
    return {"And": parts}


def lifecycle_to_aws(rules: Json) -> list[dict[str, Any]]:
    """``LifecycleConfiguration.Rules`` for canonical rules."""
    result = []
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict):
            continue
        item: dict[str, Any] = {"ID": rule["id"], "Status": rule.get("status", "Enabled"),
                                "Filter": _filter_to_aws(rule)}
        expiration: dict[str, Any] = {}
        if rule.get("expiration_days") is not None:
            expiration["Days"] = rule["expiration_days"]
        if rule.get("expiration_date") is not None:
            expiration["Date"] = _midnight(rule["expiration_date"])
        if rule.get("expired_object_delete_marker") is not None:
            expiration["ExpiredObjectDeleteMarker"] = rule["expired_object_delete_marker"]
        if expiration:
            item["Expiration"] = expiration
        transitions = rule.get("transitions")
        if isinstance(transitions, list) and transitions:
            item["Transitions"] = [
                {"StorageClass": t["storage_class"],
                 **({"Days": t["days"]} if t.get("days") is not None else {"Date": _midnight(t.get("date"))})}
                for t in transitions if isinstance(t, dict)
            ]
        if rule.get("noncurrent_expiration_days") is not None:
            item["NoncurrentVersionExpiration"] = {"NoncurrentDays": rule["noncurrent_expiration_days"]}
            if rule.get("newer_noncurrent_versions") is not None:
                item["NoncurrentVersionExpiration"]["NewerNoncurrentVersions"] = rule["newer_noncurrent_versions"]
        noncurrent = rule.get("noncurrent_transitions")
        if isinstance(noncurrent, list) and noncurrent:
            item["NoncurrentVersionTransitions"] = [
                {"StorageClass": t["storage_class"], "NoncurrentDays": t["noncurrent_days"],
                 **({"NewerNoncurrentVersions": t["newer_noncurrent_versions"]}
                    if t.get("newer_noncurrent_versions") is not None else {})}
                for t in noncurrent if isinstance(t, dict)
            ]
        if rule.get("abort_incomplete_multipart_upload_days") is not None:
            item["AbortIncompleteMultipartUpload"] = {
                "DaysAfterInitiation": rule["abort_incomplete_multipart_upload_days"]}
        result.append(item)
    return result


def _filter_from_aws(rule: dict[str, Any]) -> dict[str, Json]:
    out: dict[str, Json] = {}
    # Old-style rules carry a top-level Prefix instead of a Filter: the same meaning.
    filt = rule.get("Filter")
    if filt is None:
        filt = {"Prefix": rule.get("Prefix", "")}
    parts = filt.get("And", filt)
    if parts.get("Prefix"):
        out["prefix"] = parts["Prefix"]
    tags = list(parts.get("Tags", [])) + ([filt["Tag"]] if "Tag" in filt else [])
    if tags:
        out["tags"] = {t["Key"]: t["Value"] for t in tags}
    for aws_key, key in (("ObjectSizeGreaterThan", "object_size_greater_than"),
                         ("ObjectSizeLessThan", "object_size_less_than")):
        if parts.get(aws_key) is not None:
            out[key] = int(parts[aws_key])
    return out


def lifecycle_from_aws(rules: list[dict[str, Any]]) -> list[Json]:
    """Canonical rules from ``GetBucketLifecycleConfiguration``'s ``Rules``."""
    result: list[Json] = []
    for rule in rules:
        out: dict[str, Json] = {"id": rule.get("ID", ""), "status": rule.get("Status", "Enabled")}
        out.update(_filter_from_aws(rule))
        expiration = rule.get("Expiration") or {}
        if expiration.get("Days"):
            out["expiration_days"] = int(expiration["Days"])
        if expiration.get("Date") is not None:
            out["expiration_date"] = _date(expiration["Date"])
        if expiration.get("ExpiredObjectDeleteMarker"):
            out["expired_object_delete_marker"] = True
        if rule.get("Transitions"):
            out["transitions"] = [
                {"storage_class": t["StorageClass"],
                 **({"days": int(t["Days"])} if t.get("Days") is not None else {"date": _date(t.get("Date"))})}
                for t in rule["Transitions"]
            ]
        nve = rule.get("NoncurrentVersionExpiration") or {}
        if nve.get("NoncurrentDays"):
            out["noncurrent_expiration_days"] = int(nve["NoncurrentDays"])
        if nve.get("NewerNoncurrentVersions"):
            out["newer_noncurrent_versions"] = int(nve["NewerNoncurrentVersions"])
        if rule.get("NoncurrentVersionTransitions"):
            out["noncurrent_transitions"] = [
                {"storage_class": t["StorageClass"], "noncurrent_days": int(t["NoncurrentDays"]),
                 **({"newer_noncurrent_versions": int(t["NewerNoncurrentVersions"])}
                    if t.get("NewerNoncurrentVersions") else {})}
                for t in rule["NoncurrentVersionTransitions"]
            ]
        abort = rule.get("AbortIncompleteMultipartUpload") or {}
        if abort.get("DaysAfterInitiation"):
            out["abort_incomplete_multipart_upload_days"] = int(abort["DaysAfterInitiation"])
        result.append(out)
    return result


# -- CORS --------------------------------------------------------------------------------------

_CORS_KEYS = (("id", "ID"), ("allowed_methods", "AllowedMethods"), ("allowed_origins", "AllowedOrigins"),
              ("allowed_headers", "AllowedHeaders"), ("expose_headers", "ExposeHeaders"),
              ("max_age_seconds", "MaxAgeSeconds"))


def cors_to_aws(rules: Json) -> list[dict[str, Any]]:
    """``CORSConfiguration.CORSRules`` for canonical rules."""
    return [{aws: rule[key] for key, aws in _CORS_KEYS if rule.get(key) is not None}
            for rule in (rules if isinstance(rules, list) else []) if isinstance(rule, dict)]


def cors_from_aws(rules: list[dict[str, Any]]) -> list[Json]:
    """Canonical rules from ``GetBucketCors``'s ``CORSRules``."""
    return [{key: rule[aws] for key, aws in _CORS_KEYS if rule.get(aws) not in (None, [])} for rule in rules]


# -- website -----------------------------------------------------------------------------------

_CONDITION_KEYS = (("key_prefix_equals", "KeyPrefixEquals"),
                   ("http_error_code_returned_equals", "HttpErrorCodeReturnedEquals"))
_REDIRECT_KEYS = (("host_name", "HostName"), ("protocol", "Protocol"),
                  ("replace_key_prefix_with", "ReplaceKeyPrefixWith"), ("replace_key_with", "ReplaceKeyWith"),
                  ("http_redirect_code", "HttpRedirectCode"))


def _pick(source: Any, keys: tuple[tuple[str, str], ...], *, to_aws: bool) -> dict[str, Any]:
    if not isinstance(source, dict):
        return {}
    pairs = [(ours, theirs) if to_aws else (theirs, ours) for ours, theirs in keys]
    return {dst: source[src] for src, dst in pairs if source.get(src) is not None}


def website_to_aws(website: Json) -> dict[str, Any]:
    """``WebsiteConfiguration`` for a canonical website value."""
    config: dict[str, Any] = {}
    if not isinstance(website, dict):
        return config
    redirect_all = website.get("redirect_all_requests_to")
    if isinstance(redirect_all, dict):
        config["RedirectAllRequestsTo"] = _pick(redirect_all, _REDIRECT_KEYS[:2], to_aws=True)
        return config
    config["IndexDocument"] = {"Suffix": website.get("index_document")}
    if website.get("error_document"):
        config["ErrorDocument"] = {"Key": website["error_document"]}
    rules = website.get("routing_rules")
    if isinstance(rules, list) and rules:
        config["RoutingRules"] = []
        for rule in rules:
            if not isinstance(rule, dict):
                continue
            item: dict[str, Any] = {"Redirect": _pick(rule.get("redirect"), _REDIRECT_KEYS, to_aws=True)}
            condition = _pick(rule.get("condition"), _CONDITION_KEYS, to_aws=True)
            if condition:
                item["Condition"] = condition
            config["RoutingRules"].append(item)
    return config


def website_from_aws(response: dict[str, Any]) -> Json:
    """The canonical website value from a ``GetBucketWebsite`` response."""
    if "RedirectAllRequestsTo" in response:
        return {"redirect_all_requests_to": _pick(response["RedirectAllRequestsTo"], _REDIRECT_KEYS[:2],
                                                  to_aws=False)}
    out: dict[str, Json] = {}
    if response.get("IndexDocument", {}).get("Suffix"):
        out["index_document"] = response["IndexDocument"]["Suffix"]
    if response.get("ErrorDocument", {}).get("Key"):
        out["error_document"] = response["ErrorDocument"]["Key"]
    rules: list[Json] = []
    for rule in response.get("RoutingRules") or []:
        item: dict[str, Json] = {"redirect": _pick(rule.get("Redirect"), _REDIRECT_KEYS, to_aws=False)}
        condition = _pick(rule.get("Condition"), _CONDITION_KEYS, to_aws=False)
        if condition:
            item["condition"] = condition
        rules.append(item)
    if rules:
        out["routing_rules"] = rules
    return out or None


# -- notifications -----------------------------------------------------------------------------

_TARGET_KINDS = (("sqs", "QueueConfigurations", "QueueArn"), ("sns", "TopicConfigurations", "TopicArn"),
                 ("lambda", "LambdaFunctionConfigurations", "LambdaFunctionArn"))


def notifications_to_aws(value: Json) -> dict[str, Any]:
    """``NotificationConfiguration`` for a canonical notifications value (``{}``: none)."""
    config: dict[str, Any] = {}
    value = value if isinstance(value, dict) else {}
    for target in json_list(value.get("targets")):
        if not isinstance(target, dict):
            continue
        arn = str(target["arn"])
        _, section, arn_key = next(k for k in _TARGET_KINDS if arn.split(":")[2] == k[0])
        item: dict[str, Any] = {arn_key: arn, "Events": json_list(target.get("events"))}
        if target.get("id"):
            item["Id"] = target["id"]
        # Lowercase rule names: AWS accepts either case, moto only lowercase.
        rules = [{"Name": name, "Value": target[name]} for name in ("prefix", "suffix") if target.get(name)]
        if rules:
            item["Filter"] = {"Key": {"FilterRules": rules}}
        config.setdefault(section, []).append(item)
    if value.get("eventbridge"):
        config["EventBridgeConfiguration"] = {}
    return config


def notifications_from_aws(response: dict[str, Any]) -> Json:
    """The canonical notifications value from ``GetBucketNotificationConfiguration``."""
    targets: list[Json] = []
    for _, section, arn_key in _TARGET_KINDS:
        for item in response.get(section) or []:
            target: dict[str, Json] = {"id": item.get("Id"), "arn": item[arn_key], "events": list(item["Events"])}
            for rule in item.get("Filter", {}).get("Key", {}).get("FilterRules", []):
                target[str(rule["Name"]).lower()] = rule["Value"]
            targets.append(target)
    return {"eventbridge": "EventBridgeConfiguration" in response, "targets": targets}


# -- ACL ---------------------------------------------------------------------------------------


def acl_from_grants(owner_id: str | None, grants: list[dict[str, Any]]) -> str:
    """The canned ACL a bucket's grants amount to, or ``custom``."""
    extra: set[tuple[str, str]] = set()
    for grant in grants:
        grantee = grant.get("Grantee", {})
        permission = str(grant.get("Permission"))
        if grantee.get("Type") == "CanonicalUser" and grantee.get("ID") == owner_id and permission == "FULL_CONTROL":
            continue
        uri = str(grantee.get("URI", ""))
        if grantee.get("Type") != "Group" or not uri.startswith(_GROUPS):
            return "custom"
        extra.add((uri[len(_GROUPS):], permission))
    return _CANNED.get(frozenset(extra), "custom")


# -- encryption --------------------------------------------------------------------------------


def encryption_from_aws(response: dict[str, Any]) -> Json:
    """The canonical encryption value from ``GetBucketEncryption`` (SSE-S3 when none is configured).

    For SSE-S3 the KMS-only settings mean nothing and are left out, whatever the rule says.
    """
    rules = response.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    algorithm = str(default.get("SSEAlgorithm", "AES256"))
    if algorithm == "AES256":
        return {"algorithm": algorithm, "kms_key_id": None, "bucket_key_enabled": False}
    return {"algorithm": algorithm, "kms_key_id": default.get("KMSMasterKeyID"),
            "bucket_key_enabled": bool(rules[0].get("BucketKeyEnabled", False))}


def encryption_to_aws(value: Json) -> dict[str, Any]:
    """``ServerSideEncryptionConfiguration`` for a canonical encryption value."""
    enc = value if isinstance(value, dict) else {}
    default: dict[str, Any] = {"SSEAlgorithm": enc.get("algorithm") or "AES256"}
    if enc.get("kms_key_id"):
        default["KMSMasterKeyID"] = enc["kms_key_id"]
    rule: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": default}
    if default["SSEAlgorithm"] != "AES256":
        rule["BucketKeyEnabled"] = bool(enc.get("bucket_key_enabled"))
    return {"Rules": [rule]}


# -- object lock -------------------------------------------------------------------------------


def object_lock_from_aws(response: dict[str, Any]) -> Json:
    """The canonical object lock value from ``GetObjectLockConfiguration``."""
    config = response.get("ObjectLockConfiguration", {})
    if config.get("ObjectLockEnabled") != "Enabled":
        return {"enabled": False}
    value: dict[str, Json] = {"enabled": True}
    retention = config.get("Rule", {}).get("DefaultRetention", {})
    if retention.get("Mode"):
        value["mode"] = retention["Mode"]
        for key, aws_key in (("days", "Days"), ("years", "Years")):
            if retention.get(aws_key):  # moto reports the unset one as 0
                value[key] = int(retention[aws_key])
    return value


def object_lock_to_aws(lock: dict[str, Json]) -> dict[str, Any]:
    """``ObjectLockConfiguration`` for an enabled canonical object lock value."""
    config: dict[str, Any] = {"ObjectLockEnabled": "Enabled"}
    if lock.get("mode"):
        retention: dict[str, Any] = {"Mode": lock["mode"]}
        retention.update({aws_key: lock[key] for key, aws_key in (("days", "Days"), ("years", "Years"))
                          if lock.get(key)})
        config["Rule"] = {"DefaultRetention": retention}
    return config
