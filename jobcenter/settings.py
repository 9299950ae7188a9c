"""Kontaktplan settings.

Every difference between environments comes from environment variables. With none set, the
project runs locally on a SQLite file with Celery tasks executed in-process (eager) and DEBUG on.
Production sets at least SECRET_KEY, DATABASE_URL, REDIS_URL and ALLOWED_HOSTS.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from jobcenter.cache import redis_cache

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Fail closed: DEBUG only when asked for (DEBUG=1; `make run` and the tests ask), and without a
# SECRET_KEY the project refuses to start unless in DEBUG, where a development key is used.
_SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", default=False)
if not _SECRET_KEY and not DEBUG:
    raise RuntimeError("SECRET_KEY must be set (or DEBUG=1 on a developer's machine).")
SECRET_KEY = _SECRET_KEY or "django-insecure-local-development-only-not-for-production-use"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "mozilla_django_oidc",
    "jobcenter",
    "catalogue",
    "citizens",
    "planning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jobcenter.hardening.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jobcenter.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "jobcenter.hardening.IdleTimeoutMiddleware",
    "jobcenter.hardening.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jobcenter.urls"
WSGI_APPLICATION = "jobcenter.wsgi.application"

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
                "django.template.context_processors.i18n",
                "jobcenter.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default: wait for a lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # A file test database, so that a Celery worker process in the tests can see it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Single sign-on over OpenID Connect (jobcenter/sso.py), on when OIDC_RP_CLIENT_ID is set; local
# passwords stay on unless LOCAL_LOGIN=0. Every OIDC_* variable is described in the README.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", True)
if not OIDC_ENABLED and not LOCAL_LOGIN:
    raise RuntimeError("LOCAL_LOGIN=0 needs single sign-on (OIDC_RP_CLIENT_ID and the OIDC_* variables).")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
# {"<group id or name>": "caseworker" | "team_leader" | "admin"} and {"<group>": "<team name>"}, JSON.
OIDC_ROLE_GROUPS = json.loads(os.environ.get("OIDC_ROLE_GROUPS", "{}"))
OIDC_TEAM_GROUPS = json.loads(os.environ.get("OIDC_TEAM_GROUPS", "{}"))
if set(OIDC_ROLE_GROUPS.values()) - {"caseworker", "team_leader", "admin"}:
    raise RuntimeError("OIDC_ROLE_GROUPS maps groups to caseworker, team_leader or admin only.")
OIDC_LOGIN_LABEL = os.environ.get("OIDC_LOGIN_LABEL", "")
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *(["jobcenter.sso.KontaktplanOIDCBackend"] if OIDC_ENABLED else []),
    *(["django.contrib.auth.backends.ModelBackend"] if LOCAL_LOGIN else []),
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Repeated failed logins for one account are throttled (django-axes).
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# Per account (AXES_FAILURE_LIMIT) and per client address (AXES_ADDRESS_FAILURE_LIMIT, higher:
# an office shares one NAT address), so one address cannot spray a password across accounts.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_FAILURE_LIMIT = "jobcenter.hardening.axes_failure_limit"
AXES_USERNAME_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
# Behind N reverse proxies the client is the N-th address from the right of X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "jobcenter.hardening.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# A shared cache when Redis is configured (several web processes see the same values).
CACHES = {
    # Fails open (jobcenter/cache.py): a Redis outage slows pages down instead of failing them.
    "default": redis_cache(os.environ["REDIS_URL"])
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Celery: a broker URL turns on real workers; without one, tasks run in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker reads what the nightly refresh kept before it forks its pool (jobcenter/celery.py):
# about 5 s at 1,000,000 citizens, shared by the forked children, so every child's first forecast
# is a warm one.
FORECAST_WARM_UP = env_bool("FORECAST_WARM_UP", True)
# A job whose worker dies is not lost: a killed pool process's message goes back on the queue, and
# a message left unacknowledged by a killed worker comes back after the visibility timeout, which
# must outlast the longest job (refresh_all_obligations, 60 min) or a running job would run twice.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(2 * 60 * 60)))
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Nightly jobs at fixed times (Copenhagen), so a beat restart does not postpone them by a day:
# first the refresh (the passing of time), then retention, then the forecast on fresh data.
CELERY_BEAT_SCHEDULE = {
    "refresh-obligations-nightly": {
        "task": "citizens.tasks.refresh_obligations_nightly",
        "schedule": crontab(hour=1, minute=0),
    },
    "anonymise-inactive-nightly": {
        "task": "citizens.tasks.anonymise_inactive",
        "schedule": crontab(hour=3, minute=0),
    },
    "forecast-nightly": {
        "task": "jobcenter.nightly_forecast",
        "schedule": crontab(hour=4, minute=0),
    },
    "forecast-redispatch-stale": {
        "task": "jobcenter.redispatch_stale_forecasts",
        "schedule": crontab(minute="*/5"),
    },
    # Planning: each working morning every caseworker's reminder mail (holidays skipped by the task).
    "planning-reminders-morning": {
        "task": "planning.send_reminders",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
}
# A forecast of a caseload this large runs as one Celery task per team (a chord).
FORECAST_SPLIT_THRESHOLD = int(os.environ.get("FORECAST_SPLIT_THRESHOLD", "200000"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated request gets 401 with WWW-Authenticate.
        "jobcenter.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["jobcenter.api_parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "6000/hour"),
    },
    "EXCEPTION_HANDLER": "jobcenter.api_base.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kontaktplan API",
    "DESCRIPTION": "Borgere, forløb, kontakter, kontaktkrav, regler, økonomi og prognoser. "
    "CPR-numre er maskerede; brug reveal-cpr (logges).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ContactKindEnum": "citizens.models.KIND_CHOICES",
        "ObligationStatusEnum": "citizens.models.STATUS_CHOICES",
        "RuleSetStatusEnum": "catalogue.models.RuleSet.Status",
        "InitiativeStatusEnum": "catalogue.models.Initiative.Status",
        "ForecastStatusEnum": "jobcenter.models.ForecastSnapshot.Status",
    },
}
# E-mail (planning reminders): the console by default; SMTP when EMAIL_HOST is set.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kontaktplan@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# A request body larger than this is refused (413) by the API and by forms.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(1024 * 1024)))
# Citizens with no enrolment and no contact for this many years are anonymised (nightly).
RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", "5"))

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# Production hardening; `manage.py check --deploy` passes with DEBUG off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day at most
# Signed out after this many minutes without a request (jobcenter.hardening.IdleTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
# API tokens stop working this many days after they were issued (0: never).
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
# Content-Security-Policy (django-csp): no inline code anywhere; scripts and styles come from
# our own static files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *env_list("CSP_FORM_ACTION")],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Lock out per account, not per IP address: a jobcentre's staff share one NAT address, and
# locking it would lock out the whole office.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
