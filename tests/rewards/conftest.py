"""Reward fixtures: ``make_order(participant, **fields)`` through the upsert service, CSV files to import."""

import csv
import io
import itertools

import pytest

from helpdesk.imports.kinds import ORDERS
from helpdesk.rewards.orders import upsert_order
from tests.factories import SYSTEM

_refs = itertools.count(1)


def order_fields(participant, **fields) -> dict:
    return {"participant_external_id": participant.external_id, "reward_sku": "HEAD-01",
            "reward_name": "Wireless headphones", "reward_type": "physical", "points_spent": 1200,
            "ordered_at": "2024-05-01T10:00:00Z", "status": "shipped", "vendor": "GadgetHub", "carrier": "DPD",
            "tracking_number": "DPD123", "expected_delivery": "2024-05-08", "shipping_address": "ul. Polna 1, Warszawa",
            **fields}


@pytest.fixture
def make_order():
    def make(participant, order_ref=None, **fields):
        order, _ = upsert_order(participant.program, order_ref or f"ORD-{next(_refs):06d}",
                                order_fields(participant, **fields), actor=SYSTEM, source="test")
        return order

    return make


def csv_bytes(rows: list[dict], columns=ORDERS.fields, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def csv_row(participant, order_ref: str, **fields) -> dict:
    return {"order_ref": order_ref, **order_fields(participant, **fields)}


from tests.api.conftest import api, issue_token, openapi  # noqa: E402, F401  (the API fixtures, contract-checked)
