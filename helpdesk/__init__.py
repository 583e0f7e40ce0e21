"""The hotline helpdesk for loyalty programs."""

from pathlib import Path

from flask import Flask

from helpdesk.config import Config, resolve_database_uri, resolve_secret_key
from helpdesk.extensions import bootstrap, csrf, db, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"), instance_relative_config=True)
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
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from helpdesk import (
        database,
        models,  # noqa: F401  (every model registered before the mappers configure)
    )

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)


def register_url_converters(app: Flask) -> None:
    from helpdesk.web import register_url_converters

    register_url_converters(app)


def register_blueprints(app: Flask) -> None:
    from helpdesk import api, auth, cases, participants, programs, reports, rewards, scripts, surveys, telephony
    from helpdesk.api import reward_orders as _api_reward_orders  # noqa: F401
    from helpdesk.api import satisfaction as _api_satisfaction  # noqa: F401
    from helpdesk.api import token_pages as _api_token_pages  # noqa: F401
    from helpdesk.api import views as _api_views  # noqa: F401  (the imports attach the routes)
    from helpdesk.auth import views as _auth_views  # noqa: F401
    from helpdesk.cases import views as _case_views  # noqa: F401
    from helpdesk.participants import views as _participant_views  # noqa: F401
    from helpdesk.programs import views as _program_views  # noqa: F401
    from helpdesk.reports import views as _report_views  # noqa: F401
    from helpdesk.rewards import views as _reward_views  # noqa: F401
    from helpdesk.scripts import views as _script_views  # noqa: F401
    from helpdesk.surveys import views as _survey_views  # noqa: F401  (also attaches the survey hooks)
    from helpdesk.telephony import views as _telephony_views  # noqa: F401
    from helpdesk.telephony import webhooks as _webhooks  # noqa: F401

    for package in (auth, cases, participants, programs, rewards, telephony, scripts, surveys, reports, api):
        app.register_blueprint(package.bp)
    app.register_blueprint(telephony.webhooks_bp)
    app.register_blueprint(api.tokens_bp)
    csrf.exempt(api.bp)  # token-authenticated, no cookies
    csrf.exempt(telephony.webhooks_bp)  # signed by Twilio instead


def register_errorhandlers(app: Flask) -> None:
    from helpdesk.auth.access import register_login_wall
    from helpdesk.web import register_web_errors

    register_login_wall(app)
    register_web_errors(app)


def register_template_helpers(app: Flask) -> None:
    from helpdesk.web import register_filters

    register_filters(app)


def register_cli(app: Flask) -> None:
    from helpdesk import jobs
    from helpdesk.api.cli import api_token_cli
    from helpdesk.auth.cli import users_cli
    from helpdesk.demo_data import demo_data_command
    from helpdesk.rewards.cli import orders_cli
    from helpdesk.scripts.cli import scripts_cli
    from helpdesk.surveys.cli import surveys_cli
    from helpdesk.telephony.cli import sms_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(api_token_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(orders_cli)
    app.cli.add_command(sms_cli)
    app.cli.add_command(scripts_cli)
    app.cli.add_command(surveys_cli)
    jobs.init_app(app)
