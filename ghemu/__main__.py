"""``python -m ghemu``: see ``ghemu.cli``."""

import sys

from ghemu.cli import main

sys.exit(main())
