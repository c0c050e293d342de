"""``python -m restorekit ...`` = the ``restorekit`` console command."""

import sys

from restorekit.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
