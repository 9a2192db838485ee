"""xiaobao settings: one module, driven by the environment.

``XIAOBAO_ENV`` is ``development`` (default: SQLite under ``var/``, secrets
generated under ``var/`` on first start) or ``production`` (every secret must
come from the environment, and start-up stops naming any that is missing).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from xiaobao.config.environment import (
    ConfigurationError,
    database_from_url,
    development_secrets,
    env_flag,
    env_list,
    env_networks,
    parse_keyring,
    require,
)

ENV = os.environ
PROJECT_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]
VAR_DIR = Path(ENV.get("XIAOBAO_VAR_DIR", PROJECT_DIR / "var"))

XIAOBAO_ENV = ENV.get("XIAOBAO_ENV", "development").strip().lower()
if XIAOBAO_ENV not in {"development", "production"}:
    raise ConfigurationError(f"XIAOBAO_ENV must be development or production, got {XIAOBAO_ENV!r}.")
PRODUCTION = XIAOBAO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = require(ENV, "SECRET_KEY", "Django's signing key")
    _ENCRYPTION_KEYS_RAW = require(ENV, "XIAOBAO_ENCRYPTION_KEYS", "keys that encrypt personal data")
    _BLIND_INDEX_KEY_RAW = require(ENV, "XIAOBAO_BLIND_INDEX_KEY", "key of the lookup index of personal data")
    ALLOWED_HOSTS = env_list(ENV, "ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ConfigurationError("ALLOWED_HOSTS is not set: it is required in production (the site's host names).")
    _DATABASE_URL = require(ENV, "DATABASE_URL", "the PostgreSQL server")
else:
    _generated = development_secrets(VAR_DIR)
    SECRET_KEY = ENV.get("SECRET_KEY") or _generated["SECRET_KEY"]
    _ENCRYPTION_KEYS_RAW = ENV.get("XIAOBAO_ENCRYPTION_KEYS") or _generated["XIAOBAO_ENCRYPTION_KEYS"]
    _BLIND_INDEX_KEY_RAW = ENV.get("XIAOBAO_BLIND_INDEX_KEY") or _generated["XIAOBAO_BLIND_INDEX_KEY"]
    ALLOWED_HOSTS = env_list(ENV, "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
    _DATABASE_URL = ENV.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'xiaobao.sqlite3'}"

# Personal-data encryption (SEC-1, PI-4): the first key encrypts, all decrypt.
XIAOBAO_ENCRYPTION_KEYS = parse_keyring(_ENCRYPTION_KEYS_RAW, variable="XIAOBAO_ENCRYPTION_KEYS")
XIAOBAO_BLIND_INDEX_KEY = parse_keyring(f"bi:{_BLIND_INDEX_KEY_RAW}", variable="XIAOBAO_BLIND_INDEX_KEY")["bi"]

DEBUG = env_flag(ENV, "DEBUG", default=not PRODUCTION)

DATABASES = {"default": database_from_url(_DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # its Swagger UI from our own static files (no CDN, no inline script: our CSP holds)
    "xiaobao.audit",
    "xiaobao.privacy",
    "xiaobao.identity",
    "xiaobao.calendars",
    "xiaobao.complaints",
    "xiaobao.claims",
    "xiaobao.sales",
    "xiaobao.web",
    "xiaobao.workbench",
    "xiaobao.portal",
    "xiaobao.intake",
    "xiaobao.callbacks",
    "xiaobao.outreach",
    "xiaobao.speech",
    "xiaobao.rights",
    "xiaobao.breaches",
    "xiaobao.disputes",
    "xiaobao.reports",
    "xiaobao.disclosure",
    "xiaobao.insights",
    "xiaobao.notifications",
    "xiaobao.ops",
    "xiaobao.demo",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xiaobao.ops.middleware.RequestIdMiddleware",
    "xiaobao.ops.middleware.ContentSecurityPolicyMiddleware",
    "xiaobao.ops.middleware.ServiceErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Refuses a body too large before anything reads it: the CSRF check reads the form only in process_view,
    # after every middleware's __call__; placed here, the 413 page is in the person's language with its token.
    "xiaobao.ops.limits.RequestSizeLimitMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "xiaobao.identity.middleware.StaffSessionMiddleware",  # session expiry and the second factor (issue #19)
    "xiaobao.ops.middleware.PageMessageMiddleware",  # Django's messages, for pages only (not under /api/)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xiaobao.speech.recording.RecordSpokenTexts",  # the texts a page showed with a player, in one write (INC-E2)
]

ROOT_URLCONF = "xiaobao.config.urls"
WSGI_APPLICATION = "xiaobao.config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "xiaobao.web.context.elder_mode",
                "xiaobao.web.context.uploads",
            ],
        },
    },
]

# Labels end in one punctuation mark, never "？:" (issue #15).
FORM_RENDERER = "xiaobao.web.forms.PlainPunctuationRenderer"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Simplified Chinese by default, Traditional Chinese, English, Korean and traditional-script Mongolian.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
    ("en", _("English")),
    ("ko", _("Korean")),
    ("mn-mong", _("Mongolian (traditional script)")),  # Inner Mongolia's script; Django's table: xiaobao.web.languages
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["xiaobao.web.formats"]  # digits, not Cyrillic month names, for mn-mong dates
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
AUTHENTICATION_BACKENDS = ["xiaobao.identity.backends.ThrottledModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/after-login/"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 8 * 3600
# Staff accounts (issue #19, SEC-1). Two-factor sign-in (a code from an authenticator app after the password)
# for staff and the admin site: on unless XIAOBAO_STAFF_TWO_FACTOR=0 (`make run` enrols the demo staff; `manage.py
# demo_code <user>` prints their code). Sessions signed in with a password end when idle or too old.
XIAOBAO_STAFF_TWO_FACTOR = env_flag(ENV, "XIAOBAO_STAFF_TWO_FACTOR", default=True)
XIAOBAO_STAFF_IDLE_MINUTES = int(ENV.get("XIAOBAO_STAFF_IDLE_MINUTES", "30"))
XIAOBAO_STAFF_SESSION_HOURS = int(ENV.get("XIAOBAO_STAFF_SESSION_HOURS", "12"))
OTP_TOTP_ISSUER = "xiaobao"
OTP_TOTP_THROTTLE_FACTOR = 0  # wrong codes are counted in the shared rate-limit table instead (identity.login_throttle)
PASSWORD_RESET_TIMEOUT = int(ENV.get("XIAOBAO_PASSWORD_RESET_SECONDS", "3600"))  # the emailed link, one hour
SESSION_ENGINE = "xiaobao.ops.sessions"  # database sessions, read with one plain query
STATIC_ROOT = VAR_DIR / "static"
# Uploads are encrypted at rest (issue #19, ADR 0012) by a storage wrapping the one that keeps the bytes: the disk
# under MEDIA_ROOT by default, or the storage class XIAOBAO_FILE_STORAGE names (an S3-compatible one from
# django-storages, its options as JSON in XIAOBAO_FILE_STORAGE_OPTIONS; it must overwrite on save, as S3 does).
STORAGES = {
    "default": {
        "BACKEND": "xiaobao.privacy.storage.EncryptedStorage",
        "OPTIONS": {
            "inner": {
                "BACKEND": ENV.get("XIAOBAO_FILE_STORAGE", "django.core.files.storage.FileSystemStorage"),
                "OPTIONS": json.loads(ENV.get("XIAOBAO_FILE_STORAGE_OPTIONS") or "{}"),
            }
        },
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(ENV.get("XIAOBAO_MEDIA_ROOT", VAR_DIR / "media"))
# Files stored before encryption are refused until `manage.py rotate_keys` has encrypted them; turn this on to
# serve them as they are meanwhile (anyone who can write to the store could then put a file of their own).
XIAOBAO_FILES_PLAINTEXT_READABLE = env_flag(ENV, "XIAOBAO_FILES_PLAINTEXT_READABLE", default=False)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024  # a body that is not a file (JSON, form fields), held in memory
# Uploads (issue #12): a body declared larger than XIAOBAO_UPLOAD_MAX_REQUEST_BYTES is refused unread
# (ops.limits; default: 5 files of 10 MB + 1 MB of form); files stream to a temporary file on disk, each
# refused once it passes 10 MB; only a whole request under 256 KB is kept in memory.
XIAOBAO_UPLOAD_MAX_REQUEST_BYTES = int(ENV.get("XIAOBAO_UPLOAD_MAX_REQUEST_BYTES", 51 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# A file larger than that is spooled, in plaintext, until the request ends (Django then deletes it): in a
# directory of xiaobao's own (mode 0700), never the shared /tmp; files a killed
# worker left there are swept by `manage.py upload_orphans --delete` (issue #19).
FILE_UPLOAD_TEMP_DIR = str(Path(ENV.get("XIAOBAO_UPLOAD_TEMP_DIR", VAR_DIR / "uploads-in-progress")))
# Django's checks want it to exist (files.E001); the upload handler keeps it 0700 and remakes it if gone. On a
# read-only file system the check says so.
with contextlib.suppress(OSError):
    Path(FILE_UPLOAD_TEMP_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "xiaobao.ops.limits.LimitedUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FILES = 20
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from here once collectstatic ran

# Background work: django-tasks with the database backend, so a task is
# enqueued in the same transaction as the change it reports. XIAOBAO_TASK_QUEUE=redis puts the tasks on Redis
# instead (django-tasks-rq, ADR 0022): workers on several hosts share the queue, each job is pushed only when
# its transaction commits, and PostgreSQL stays the one source of truth (the outbox's sweep enqueues again the
# notices a Redis restart lost). REDIS_URL says where Redis is.
XIAOBAO_TASK_QUEUE = ENV.get("XIAOBAO_TASK_QUEUE", "database")
if XIAOBAO_TASK_QUEUE not in {"database", "redis"}:
    raise ConfigurationError(f"XIAOBAO_TASK_QUEUE is database or redis, not {XIAOBAO_TASK_QUEUE!r}")
REDIS_URL = ENV.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
if XIAOBAO_TASK_QUEUE == "redis":
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "xiaobao.ops.task_queue.OnCommitRQBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Notifications. Email goes through Django's email backend; SMS through a
# gateway interface. The recording gateway keeps what it would have sent.
EMAIL_BACKEND = ENV.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = ENV.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(ENV.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = ENV.get("DEFAULT_FROM_EMAIL", "xiaobao@localhost")
# The site's address as consumers reach it: every SMS and email about a case carries a link to it (issue #15).
XIAOBAO_PUBLIC_URL = (
    ENV.get("XIAOBAO_PUBLIC_URL")
    or (f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else f"http://127.0.0.1:{ENV.get('PORT', '8000')}")
).rstrip("/")
XIAOBAO_SMS_GATEWAY = ENV.get("XIAOBAO_SMS_GATEWAY", "xiaobao.notifications.gateways.RecordingSmsGateway")
XIAOBAO_NOTIFICATION_MAX_ATTEMPTS = int(ENV.get("XIAOBAO_NOTIFICATION_MAX_ATTEMPTS", "8"))
XIAOBAO_NOTIFICATION_BACKOFF_SECONDS = int(ENV.get("XIAOBAO_NOTIFICATION_BACKOFF_SECONDS", "30"))
# How many proxies in front of xiaobao append to X-Forwarded-For (0: clients connect directly).
XIAOBAO_PROXY_HOPS = int(ENV.get("XIAOBAO_PROXY_HOPS", "0"))
# Who sees /healthz's details (workers, tasks and receipts waiting, across every insurer): comma-separated
# networks; anyone else gets the status alone. The machine itself by default; add the operators' and probes'.
XIAOBAO_HEALTH_DETAIL_NETWORKS = env_networks(ENV, "XIAOBAO_HEALTH_DETAIL_NETWORKS", ["127.0.0.0/8", "::1/128"])
XIAOBAO_WORKER_STALE_SECONDS = int(ENV.get("XIAOBAO_WORKER_STALE_SECONDS", "30"))
XIAOBAO_BENCH_ENDPOINTS = env_flag(ENV, "XIAOBAO_BENCH_ENDPOINTS", default=False)
# Complaint deadlines: remind this many days before (CMP-1), escalate when overdue.
XIAOBAO_REMINDER_DAYS = tuple(int(d) for d in env_list(ENV, "XIAOBAO_REMINDER_DAYS", ["5", "2"]))
# INC-E3, INC-3: elderly, disabled and new-urban-resident complainants' cases get an internal target of this
# fraction of the statutory time.
XIAOBAO_PRIORITY_TARGET_FRACTION = float(ENV.get("XIAOBAO_PRIORITY_TARGET_FRACTION", "0.5"))
XIAOBAO_DUPLICATE_WINDOW_HOURS = int(ENV.get("XIAOBAO_DUPLICATE_WINDOW_HOURS", "72"))
# Consumer pages kept rendered while unchanged (portal/page_cache.py); 0 turns it off. They hold personal
# data, so the "pages" cache is the process's own memory, never a shared server.
XIAOBAO_PAGE_CACHE_SECONDS = int(ENV.get("XIAOBAO_PAGE_CACHE_SECONDS", "300"))
# Read-aloud (INC-E2): espeak-ng (Debian's package) speaks what a page showed; its WAV is kept here by key.
XIAOBAO_ESPEAK_NG = ENV.get("XIAOBAO_ESPEAK_NG", "espeak-ng")
XIAOBAO_SPEECH_DIR = Path(ENV.get("XIAOBAO_SPEECH_DIR", VAR_DIR / "speech"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
# Complaint mail taken in by the worker on its own (CHN-1): a Maildir folder (in development var/mail — drop a
# message in var/mail/new) and/or the IMAP mailbox of XIAOBAO_IMAP_HOST/USER/PASSWORD, every so many seconds.
XIAOBAO_MAILDIR = ENV.get("XIAOBAO_MAILDIR") or ("" if PRODUCTION else str(VAR_DIR / "mail"))
XIAOBAO_MAIL_POLL_SECONDS = int(ENV.get("XIAOBAO_MAIL_POLL_SECONDS", "60"))
# The complaint statistics' summary (CMP-S2) is recomputed for this many recent months, every
# XIAOBAO_REPORT_REFRESH_SECONDS. Unverified: a policy setting, not a number of the law — 6 months covers a
# decision within 60 days and a review asked and decided within 30 + 30 more (CMP-T3, CMP-N2) with room.
XIAOBAO_REPORT_REFRESH_MONTHS = int(ENV.get("XIAOBAO_REPORT_REFRESH_MONTHS", "6"))
XIAOBAO_REPORT_REFRESH_SECONDS = int(ENV.get("XIAOBAO_REPORT_REFRESH_SECONDS", "600"))
# The regulator's aggregates show a count below this as "<5" and round every other to a multiple of it, so no
# small group of complainants can be picked out (ADR 0019, addendum). Unverified: a common statistical-disclosure
# threshold, not a number of the law.
XIAOBAO_REPORT_MIN_CELL = max(1, int(ENV.get("XIAOBAO_REPORT_MIN_CELL", "5")))
# Public disclosure (issue #18 item 4): counts from 1 to this less one are withheld from every public figure and
# the others rounded to a multiple of it (reports.domain.disclosure); the open data set is published anew every so many seconds.
# Both *unverified* defaults (not in RULES.md): set your own.
XIAOBAO_DISCLOSURE_MIN_COUNT = max(1, int(ENV.get("XIAOBAO_DISCLOSURE_MIN_COUNT", "5")))
XIAOBAO_OPEN_DATA_SECONDS = int(ENV.get("XIAOBAO_OPEN_DATA_SECONDS", "86400"))

# Write-behind intake (issue #20, ADR 0023): the API's POST /complaints, /claims and /claims/{id}/documents keep a
# receipt and answer 202; the `intake:` process (manage.py run_intake) registers it. XIAOBAO_INTAKE_IMMEDIATE=1
# registers in the request instead (201, as before). A receipt claimed longer than the lease by a worker that died is handed back.
XIAOBAO_INTAKE_IMMEDIATE = env_flag(ENV, "XIAOBAO_INTAKE_IMMEDIATE", default=False)
XIAOBAO_INTAKE_LEASE_SECONDS = int(ENV.get("XIAOBAO_INTAKE_LEASE_SECONDS", "60"))

XIAOBAO_PERIODIC_TASKS = {
    "reports.refresh_figures": {
        "task": "xiaobao.reports.tasks.refresh_figures",
        "every_seconds": XIAOBAO_REPORT_REFRESH_SECONDS,
    },
    "intake.take_in_mail": {
        "task": "xiaobao.intake.tasks.take_in_mail",
        "every_seconds": XIAOBAO_MAIL_POLL_SECONDS,
    },
    "ops.prune_rate_limit_hits": {
        "task": "xiaobao.ops.tasks.prune_rate_limit_hits",
        "every_seconds": 3600,
    },
    "ops.sweep_spooled_uploads": {
        "task": "xiaobao.ops.tasks.sweep_spooled_uploads",
        "every_seconds": 3600,
    },
    "intake.forget_expired_drafts": {
        "task": "xiaobao.intake.tasks.forget_expired_drafts",
        "every_seconds": 3600,
    },
    "complaints.sweep_deadlines": {
        "task": "xiaobao.complaints.tasks.sweep_deadlines",
        "every_seconds": int(ENV.get("XIAOBAO_SWEEP_SECONDS", "600")),
    },
    "claims.sweep_deadlines": {
        "task": "xiaobao.claims.tasks.sweep_deadlines",
        "every_seconds": int(ENV.get("XIAOBAO_SWEEP_SECONDS", "600")),
    },
    "disputes.sweep_deadlines": {
        "task": "xiaobao.disputes.tasks.sweep_deadlines",
        "every_seconds": int(ENV.get("XIAOBAO_SWEEP_SECONDS", "600")),
    },
    "rights.erase_after_retention": {
        "task": "xiaobao.rights.tasks.erase_after_retention",
        "every_seconds": 86400,
    },
    "insights.group_complaints": {
        "task": "xiaobao.insights.tasks.group_complaints",
        "every_seconds": 86400,
    },
    "insights.sweep_remediation": {
        "task": "xiaobao.insights.tasks.sweep_remediation",
        "every_seconds": int(ENV.get("XIAOBAO_SWEEP_SECONDS", "600")),
    },
    "insights.report_fairness": {
        "task": "xiaobao.insights.tasks.report_fairness",
        "every_seconds": 86400,
    },
    "disclosure.publish_open_data": {
        "task": "xiaobao.disclosure.tasks.publish_open_data",
        "every_seconds": XIAOBAO_OPEN_DATA_SECONDS,
    },
    "sales.sweep_refund_deadlines": {
        "task": "xiaobao.sales.policies.tasks.sweep_refund_deadlines",
        "every_seconds": int(ENV.get("XIAOBAO_SWEEP_SECONDS", "600")),
    },
    "sales.expire_recording_uploads": {
        "task": "xiaobao.sales.tasks.expire_recording_uploads",
        "every_seconds": 3600,
    },
    "complaints.sweep_receipts": {
        "task": "xiaobao.complaints.tasks.sweep_receipts",
        "every_seconds": int(ENV.get("XIAOBAO_INTAKE_SWEEP_SECONDS", "15")),
    },
    "claims.sweep_receipts": {
        "task": "xiaobao.claims.tasks.sweep_receipts",
        "every_seconds": int(ENV.get("XIAOBAO_INTAKE_SWEEP_SECONDS", "15")),
    },
}
if XIAOBAO_TASK_QUEUE == "redis":  # the database queue loses no job: it is the same database
    XIAOBAO_PERIODIC_TASKS["ops.push_lost_jobs"] = {
        "task": "xiaobao.ops.tasks.push_lost_jobs",
        "every_seconds": int(ENV.get("XIAOBAO_PUSH_LOST_SECONDS", "60")),
    }
# How often an RQ worker shows it is alive while a job runs; a dead worker's job is taken up three beats later.
XIAOBAO_RQ_HEARTBEAT_SECONDS = float(ENV.get("XIAOBAO_RQ_HEARTBEAT_SECONDS", "10"))
# Cooling-off (issue #16 item 5): the days an insurer has to refund a policy cancelled in its cooling-off period,
# counted from the request. Unverified: the demo contract promises only "无息退还"; 30 days is a default, set your own.
# Days a sale recording's upload may stay open before it is closed and its chunks deleted (ADR 0018 addendum).
XIAOBAO_SALE_UPLOAD_DAYS = int(ENV.get("XIAOBAO_SALE_UPLOAD_DAYS", "7"))
XIAOBAO_COOLING_OFF_REFUND_DAYS = int(ENV.get("XIAOBAO_COOLING_OFF_REFUND_DAYS", "30"))

# Data rights (PIPL, issue #19): the days an insurer has to answer a request to correct or delete data, and how
# long each kind of record is kept after it ends. Both unverified defaults (rights.domain): set your own.
XIAOBAO_DATA_REQUEST_DAYS = int(ENV.get("XIAOBAO_DATA_REQUEST_DAYS", "15"))
XIAOBAO_RETENTION_DAYS: dict[str, int] = {}

# Root causes (CMP-S1, issue #18): complaints of the last so many days are grouped; two texts are alike at this
# cosine similarity of their TF-IDF words; a group has at least this many complaints. Reminders of a remediation
# action go this many days before it is due; its effect is measured over equal windows of at most so many days
# either side of its completion. Fairness (INC-4): a group smaller than this is not tested; a group is flagged
# below this family-wise error (Holm). All *unverified* defaults (not in RULES.md): set your own.
XIAOBAO_ROOT_CAUSE_DAYS = int(ENV.get("XIAOBAO_ROOT_CAUSE_DAYS", "365"))
XIAOBAO_ROOT_CAUSE_SIMILARITY = float(ENV.get("XIAOBAO_ROOT_CAUSE_SIMILARITY", "0.25"))
XIAOBAO_ROOT_CAUSE_MIN_SIZE = int(ENV.get("XIAOBAO_ROOT_CAUSE_MIN_SIZE", "3"))
XIAOBAO_REMEDIATION_REMIND_DAYS = int(ENV.get("XIAOBAO_REMEDIATION_REMIND_DAYS", "3"))
XIAOBAO_REMEDIATION_EFFECT_DAYS = int(ENV.get("XIAOBAO_REMEDIATION_EFFECT_DAYS", "90"))
XIAOBAO_FAIRNESS_MIN_GROUP = int(ENV.get("XIAOBAO_FAIRNESS_MIN_GROUP", "20"))
XIAOBAO_FAIRNESS_ALPHA = float(ENV.get("XIAOBAO_FAIRNESS_ALPHA", "0.05"))

# Sales (SAL-S1, issue #16): the most demanding product tier each salesperson grade may sell, over the default in
# sales.domain.grades (a grade sells its own tier and every simpler one). NFRA Order 2023 No.2 Art.16 leaves the
# table to each insurer: the default is *unverified*; set your own, e.g. {2: 1} for "grade 2 sells tier 1 only".
XIAOBAO_SALES_GRADE_TIERS: dict[int, int] = {}
# Sales (issue #16, SAL-3): the key that signs a sale's bundle (Ed25519, the 32-byte private seed in base64;
# its public key is published at /sales/bundle-key.pem and put in every bundle), and the share of recorded sales
# drawn for quality checks — never below SAL-R2's 30 %.
if PRODUCTION:
    _BUNDLE_SIGNING_KEY_RAW = require(ENV, "XIAOBAO_BUNDLE_SIGNING_KEY", "key that signs the bundles of recorded sales")
else:  # development: derived from the generated secret key, so it stays the same across restarts
    _BUNDLE_SIGNING_KEY_RAW = (
        ENV.get("XIAOBAO_BUNDLE_SIGNING_KEY")
        or base64.urlsafe_b64encode(hashlib.sha256(b"xiaobao sale bundles\n" + SECRET_KEY.encode()).digest()).decode()
    )
XIAOBAO_BUNDLE_SIGNING_KEY = parse_keyring(f"sb:{_BUNDLE_SIGNING_KEY_RAW}", variable="XIAOBAO_BUNDLE_SIGNING_KEY")["sb"]
XIAOBAO_SALE_SAMPLE_RATE = ENV.get("XIAOBAO_SALE_SAMPLE_RATE", "0.30")
# Mediation (DSP-1, issue #17): the days a mediation organisation has from accepting a case to its outcome, and
# the days before a mediation, court-window or performance date that staff and the organisation are reminded.
# Unverified defaults: organisations' own rules vary (many say 30 days); set your own.
XIAOBAO_MEDIATION_DAYS = int(ENV.get("XIAOBAO_MEDIATION_DAYS", "30"))
XIAOBAO_MEDIATION_REMINDER_DAYS = tuple(
    int(d) for d in ENV.get("XIAOBAO_MEDIATION_REMINDER_DAYS", "7,2").split(",") if d.strip()
)

# Security headers. HTTPS settings are on in production; the development
# server speaks plain HTTP on loopback.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_flag(ENV, "SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(ENV.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list(ENV, "CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": ENV.get("LOG_LEVEL", "INFO")},
}
