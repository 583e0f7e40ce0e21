from tests.telephony.conftest import caller, hotline  # noqa: F401  (the hotline and a known caller)

import pytest  # noqa: E402


@pytest.fixture
def agent_of_hotline(make, hotline):
    return make.user(programs=[hotline])
