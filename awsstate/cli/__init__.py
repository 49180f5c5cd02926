"""The ``awsstate`` command (:mod:`awsstate.cli.app`) over YAML stack spec files
(:mod:`awsstate.cli.specfile`). Imported only by the command: ``import awsstate`` never loads
click, PyYAML or rich."""
