"""Small helpers the API tests share."""


def error_of(response) -> dict:
    """The ``error`` object of a JSON error response."""
    return response.get_json()["error"]


def field_errors(response) -> dict:
    return error_of(response).get("fields", {})
