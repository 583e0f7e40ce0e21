"""Call scripts: versioned conversation templates with branching and merge fields, run live on a case.

The manager pages live in views.py and the case-page runner in runner_views.py, each with its blueprint.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.panels import register_panel
    from helpdesk.scripts import runner_views, views
    from helpdesk.scripts.cli import scripts_cli
    from helpdesk.scripts.merge_fields import register_builtin_namespaces
    from helpdesk.scripts.rendering import describe_action
    from helpdesk.scripts.services.runs import move_runs_to_merged_case
    from helpdesk.signals import cases_merged

    app.register_blueprint(views.bp)
    app.register_blueprint(runner_views.bp)
    register_panel(app, "case_main", "scripts/_runner.html", runner_views.runner_panel, order=20)
    register_builtin_namespaces(app)
    app.add_template_filter(describe_action, "script_action")
    cases_merged.connect(move_runs_to_merged_case)
    app.cli.add_command(scripts_cli)
