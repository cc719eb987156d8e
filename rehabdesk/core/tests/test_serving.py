"""A serving process imports its views and freezes what start-up made before serving."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import gc, sys
import rehabdesk.wsgi
print(gc.get_freeze_count(), "rehabdesk.api.scheduling" in sys.modules)
"""


def test_the_wsgi_application_starts_with_its_views_imported_and_frozen(tmp_path):
    # Importing the URLconf alone adds about 26,000 objects to Django's 68,000.
    finished = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "rehabdesk.settings_test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    frozen, views_imported = finished.stdout.split()
    assert views_imported == "True"
    assert int(frozen) > 80_000
