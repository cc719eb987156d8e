"""Rehabdesk settings: one module, read from the environment.

Defaults are safe: DEBUG is off and a secret key is then required. Development turns
DEBUG on (`make run` does); every variable is listed in README.md.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from rehabdesk.core.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("REHABDESK_VAR_DIR", str(BASE_DIR / "var")))
# Patients' documents (referrals, imaging reports): outside the web root, served only
# through the access policy (care.documents).
DOCUMENTS_DIR = Path(env_str("REHABDESK_DOCUMENTS_DIR", str(VAR_DIR / "documents")))
# The largest document accepted for upload, in bytes (10 MiB: a scanned referral or an
# imaging report). The reverse proxy should cap request bodies a little above it.
DOCUMENT_MAX_BYTES = env_int("REHABDESK_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)

DEBUG = env_bool("DEBUG", default=False)

# A fixed key is only acceptable where nothing real is protected by it.
_DEVELOPMENT_SECRET_KEY = "development-only-key-never-used-when-DEBUG-is-off-" + "x" * 16
SECRET_KEY = env_secret("SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY if DEBUG else None)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Where patients reach the site: links in e-mails (manage my booking, set a password)
# start with it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Sign-in throttling: failures counted per account and per address (ACCOUNTS below).
    "axes",
    # Only for its static files and templates: the API's docs page (/api/docs) serves
    # Swagger UI from our own static files instead of a CDN.
    "ninja",
    # Second factors for staff (rehabdesk/security): authenticator apps (TOTP),
    # recovery codes (static tokens) and passkeys (WebAuthn).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "rehabdesk.core",
    "rehabdesk.accounts",
    "rehabdesk.apitokens",
    "rehabdesk.webhooks",
    "rehabdesk.audit",
    "rehabdesk.notifications",
    "rehabdesk.clinic",
    "rehabdesk.patients",
    "rehabdesk.consents",
    "rehabdesk.scheduling",
    "rehabdesk.guidance",
    "rehabdesk.safety",
    "rehabdesk.intake",
    "rehabdesk.online",
    "rehabdesk.care",
    "rehabdesk.billing",
    "rehabdesk.outcomes",
    "rehabdesk.exercises",
    "rehabdesk.plans",
    "rehabdesk.privacy",
    "rehabdesk.fhir",
    "rehabdesk.web",
    "rehabdesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, Permissions-Policy, and no-store on what may carry
    # patient information (web/headers.py).
    "rehabdesk.web.headers.SecurityHeadersMiddleware",
    # Every request gets an id; audit events recorded during it carry the id and address.
    "rehabdesk.audit.middleware.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sessions end when idle or too old, or when signed out everywhere; a staff session
    # reaches nothing but the sign-in steps until it has passed its second factor.
    "rehabdesk.web.sessions.SessionLimitsMiddleware",
    "rehabdesk.web.sessions.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A refused or unknown patient record answers 404 and the attempt is put on file.
    "rehabdesk.access.middleware.AccessDeniedMiddleware",
    # Last: turns a sign-in refused for too many failures into the locked-out answer
    # (a page, or JSON on the API): rehabdesk.web.sign_in_lockout.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rehabdesk.urls"
WSGI_APPLICATION = "rehabdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rehabdesk.web.context.navigation",
                "rehabdesk.web.context.branding",
            ],
            # `|when` (a date and the time of day) in every template, e-mails included.
            "builtins": ["rehabdesk.core.templatetags.clock"],
        },
    },
]


def database_from_url(url: str) -> dict[str, Any]:
    """Django's DATABASES entry for a URL, with the options each engine needs here."""
    database: dict[str, Any] = dict(dj_database_url.parse(url))
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = {
            # Writers take SQLite's write lock when their transaction begins, so a
            # read-then-write transaction never fails halfway with "database is locked".
            "transaction_mode": "IMMEDIATE",
            # Waiting writers are not served in order: under sustained contention one
            # can wait for several seconds of others' transactions. Be patient rather
            # than fail a booking with "database is locked".
            "timeout": 60,
            # recursive_triggers: INSERT OR REPLACE deletes the row it replaces, and
            # SQLite fires DELETE triggers for that only with this on; without it, REPLACE
            # would rewrite a row of an append-only table past its "no delete" trigger
            # (core.database.AppendOnly, FinalOnceSet).
            "init_command": "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; "
            "PRAGMA synchronous=NORMAL; PRAGMA recursive_triggers=ON;",
        }
    else:
        database["CONN_HEALTH_CHECKS"] = True
    # Reuse a connection across requests: opening one costs about 2 ms on SQLite (Django
    # registers its SQL functions on each) and 5 ms on PostgreSQL, a quarter of a search.
    # Not while developing: the development server (`make run`) answers each browser
    # connection on a thread of its own and never closes what a finished thread kept,
    # so PostgreSQL would soon refuse clients. A connection per request it is, there.
    database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60)
    return database


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rehabdesk.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"
# A link to set or reset a password (online/accounts.py) works for a day, not Django's
# three: long enough to find the e-mail tomorrow, short for a link left in a mailbox.
PASSWORD_RESET_TIMEOUT = 86400
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Passwords seen in breaches, from a list shipped with Rehabdesk: no network call.
    {"NAME": "rehabdesk.accounts.passwords.BreachedPasswordValidator"},
]

# Sign-in throttling (django-axes). Every password check made with a request goes
# through the throttle first (any form: sign-in, admin, own password change), and
# failures are counted twice, apart: per account and per client address. Either count
# reaching the limit within the cool-off refuses further tries, even the right
# password, until the cool-off has passed since the last failure or a manager unlocks
# (/staff/sign-in-locks/). docs: THREAT_MODEL.md, "Brute force".
AUTHENTICATION_BACKENDS = [
    "rehabdesk.accounts.throttle.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The address the audit trail records (REMOTE_ADDR), and the account counted by its
# number, or an address not on file by a keyed hash: axes' tables never hold a typed
# e-mail address, which may be a patient's.
AXES_CLIENT_IP_CALLABLE = "rehabdesk.accounts.throttle.client_address"
AXES_USERNAME_CALLABLE = "rehabdesk.accounts.throttle.account_key"
AXES_USERNAME_FORM_FIELD = "username"
# Axes keeps each failed request's form fields: every one that names someone or holds a
# password is masked there.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "email",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
    "password1",
    "password2",
]
AXES_LOCKOUT_CALLABLE = "rehabdesk.web.sign_in_lockout.locked_out"
# A success does not wipe the address's count: one good account must not reset the
# guessing of others from the same place.
AXES_RESET_ON_SUCCESS = False
# Successes are on the audit trail (accounts/signals.py); axes keeps no second log, and
# its admin screens stay closed: unlocking is the manager's audited page.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Sessions (rehabdesk/web/sessions.py): a staff session ends after this many minutes
# without a request, and after SESSION_STAFF_ABSOLUTE_HOURS whatever happens; a
# patient's after SESSION_PATIENT_IDLE_MINUTES without one. Sensitive actions (a
# factor changed, an export, a break-glass opening) ask for the password or a factor
# again unless one was given within REAUTH_MINUTES.
SESSION_STAFF_IDLE_MINUTES = env_int("SESSION_STAFF_IDLE_MINUTES", 15)
SESSION_STAFF_ABSOLUTE_HOURS = env_int("SESSION_STAFF_ABSOLUTE_HOURS", 12)
SESSION_PATIENT_IDLE_MINUTES = env_int("SESSION_PATIENT_IDLE_MINUTES", 30)
REAUTH_MINUTES = env_int("REAUTH_MINUTES", 5)
# API tokens (rehabdesk/apitokens, docs/api.md): calls one token may make in a minute,
# counted in the database; more answer 429 `rate_limited`. ⚠ 600 (10 a second) is a
# guess at what an integration needs, not a measured figure.
API_TOKEN_CALLS_PER_MINUTE = env_int("API_TOKEN_CALLS_PER_MINUTE", 600)
# Webhooks (rehabdesk/webhooks, docs/webhooks.md). A webhook URL on a private, loopback,
# link-local or reserved address (or plain http) is refused unless this is on: SSRF.
# Off in production; on while developing with DEBUG and in tests (local receivers).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", default=DEBUG)
# Failed tries in a row after which an endpoint is turned off and the managers told.
# ⚠ 10 is a guess: about 15 minutes of the outbox's backoff for one event, sooner when
# events are frequent.
WEBHOOKS_DISABLE_AFTER = env_int("WEBHOOKS_DISABLE_AFTER", 10)
# The cookie lives no longer than the longest session; the middleware ends it sooner.
SESSION_COOKIE_AGE = SESSION_STAFF_ABSOLUTE_HOURS * 3600
# Second factors: the name authenticator apps and passkey prompts show. Passkeys are
# bound to a host name and only ever a second factor here, never a sign-in without the
# password. Browsers accept passkeys on https:// sites and on http://localhost only (not
# on 127.0.0.1): the origins default to SITE_URL's, 127.0.0.1 read as localhost.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Rehabdesk")
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "PASSKEY_ORIGINS", [SITE_URL.replace("://127.0.0.1", "://localhost", 1)]
)
OTP_WEBAUTHN_RP_ID = urlsplit(OTP_WEBAUTHN_ALLOWED_ORIGINS[0]).hostname or "localhost"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Their failures are answered by the passkey views; none of a ceremony's data is logged.
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = ""

LANGUAGE_CODE = "en-ca"
TIME_ZONE = env_str("TIME_ZONE", "America/Toronto")
USE_I18N = True
USE_TZ = True
# One time format everywhere ("9:00 AM"), in rehabdesk/core/formats/en/formats.py.
FORMAT_MODULE_PATH = ["rehabdesk.core.formats"]

STATIC_URL = "static/"
STATIC_ROOT: Path | None = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# E-mail: files under var/mail/ while developing, SMTP otherwise.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
# Seconds per SMTP step: under the outbox's safe window for one send (two thirds of its
# 30 s lease, docs/algorithms/outbox.md), so a slow server never costs a lease.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rehabdesk <no-reply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Text messages (notifications/transports/sms.py): Twilio's Messages API once an account
# is set, files under var/sms/ while developing without one. README, "Text messages".
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_secret("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM = env_str("TWILIO_FROM", "")  # our number, E.164; or a messaging service:
TWILIO_MESSAGING_SERVICE_SID = env_str("TWILIO_MESSAGING_SERVICE_SID", "")
# Where the API is: Twilio's, or a stand-in on 127.0.0.1 (rehabdesk/testing/sms.py).
SMS_PROVIDER_URL = env_str("SMS_PROVIDER_URL", "https://api.twilio.com")
# The public address the provider posts delivery reports and replies to (and signs):
# "https://clinic.example". Empty: the address requests arrive at.
SMS_PUBLIC_URL = env_str("SMS_PUBLIC_URL", "").rstrip("/")
SMS_TRANSPORT = env_str("SMS_TRANSPORT", "twilio" if TWILIO_ACCOUNT_SID or not DEBUG else "file")
SMS_FILE_PATH = VAR_DIR / "sms"
SMS_TIMEOUT = env_int("SMS_TIMEOUT", 10)  # seconds, under two thirds of the outbox lease

# Transport security. Off while developing on plain http; on by default everywhere else,
# so `manage.py check --deploy` passes without extra configuration.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The clinic's own proxies (addresses or networks): behind them, the client's address is
# read from X-Forwarded-For (rehabdesk.audit.middleware.client_ip). Empty: the
# connection's address, whatever the headers say.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is no network") from error
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Sent on every answer by rehabdesk.web.headers (docs/decisions/0008-security-headers.md).
# Scripts only from our own static files: no inline script, no event-handler attribute,
# no eval. Style attributes are allowed (style-src-attr) for the positions the schedule
# and the progress bars compute on the server; style sheets only from our files.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    # Where browsers report what the policy blocked (web/csp_reports.py): report-uri for
    # the browsers that only know it, report-to (REPORTING_ENDPOINTS) for the others.
    "report-uri": ["/csp-report/"],
    "report-to": ["csp"],
}
# Sent as the Reporting-Endpoints header: the report-to groups and their addresses.
REPORTING_ENDPOINTS: dict[str, str] = {"csp": "/csp-report/"}
# Features no page of ours uses, denied to us and to anything embedded. Only features
# Chromium recognises: an unknown one is an error on every page's console (the browser
# tests' header watch fails on it).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Passkeys and security keys (a second factor) are ours to ask for, never an embed's.
PERMISSIONS_POLICY["publickey-credentials-get"] = ["self"]
PERMISSIONS_POLICY["publickey-credentials-create"] = ["self"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A calendar feed's secret is in its path: Django's request loggers never write it
    # (core/log_filters.py). A proxy's access log in front must not either (README).
    "filters": {"secret_paths": {"()": "rehabdesk.core.log_filters.RedactSecretPaths"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"filters": ["secret_paths"]},
        # runserver's request lines (development only), written plainly.
        "django.server": {
            "filters": ["secret_paths"],
            "handlers": ["console"],
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
