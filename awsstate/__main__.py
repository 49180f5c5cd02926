"""``python -m awsstate``: the ``awsstate`` command."""

from awsstate.cli.app import main

main()
