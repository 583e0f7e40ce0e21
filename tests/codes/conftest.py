from tests.api.conftest import api, issue_token, openapi  # noqa: F401  (the API fixtures, contract-checked)
