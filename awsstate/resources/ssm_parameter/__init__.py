"""The SSM Parameter Store parameter resource (model in ``models.py``, declaration in ``kind.py``)."""
