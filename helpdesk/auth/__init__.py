"""Staff accounts: sign-in, roles, the programs each user serves. The pages live in views.py."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.auth import views
    from helpdesk.auth.cli import users_cli

    app.register_blueprint(views.bp)
    app.cli.add_command(users_cli)
