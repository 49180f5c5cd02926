"""The Secrets Manager secret resource (models in ``models.py`` and ``rotation.py``, declaration in ``kind.py``)."""
