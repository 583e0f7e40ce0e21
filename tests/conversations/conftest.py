"""Conversations as the tests see them: the contract-checking API client, Twilio helpers and reward orders."""

from tests.api.conftest import api, issue_token, openapi  # noqa: F401  (the contract-checking API client)
from tests.rewards.conftest import make_order  # noqa: F401  (reward orders through the upsert service)
from tests.telephony.conftest import caller, hotline, twilio  # noqa: F401  (a hotline, its caller, fake Twilio)
