"""The hotline helpdesk for loyalty programs."""

from pathlib import Path

from flask import Flask

from helpdesk import (
    api,
    audit,
    auth,
    backups,
    cases,
    codes,
    conversations,
    imports,
    jobs,
    live,
    mail,
    operations,
    participants,
    privacy,
    programs,
    reports,
    rewards,
    scripts,
    surveys,
    telephony,
)
from helpdesk.config import Config, resolve_database_uri, resolve_secret_key
from helpdesk.extensions import bootstrap, csrf, db, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Each feature's init_app registers its blueprints, CLI commands, page panels and signal receivers. Operations
# first: its request hooks (request id, timing) run before every other feature's.
FEATURES = (operations, auth, audit, cases, participants, programs, telephony, scripts, rewards, codes, imports,
            surveys, conversations, reports, mail, api, privacy, jobs, backups, live)


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"), static_folder=str(PROJECT_ROOT / "static"),
                instance_relative_config=True)
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    resolve_secret_key(app)
    resolve_database_uri(app)
    register_extensions(app)
    register_url_converters(app)
    register_features(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from helpdesk import database, i18n, models, security

    models.configure()
    db.init_app(app)
    database.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)


def register_url_converters(app: Flask) -> None:
    from helpdesk.web import register_url_converters

    register_url_converters(app)  # before the features add their routes, which bind their converters


def register_features(app: Flask) -> None:
    for feature in FEATURES:
        feature.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from helpdesk.auth.access import register_login_wall
    from helpdesk.web import register_web_errors

    register_login_wall(app)
    register_web_errors(app)


def register_template_helpers(app: Flask) -> None:
    from helpdesk.web import register_filters

    register_filters(app)


def register_cli(app: Flask) -> None:
    from helpdesk.demo_data import demo_data_command
    from helpdesk.operations import guard_commands

    app.cli.add_command(demo_data_command)
    guard_commands(app.cli)  # last: every command the features (and Flask-Migrate's db) added
