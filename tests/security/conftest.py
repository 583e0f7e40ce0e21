import pytest

from tests.api.conftest import api, issue_token, openapi  # noqa: F401  (the API fixtures, contract-checked)
from tests.conftest import login


@pytest.fixture
def admin(make):
    return make.user(role="admin")


@pytest.fixture
def admin_client(client, admin):
    login(client, admin)
    return client
