"""A database a subprocess can share with the test, on SQLite and on PostgreSQL.

On PostgreSQL the pytest-django test database (`test_…`, with any xdist suffix) is a real database: with
`transaction=True` tests the fixtures' rows are committed, and the subprocess connects to it with the same settings.
On SQLite the test database lives in memory, so it is copied to a file (SQLite's backup API) before the subprocess
starts, and the file, as the killed subprocess left it, is copied back afterwards. Recovering that file is SQLite's own
crash recovery: an uncommitted transaction in the WAL is ignored.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
#: Waiting for the subprocess to reach its pause (Django start-up and the job); generous for a loaded CI machine.
MARKER_TIMEOUT = 15.0


@dataclass
class SharedDatabase:
    tmp: Path

    @property
    def sqlite(self) -> bool:
        return connection.vendor == "sqlite"

    @property
    def file(self) -> Path:
        return self.tmp / "shared.sqlite3"

    def settings_json(self) -> str:
        s = connection.settings_dict
        keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
        data = {k: s[k] for k in keys if k in s}
        if self.sqlite:
            data["NAME"] = str(self.file)
        return json.dumps(data)

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.fault.subprocess_settings",
            "SAFEHUB_FAULT_DB": self.settings_json(),
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }

    def hand_over(self) -> None:
        """Make everything the test has written visible to a subprocess."""
        if self.sqlite:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.file}{suffix}").unlink(missing_ok=True)
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()

    def take_back(self) -> None:
        """See what the subprocess left in the database from the test process."""
        if self.sqlite:
            connection.ensure_connection()
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()
        else:
            connection.close()  # a fresh connection: no cached state from before the subprocess

    def run(self, *args: str) -> subprocess.CompletedProcess:
        self.hand_over()
        done = subprocess.run(  # noqa: S603 - our own driver, fixed arguments
            [sys.executable, "-m", "tests.fault.driver", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        self.take_back()
        return done

    def kill_at_marker(self, *args: str) -> Path:
        """Start the driver, wait until it writes its marker (paused inside its transaction), then SIGKILL it."""
        marker = self.tmp / "paused.marker"
        marker.unlink(missing_ok=True)
        self.hand_over()
        process = subprocess.Popen(  # noqa: S603 - our own driver, fixed arguments
            [sys.executable, "-m", "tests.fault.driver", *args, "--marker", str(marker)],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            waited = 0.0
            while not marker.exists():
                if process.poll() is not None:
                    pytest.fail(f"the job ended before its pause (exit {process.returncode}):\n{process.stdout.read()}")
                if waited > MARKER_TIMEOUT:
                    pytest.fail("the job did not reach its pause in time")
                time.sleep(0.05)
                waited += 0.05
            os.kill(process.pid, signal.SIGKILL)
            assert process.wait(timeout=10) == -signal.SIGKILL
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
        self.take_back()
        return marker


@pytest.fixture
def shared_db(transactional_db, tmp_path) -> SharedDatabase:
    return SharedDatabase(tmp_path)
