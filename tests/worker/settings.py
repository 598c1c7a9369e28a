"""Settings of the Celery worker that the real-worker tests start.

The test settings, plus the names of the test databases pytest-django created (passed in
WORKER_DATABASES as JSON {alias: name}), so that the worker reads and writes the same rows as
the test process.
"""

from __future__ import annotations

import json
import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

for _alias, _name in json.loads(os.environ.get("WORKER_DATABASES") or "{}").items():
    DATABASES[_alias]["NAME"] = _name
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or None
