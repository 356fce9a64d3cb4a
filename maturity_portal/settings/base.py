"""Settings shared by every environment. Values come from the environment (django-environ);
see .env.example for each variable."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

# --- Core ---------------------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", default="insecure-embedded-default-key-change-me-0123456789abcdef")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

ROOT_URLCONF = "maturity_portal.urls"
WSGI_APPLICATION = "maturity_portal.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Project apps, one job each (see docs/architecture.md).
    "core",
    "accounts",
    "frameworks",
    "assessments",
    "evidence",
    "reviews",
    "actions",
    "notifications",
    "benchmarking",
    "reports",
    "exports",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL character in the address is a 400 before anything reads it.
    "core.request_guards.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on every response to a signed-in user.
    "core.middleware.NoStoreForSignedInMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Fail closed: every view needs a signed-in user unless it is marked public (core.access).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Two-factor set-up/verification first, then the authority or area the request acts for.
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.ActingForMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.ServiceUnavailableMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.service",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# SQLite under var/ when DATABASE_URL is unset (the embedded default); PostgreSQL when it is set.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, eager tasks) share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# --- Users and sign-in --------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PortalBackend",  # ModelBackend, reading two per-request facts with the user
    # Only for sessions signed in before PortalBackend; it never sees a password (see there).
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions end after this many seconds without a request (idle expiry).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=60 * 60)
# Saved (and so extended) at most once a minute, not on every request: accounts.middleware.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Login throttling (django-axes): lock an account and address pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# How many reverse proxies in front of the portal append to (or set) X-Forwarded-For: the client
# address for throttling and security events is read from there (accounts.security).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip_address"
PORTAL_REQUIRE_2FA = env.bool("PORTAL_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Maturity Portal")
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence is private: no MEDIA_URL; files leave only through permission-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Forms: GOV.UK Design System layouts for crispy forms ---------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Security headers (baseline; production adds HTTPS-only settings) ---------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Email --------------------------------------------------------------------------------------
# EMAIL_URL picks the backend: consolemail:// (default), smtp+tls://user:pass@host:587, ...
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Maturity Portal <no-reply@maturity-portal.invalid>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------------------------
# With no broker configured tasks run eagerly in the web process and propagate their errors.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when the broker is down: fail fast, the outbox retries.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "health-ping": {"task": "core.tasks.ping", "schedule": 300.0},
    "sweep-outbox": {"task": "core.tasks.sweep_outbox", "schedule": 60.0},
    "housekeeping": {"task": "core.tasks.housekeeping", "schedule": 24 * 60 * 60.0},
}
# Retention of records the daily housekeeping deletes (core.housekeeping, docs/retention.md).
SIGN_IN_LOG_RETENTION_DAYS = env.int("SIGN_IN_LOG_RETENTION_DAYS", default=90)
SECURITY_EVENT_RETENTION_DAYS = env.int("SECURITY_EVENT_RETENTION_DAYS", default=400)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=30)
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=365)

# --- REST framework -----------------------------------------------------------------------------
# The read-only JSON API (api app, docs/api.md). Personal API tokens first, then the session.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.PortalSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    # Per token; counted in Django's default cache (per process unless CACHES is shared).
    "DEFAULT_THROTTLE_RATES": {"api_token": env("API_TOKEN_RATE", default="120/minute")},
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": None,  # no ?format=: unknown query parameters are a 400
    "COERCE_DECIMAL_TO_STRING": False,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Maturity Portal API",
    "DESCRIPTION": (
        "Read-only access to the Data Maturity Model's published versions, assessment rounds, "
        "assessments with their stored results, and anonymised benchmarks. Authenticate with a "
        "personal API token (`Authorization: Bearer <token>`, made under Your account > API "
        'tokens) or a signed-in session. Every error is JSON: `{"message": ..., "errors": '
        "{...}}`. Another authority's data answers 404, like data that does not exist."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"AssessmentStatusEnum": "assessments.models.AssessmentStatus"},
    # Swagger UI and ReDoc from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# --- Logging: everything to stdout --------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- The portal ---------------------------------------------------------------------------------
PORTAL_SERVICE_NAME = env("PORTAL_SERVICE_NAME", default="Maturity Portal")
# The crown and the GDS Transport font are for services on GOV.UK only.
PORTAL_GOVUK_BRANDING = env.bool("PORTAL_GOVUK_BRANDING", default=False)
PORTAL_PHASE = env("PORTAL_PHASE", default="beta")
PORTAL_FEEDBACK_EMAIL = env("PORTAL_FEEDBACK_EMAIL", default="maturity-portal@example.org")
PORTAL_ENVIRONMENT = "base"
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-portal-2026")

# --- Accounts: sign-in, two-factor, invitations, tenancy (accounts app) -------------------------
# Signed-in users land on their "acting for" dashboard.
LOGIN_REDIRECT_URL = "accounts:dashboard"
# Lock-outs count an email address however it is capitalised.
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
# Absolute links in emails (invitations). Empty: taken from the request's host.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="")
# Demo data from later features: dotted paths of `seed(data, stdout)` functions that
# `manage.py seed_demo` calls after the accounts demo data (see accounts/demo.py).
PORTAL_DEMO_SEEDERS: list[str] = []

# --- Assessments (assessments app) --------------------------------------------------------------
# Demo rounds and assessments for the demo authorities, after the accounts demo data.
PORTAL_DEMO_SEEDERS = [*PORTAL_DEMO_SEEDERS, "assessments.demo.seed"]

# --- Benchmarking (benchmarking app) ------------------------------------------------------------
# Peer groups with fewer agreed assessments than this publish no figures anywhere (pages, exports,
# API, reports). Never below 3: smaller groups would identify authorities.
BENCHMARK_MIN_GROUP_SIZE = env.int("BENCHMARK_MIN_GROUP_SIZE", default=5)
if BENCHMARK_MIN_GROUP_SIZE < 3:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"BENCHMARK_MIN_GROUP_SIZE is {BENCHMARK_MIN_GROUP_SIZE}: it must be 3 or more, so that "
        "no published benchmark can identify an authority."
    )
# Demo benchmark snapshots for every round, after the demo assessments.
PORTAL_DEMO_SEEDERS = [*PORTAL_DEMO_SEEDERS, "benchmarking.demo.seed"]

# --- Evidence (evidence app) --------------------------------------------------------------------
# Files are checked by content and extension, stored under random names in the "evidence" storage
# (never under a public URL) and leave only through permission-checked download views.
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Files of assessments whose round closed, and which last changed, this many days ago are deleted.
EVIDENCE_RETENTION_DAYS = env.int("EVIDENCE_RETENTION_DAYS", default=6 * 365)
# Zip-bomb limits for OOXML and ODF files (the archives are inspected, never extracted).
EVIDENCE_ZIP_MAX_ENTRIES = env.int("EVIDENCE_ZIP_MAX_ENTRIES", default=2000)
EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES = env.int(
    "EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024
)
EVIDENCE_ZIP_MAX_RATIO = env.int("EVIDENCE_ZIP_MAX_RATIO", default=200)
EVIDENCE_STORAGE = env("EVIDENCE_STORAGE", default="local")
if EVIDENCE_STORAGE == "s3":
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "location": env("AWS_EVIDENCE_LOCATION", default="evidence"),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ContentDisposition": "attachment"},
        },
    }
elif EVIDENCE_STORAGE == "local":
    STORAGES["evidence"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": Path(env("EVIDENCE_ROOT", default=str(VAR_DIR / "evidence"))),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("EVIDENCE_STORAGE must be local or s3")
CELERY_BEAT_SCHEDULE["evidence-retention"] = {
    "task": "evidence.tasks.expire_files",
    "schedule": 24 * 60 * 60.0,
}
# Demo evidence for the demo assessments of the current round, after the demo assessments.
PORTAL_DEMO_SEEDERS = [*PORTAL_DEMO_SEEDERS, "evidence.demo.seed"]

# --- Reviews, notifications and action plans (reviews, notifications, actions apps) -------------
# Demo action plans (carried into the current round) and demo notifications, after the assessments.
PORTAL_DEMO_SEEDERS = [*PORTAL_DEMO_SEEDERS, "actions.demo.seed", "notifications.demo.seed"]

# --- Reports (reports app) ----------------------------------------------------------------------
# PDFs are stored privately like evidence ("reports" storage: local disk outside any served folder,
# or the evidence bucket under another prefix) and leave only through a permission-checked view.
if EVIDENCE_STORAGE == "s3":
    STORAGES["reports"] = {
        **STORAGES["evidence"],
        "OPTIONS": {
            **STORAGES["evidence"]["OPTIONS"],
            "location": env("AWS_REPORTS_LOCATION", default="reports"),
        },
    }
else:
    STORAGES["reports"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": Path(env("REPORTS_ROOT", default=str(VAR_DIR / "reports"))),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
# A report queued or rendering for longer than this is dispatched again (its worker or message was
# lost); a render is never claimed twice within it. Longer than CELERY_TASK_TIME_LIMIT.
REPORTS_LEASE_SECONDS = env.int("REPORTS_LEASE_SECONDS", default=300)
REPORTS_REDISPATCH_SECONDS = env.float("REPORTS_REDISPATCH_SECONDS", default=60.0)
# Fault tests only: a pause after rendering, before storing, so a test can kill the worker then.
REPORTS_RENDER_PAUSE_SECONDS = env.float("REPORTS_RENDER_PAUSE_SECONDS", default=0.0)
CELERY_BEAT_SCHEDULE["reports-redispatch"] = {
    "task": "reports.tasks.redispatch_stuck",
    "schedule": REPORTS_REDISPATCH_SECONDS,
}
