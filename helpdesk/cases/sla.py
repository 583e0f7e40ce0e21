"""SLA deadlines of a case, counted in its program's business hours and timezone."""


from helpdesk.cases.models import Case
from helpdesk.programs.business_hours import add_business_minutes, special_hours
from helpdesk.programs.models import DEFAULT_SLA_TARGETS


def set_due_times(case: Case) -> None:
    """(Re)compute both deadlines from the creation time and the current priority."""
    program = case.program
    targets = (program.sla_targets or {}).get(case.priority.key) or DEFAULT_SLA_TARGETS[case.priority.key]
    hours, special = program.business_hours or {}, special_hours(program.special_days)

    def due(kind: str):
        return add_business_minutes(case.created_at, targets[kind], hours, program.timezone, special)

    case.first_response_due_at, case.resolution_due_at = due("first_response"), due("resolution")
    refresh_next_deadline(case)


def refresh_next_deadline(case: Case) -> None:
    """``sla_due_at`` is the deadline the case is working towards now, or None once it is resolved."""
    if not case.is_open:
        case.sla_due_at = None
    elif case.first_response_at is None:
        case.sla_due_at = min(case.first_response_due_at, case.resolution_due_at)
    else:
        case.sla_due_at = case.resolution_due_at

