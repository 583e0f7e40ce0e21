"""The codes register: codes participants send in, looked up by agents from the search box and the case page.
Imported through helpdesk.imports, written through the API (helpdesk.api.codes)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from helpdesk.cases.search import register_reference
    from helpdesk.codes import panels, views
    from helpdesk.codes.merge_fields import CODE_FIELDS, code_merge_values
    from helpdesk.panels import register_panel
    from helpdesk.scripts.merge_fields import register_merge_namespace

    app.register_blueprint(views.bp)
    register_panel(app, "case_side", "codes/panel_case.html", panels.case_code_panel, order=30)
    register_reference(app, views.code_reference_url)
    register_merge_namespace(app, "code", fields=CODE_FIELDS, resolve=code_merge_values)
