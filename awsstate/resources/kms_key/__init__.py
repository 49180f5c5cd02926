"""The KMS key resource, named by its alias (model in ``models.py``, declaration in ``kind.py``)."""
