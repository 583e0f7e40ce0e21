"""API v1 for the programs' own systems: bearer tokens, JSON, the contract in docs/openapi.yaml; and the staff
pages that issue, list and revoke the tokens (token_pages.py)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.api import codes, conversations, privacy, reward_orders, satisfaction, token_pages, views
    from helpdesk.api.cli import api_token_cli
    from helpdesk.extensions import csrf

    for routes in (views, reward_orders, codes, satisfaction, privacy, conversations):
        app.register_blueprint(routes.bp)
        csrf.exempt(routes.bp)  # token-authenticated, no cookies
    app.register_blueprint(token_pages.bp)  # staff pages: signed in, CSRF-protected
    app.cli.add_command(api_token_cli)
