"""Settings for a fault-test subprocess: the test settings, pointed at the database the test process hands over.

The test process puts its own connection settings (the pytest-django test database on PostgreSQL, or a file copy of the
in-memory SQLite test database) in SAFEHUB_FAULT_DB as JSON.
"""

import json
import os

from safehub.settings.test import *  # noqa: F403
from safehub.settings.test import DATABASES

DATABASES["default"] = {**DATABASES["default"], **json.loads(os.environ["SAFEHUB_FAULT_DB"])}
DATABASES["default"].pop("TEST", None)
DATABASES["default"]["CONN_MAX_AGE"] = 0
