"""The code panel on the case page: look a code up (``?code=`` on the case page), and on a "code not accepted"
case the code recorded on it with what the register says of it."""

from flask import request

from helpdesk.actors import can_access
from helpdesk.cases.models import Category
from helpdesk.codes.forms import CaseCodeForm
from helpdesk.codes.services import case_code, look_up_code


def case_code_panel(case, actor) -> dict | None:
    if not can_access(actor, case.program_id):
        return None
    recorded = case_code(case)
    asked = (request.args.get("code") or "").strip()[:64]
    value = asked or recorded
    return {"case": case, "recorded": recorded, "asked": asked,
            "found": look_up_code(value, [case.program_id]) if value else None,
            "records": case.category == Category.CODE_NOT_ACCEPTED,
            "form": CaseCodeForm(value=value or "")}
