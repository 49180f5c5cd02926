"""Resource kinds: one package per kind (see :mod:`awsstate.kinds`), each with its models, its
kind declaration (``KIND``), its manager (``MANAGER``) and the names it exports (``EXPORTS``)."""
