"""The ``restorekit`` console command (:mod:`restorekit.cli.main`) and its in-package
subcommands (``print-config``, ``flops``)."""
