"""Satisfaction per call-script version: the version of the latest script run on the case.

Script runs belong to the call-scripts feature (``helpdesk.scripts``). Where that feature is not installed,
surveys carry no script version and the dashboard's "by script version" table stays empty; this module is
the one place that links the two.
"""

from sqlalchemy import select

from helpdesk.cases.models import Case
from helpdesk.extensions import db

try:
    from helpdesk.scripts.models import ScriptRun
except ImportError:  # the call-scripts feature is not part of this installation
    ScriptRun = None


def latest_script_version(case: Case) -> str | None:
    """The version label ("Title v3") of the latest script run on the case, completed or not; None without."""
    if ScriptRun is None:
        return None
    run = db.session.scalar(select(ScriptRun).where(ScriptRun.case_id == case.id)
                            .order_by(ScriptRun.id.desc()).limit(1))
    return run.version.label if run is not None else None
