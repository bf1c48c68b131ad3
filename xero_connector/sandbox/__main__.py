"""``python -m xero_connector.sandbox`` is ``xero-sandbox``."""

import sys

from xero_connector.sandbox.cli import main

sys.exit(main())
