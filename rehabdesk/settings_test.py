"""Only what the test suite changes. DATABASE_URL still chooses SQLite or PostgreSQL."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-" + "k" * 50)
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")

from rehabdesk.settings import *  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
STATIC_ROOT = None  # tests serve static files from the apps, nothing is collected
# Uploaded documents written by tests stay apart from the development server's.
DOCUMENTS_DIR = VAR_DIR / "test-documents"
# The live server's thread must not keep a connection open past a request: PostgreSQL
# cannot drop the test database while one is.
DATABASES["default"]["CONN_MAX_AGE"] = 0

# SQLite tests use a file, not memory: concurrency tests need real separate connections
# (an in-memory database is one shared connection and could never show a race).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# A test's signed-in clients live as long as the test, by the real clock; the session
# limits' own tests (rehabdesk/web/tests/test_session_limits.py) move a controlled clock
# against the numbers they set. Here the limits are wide enough for a slow run.
SESSION_STAFF_IDLE_MINUTES = 240
SESSION_PATIENT_IDLE_MINUTES = 240
REAUTH_MINUTES = 240

# Tests deliver webhooks to receivers on 127.0.0.1; the SSRF tests turn this off.
WEBHOOKS_ALLOW_PRIVATE = True
