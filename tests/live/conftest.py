import pytest

from tests.telephony.conftest import caller, hotline  # noqa: F401  (the hotline and a known caller)


@pytest.fixture
def agent_of_hotline(make, hotline):  # noqa: F811
    return make.user(programs=[hotline])
