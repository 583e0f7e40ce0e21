"""The app's own errors, raised by services and mapped to form errors, flashes and JSON in one place each."""


class HelpdeskError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(HelpdeskError):
    """One or more fields are invalid; ``fields`` maps each field name to its message."""

    status = 422
    code = "invalid"

    def __init__(self, fields: dict[str, str] | str, message: str | None = None):
        if isinstance(fields, str):
            fields = {fields: message or "is invalid"}
        self.fields = fields
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in fields.items()))


class NotFound(HelpdeskError):
    status = 404
    code = "not_found"


class Forbidden(HelpdeskError):
    status = 403
    code = "forbidden"


class Conflict(HelpdeskError):
    """The change is not allowed in the current state (e.g. a closed case cannot go back to new)."""

    status = 409
    code = "conflict"
