"""Token lifecycle: issued with an expiry, listed, revoked; a revoked or expired token is refused at once."""

import re
from datetime import timedelta

from helpdesk.api.models import ApiToken
from helpdesk.database import utcnow
from helpdesk.extensions import db
from tests.api.support import error_of
from tests.conftest import csrf_token, login


def last_line(result) -> str:
    return result.output.strip().splitlines()[-1]


def token_named(name: str) -> ApiToken:
    db.session.expire_all()
    return db.session.query(ApiToken).filter_by(name=name).one()


def test_a_token_expires_a_year_after_it_is_issued_unless_told_otherwise(runner):
    assert runner.invoke(args=["api-token", "create", "--name", "yearly"]).exit_code == 0
    yearly = token_named("yearly")
    assert yearly.expires_at - yearly.created_at == timedelta(days=365)
    result = runner.invoke(args=["api-token", "create", "--name", "short", "--expires-in", "7"])
    assert result.exit_code == 0 and "expiring" in result.output
    short = token_named("short")
    assert short.expires_at - short.created_at == timedelta(days=7)
    for bad in ("0", "100000", "-3"):
        refused = runner.invoke(args=["api-token", "create", "--name", "bad", "--expires-in", bad])
        assert refused.exit_code != 0 and "--expires-in" in refused.output
    assert db.session.query(ApiToken).filter_by(name="bad").count() == 0


def test_the_list_shows_name_program_created_last_used_expires_and_revoked(runner, api, make):
    program = make.program()
    runner.invoke(args=["api-token", "create", "--name", "crm", "--program", program.code])
    plain = last_line(runner.invoke(args=["api-token", "create", "--name", "used"]))
    api.as_token(plain).get("/programs")
    runner.invoke(args=["api-token", "revoke", str(token_named("crm").id)])
    result = runner.invoke(args=["api-token", "list"])
    assert result.exit_code == 0
    header, *rows = result.output.splitlines()
    assert header.split() == ["ID", "NAME", "PROGRAM", "CREATED", "LAST", "USED", "EXPIRES", "REVOKED"]
    cells = {row.split()[1]: re.split(r"\s{2,}", row.strip()) for row in rows}
    crm, used = token_named("crm"), token_named("used")

    def minute(moment):
        return moment.strftime("%Y-%m-%d %H:%M")

    assert cells["crm"] == [str(crm.id), "crm", program.code, minute(crm.created_at), "-", minute(crm.expires_at),
                            minute(crm.revoked_at)]
    assert cells["used"] == [str(used.id), "used", "(all)", minute(used.created_at), minute(used.last_used_at),
                             minute(used.expires_at), "-"]
    assert plain not in result.output


def test_a_revoked_token_is_refused_at_once(runner, api):
    plain = last_line(runner.invoke(args=["api-token", "create", "--name", "gone"]))
    assert api.as_token(plain).get("/programs").status_code == 200
    result = runner.invoke(args=["api-token", "revoke", str(token_named("gone").id)])
    assert result.exit_code == 0 and "revoked" in result.output
    refused = api.as_token(plain).get("/programs")
    assert refused.status_code == 401 and error_of(refused)["code"] == "invalid_token"
    again = runner.invoke(args=["api-token", "revoke", str(token_named("gone").id)])
    assert again.exit_code == 0
    unknown = runner.invoke(args=["api-token", "revoke", "999999"])
    assert unknown.exit_code != 0 and "no API token 999999" in unknown.output


def test_an_expired_token_is_refused_at_once(runner, api):
    plain = last_line(runner.invoke(args=["api-token", "create", "--name", "old"]))
    token = token_named("old")
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert api.as_token(plain).get("/programs").status_code == 401
    token.expires_at = utcnow() + timedelta(minutes=1)
    db.session.commit()
    assert api.as_token(plain).get("/programs").status_code == 200


def new_token(client, **fields):
    return client.post("/api-tokens", data={"csrf_token": csrf_token(client, "/api-tokens"), "expires_in_days": "30",
                                            **fields})


def shown_secret(response) -> str | None:
    match = re.search(r'<code[^>]*id="new-token">(hd_[^<]+)</code>', response.get_data(as_text=True))
    return match and match.group(1)


def test_an_admin_creates_a_token_on_the_page_and_sees_its_secret_once(client, api, make):
    login(client, make.user(role="admin"))
    response = new_token(client, name="platform", program="")
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    plain = shown_secret(response)
    assert plain and api.as_token(plain).get("/programs").status_code == 200
    token = token_named("platform")
    assert token.program is None and token.expires_at - token.created_at == timedelta(days=30)
    listing = client.get("/api-tokens").get_data(as_text=True)
    assert "platform" in listing and plain not in listing


def test_a_manager_manages_only_the_tokens_of_their_programs(client, api, make, runner):
    mine, other = make.program(), make.program()
    runner.invoke(args=["api-token", "create", "--name", "other-crm", "--program", other.code])
    runner.invoke(args=["api-token", "create", "--name", "everything"])
    login(client, make.user(role="manager", programs=[mine]))
    page = client.get("/api-tokens").get_data(as_text=True)
    assert "other-crm" not in page and "everything" not in page and "All programs" not in page

    assert new_token(client, name="sneaky", program="").status_code == 422
    assert new_token(client, name="sneaky", program=other.code).status_code == 422
    plain = shown_secret(new_token(client, name="mine-crm", program=mine.code))
    assert [p["code"] for p in api.as_token(plain).get("/programs").get_json()["items"]] == [mine.code]

    token = csrf_token(client, "/api-tokens")
    for name in ("other-crm", "everything"):
        assert client.post(f"/api-tokens/{token_named(name).id}/revoke", data={"csrf_token": token}).status_code == 404
        assert token_named(name).revoked_at is None
    revoked = client.post(f"/api-tokens/{token_named('mine-crm').id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 302 and token_named("mine-crm").revoked_at is not None
    assert api.as_token(plain).get("/programs").status_code == 401


def test_agents_cannot_see_the_token_page(agent_client):
    assert agent_client.get("/api-tokens").status_code == 403
