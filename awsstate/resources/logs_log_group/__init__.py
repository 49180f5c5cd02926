"""The CloudWatch Logs log group resource (model in ``models.py``, declaration in ``kind.py``)."""
