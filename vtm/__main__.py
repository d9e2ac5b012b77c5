"""`python -m vtm`: the command line (see vtm.cli)."""

import sys

from vtm.cli import main

sys.exit(main())
