"""The DynamoDB table resource (models in ``models.py``, ``indexes.py`` and ``values.py``; the
declaration in ``kind.py``)."""

from awsstate.resources.dynamodb_table.indexes import GlobalSecondaryIndex, KeyAttribute, LocalSecondaryIndex
from awsstate.resources.dynamodb_table.models import DynamodbTableDesired
from awsstate.resources.dynamodb_table.values import PointInTimeRecovery, TableBilling, TableEncryption

__all__ = [
    "DynamodbTableDesired",
    "GlobalSecondaryIndex",
    "KeyAttribute",
    "LocalSecondaryIndex",
    "PointInTimeRecovery",
    "TableBilling",
    "TableEncryption",
]
