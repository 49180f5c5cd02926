"""The ECR repository resource (model in ``models.py``, declaration in ``kind.py``)."""
