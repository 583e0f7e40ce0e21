"""Script fixtures: a small branching script in the file format, scripts saved as versions, a manager."""

import textwrap
from pathlib import Path

import pytest

from helpdesk.extensions import db
from helpdesk.scripts.checker import check_text
from helpdesk.scripts.services.versions import FILE, record_version
from tests.conftest import login

SHIPPED = Path(__file__).resolve().parents[2] / "call_scripts"

# Every question type, branches on each, and the four kinds of action.
DELIVERY = textwrap.dedent("""\
    id: parcel
    title: Parcel missing
    program: all
    category: reward_delivery
    locale: en
    steps:
      - id: greet
        say: |
          Hello {{ participant.first_name }}, this is {{ agent.first_name }} from {{ program.name }}.
          Your case is {{ case.number }}.
        ask:
          type: yes_no
          label: Shipping e-mail received
        branches:
          - when: yes
            next: status
          - when: no
            next: address
      - id: status
        say: What does tracking show?
        ask:
          type: choice
          label: Tracking status
          options:
            - {value: delivered, label: Delivered}
            - {value: lost, label: Lost}
        branches:
          - when: delivered
            next: neighbour
          - when: lost
            next: count
      - id: count
        say: How many parcels are missing?
        ask: {type: number, label: Parcels missing}
        branches:
          - when: ">= 2"
            next: vendor
        next: ordered
      - id: ordered
        say: When did you order?
        ask: {type: date, label: Order date}
        branches:
          - when: within 14 days
            next: wait
        next: vendor
      - id: address
        say: Please confirm your address.
        ask: {type: text, label: Address, required: false}
        next: resend
      - id: neighbour
        say: Please ask your neighbours.
        end: true
        action: {callback_in_hours: 24}
      - id: wait
        say: It is still on its way.
        end: true
      - id: vendor
        say: I am passing this to our partner.
        end: true
        action: {category: complaint, status: pending_vendor}
      - id: resend
        say: We will send it again.
        end: true
        action: {open_reward_case: Send again, status: pending_vendor}
""")


def save_script(text: str, actor, *, origin: str = FILE, name: str = "test.en.yaml"):
    """Check ``text`` as a file and save it as a version (failing the test if it has problems)."""
    definition, problems = check_text(text, name)
    assert not problems, [str(p) for p in problems]
    version, _ = record_version(definition, source=text, origin=origin, actor=actor)
    return version


@pytest.fixture
def delivery_script(make):
    script = save_script(DELIVERY, make.SYSTEM).script
    db.session.commit()  # a view that rolls back its own work must not take the test's data with it
    return script


@pytest.fixture
def program_script(make, program):
    """The delivery script as a script of ``program`` alone, which its managers may change."""
    script = save_script(DELIVERY.replace("program: all", f"program: {program.code}"), make.SYSTEM).script
    db.session.commit()
    return script


@pytest.fixture
def manager(make, program):
    return make.user(role="manager", programs=[program])


@pytest.fixture
def manager_client(client, manager):
    login(client, manager)
    return client
