"""Configuration read from the environment; production refuses to start without a secret."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError


class ConfigurationError(RuntimeError):
    """A setting the app cannot start with; its message is one line that names the setting."""


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None: SQLite in the instance folder
    SECRET_KEY = os.environ.get("SECRET_KEY")
    DEVELOPMENT = os.environ.get("HELPDESK_ENV") == "development"
    BOOTSTRAP_SERVE_LOCAL = True
    SESSION_PROTECTION = "strong"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Cookies become Secure on any request that came over HTTPS (helpdesk.security); behind a proxy that
    # terminates TLS, TRUSTED_PROXIES tells how many proxies' X-Forwarded-* headers to believe.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"  # werkzeug's; older hashes are upgraded at the next sign-in
    WTF_CSRF_TIME_LIMIT = None  # a hotline shift is long; the token lives as long as the session
    TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN")
    TWILIO_API_BASE_URL = os.environ.get("TWILIO_API_BASE_URL", "https://api.twilio.com")
    TWILIO_TIMEOUT = float(os.environ.get("TWILIO_TIMEOUT", "10"))
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")  # the URL Twilio calls, e.g. https://hotline.example.com
    SMS_MAX_ATTEMPTS = 5
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024  # uploads of reward-order files included
    PAGE_SIZE = 25
    API_PAGE_SIZE = 50
    API_MAX_PAGE_SIZE = 200
    # Satisfaction surveys: programs may change delay, quiet hours and fatigue window in their survey settings.
    SURVEY_DELAY_MINUTES = int(os.environ.get("SURVEY_DELAY_MINUTES", "60"))  # 0: at the next dispatch
    SURVEY_QUIET_HOURS = os.environ.get("SURVEY_QUIET_HOURS", "21:00-09:00")  # program's local time
    SURVEY_FATIGUE_DAYS = int(os.environ.get("SURVEY_FATIGUE_DAYS", "30"))
    SURVEY_REPLY_HOURS = int(os.environ.get("SURVEY_REPLY_HOURS", "72"))  # how long a sent survey takes a score
    SURVEY_COMMENT_HOURS = int(os.environ.get("SURVEY_COMMENT_HOURS", "24"))  # the next text within it is the comment
    SURVEY_DISPATCH_BATCH = 100
    WORKER_INTERVAL_SECONDS = float(os.environ.get("WORKER_INTERVAL_SECONDS", "5"))
    # Operations (helpdesk.operations): /metrics answers a bearer METRICS_TOKEN, or these client addresses
    # (comma-separated addresses or networks, e.g. "127.0.0.1, 10.0.0.0/8"), and nobody else.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN")
    METRICS_ALLOWED_ADDRESSES = os.environ.get("METRICS_ALLOWED_ADDRESSES", "")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Live pages one server process streams to at most. Each holds one of gunicorn's threads while connected,
    # so keep it below --threads (the Procfile's 128) to leave threads for the pages themselves; a page over
    # the limit is told to try again in a few seconds (and may reach another process).
    LIVE_MAX_STREAMS = int(os.environ.get("LIVE_MAX_STREAMS", "100"))
    # E-mail (helpdesk.mail): without SMTP_URL, development writes mails to instance/mail/ instead.
    SMTP_URL = os.environ.get("SMTP_URL")  # smtp://user:pass@host:port, smtp+starttls://…, smtps://…
    SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", "20"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "Hotline helpdesk <helpdesk@localhost>")
    MAIL_MAX_ATTEMPTS = 8  # then the mail is given up and listed on the admins' Mail page
    WEEKLY_REPORT_HOUR = 8  # Monday, in each program's timezone


class TestConfig(Config):
    TESTING = True
    TWILIO_ACCOUNT_SID = None
    TWILIO_AUTH_TOKEN = "test-auth-token"
    PUBLIC_BASE_URL = None
    SMTP_URL = None
    SECRET_KEY = "test-secret-key-not-for-production"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # cheap: sign-ins stay fast in tests
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL")


def resolve_secret_key(app) -> None:
    """Use SECRET_KEY from the environment; in development, generate one once into the instance folder."""
    if app.config.get("SECRET_KEY"):
        return
    if not (app.config["DEVELOPMENT"] or app.testing):
        raise ConfigurationError("SECRET_KEY must be set (or HELPDESK_ENV=development for a local key)")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def resolve_database_uri(app) -> None:
    """DATABASE_URL, checked before anything connects; in development and tests an SQLite file in the instance
    folder when it is not set."""
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        if not (app.config["DEVELOPMENT"] or app.testing):
            raise ConfigurationError("DATABASE_URL must be set, e.g. postgresql+psycopg://helpdesk@db/helpdesk or "
                                     "sqlite:////var/lib/helpdesk/helpdesk.db (or HELPDESK_ENV=development)")
        uri = app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'helpdesk.db'}"
    check_database_url(uri)


def check_database_url(uri) -> None:
    """A URL SQLAlchemy can use with an installed driver, or a ConfigurationError naming DATABASE_URL."""
    try:
        url = make_url(uri)
    except ArgumentError:
        raise ConfigurationError("DATABASE_URL is not a database URL (expected e.g. "
                                 "postgresql+psycopg://user@host/db or sqlite:///path)") from None
    try:
        url.get_dialect().import_dbapi()
    except NoSuchModuleError:
        raise ConfigurationError(f"DATABASE_URL names an unknown database kind {url.drivername!r} "
                                 "(use postgresql+psycopg:// or sqlite:///)") from None
    except ImportError:
        raise ConfigurationError(f"DATABASE_URL needs the driver of {url.drivername!r}, which is not installed "
                                 "(use postgresql+psycopg:// for PostgreSQL)") from None
