"""``flask api-token create``: the only way to get a token."""

import hashlib

from helpdesk.api.models import ApiToken
from helpdesk.extensions import db


def create_token(runner, *options):
    return runner.invoke(args=["api-token", "create", "--name", "crm", *options])


def test_the_token_is_printed_alone_on_the_last_line_and_the_api_accepts_it(runner, api, program):
    result = create_token(runner)
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("hd_") and token == token.strip() and " " not in token
    assert program.code in [p["code"] for p in api.as_token(token).get("/programs").get_json()["items"]]


def test_a_token_for_one_program_sees_only_that_program(runner, api, make, program):
    make.program()
    token = create_token(runner, "--program", program.code).output.strip().splitlines()[-1]
    assert [p["code"] for p in api.as_token(token).get("/programs").get_json()["items"]] == [program.code]


def test_only_a_hash_of_the_token_is_stored(runner):
    token = create_token(runner).output.strip().splitlines()[-1]
    stored = db.session.query(ApiToken).filter_by(name="crm").one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.name, stored.token_hash}


def test_an_unknown_program_or_a_bad_name_creates_no_token(runner):
    unknown = create_token(runner, "--program", "NOPE")
    assert unknown.exit_code != 0 and "no program 'NOPE'" in unknown.output
    too_long = runner.invoke(args=["api-token", "create", "--name", "n" * 81])
    assert too_long.exit_code != 0 and "name" in too_long.output
    assert db.session.query(ApiToken).count() == 0
