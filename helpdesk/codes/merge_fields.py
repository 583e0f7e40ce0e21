"""The ``code`` merge fields of call scripts: the code recorded on the case, as the register knows it.

    Your code {{ code.value }} is {{ code.status }}: it was used on {{ code.used_at }} by {{ code.used_by }}.
"""

from zoneinfo import ZoneInfo

from helpdesk.codes.services import case_code, look_up_code

CODE_FIELDS = ("value", "status", "points", "used_at", "used_by", "expires_at")


def code_merge_values(case, agent=None) -> dict:
    value = case_code(case) if case is not None else None
    if value is None:
        return {}
    found = look_up_code(value, [case.program_id]).code
    if found is None:
        return {"value": value, "status": "unknown"}
    tz = ZoneInfo(case.program.timezone)
    return {"value": found.value, "status": found.status.value, "points": found.points,
            "used_at": found.used_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if found.used_at else None,
            "used_by": found.participant.full_name if found.participant else None,
            "expires_at": found.expires_at.astimezone(tz).date().isoformat() if found.expires_at else None}
