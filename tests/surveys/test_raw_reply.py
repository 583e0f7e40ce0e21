"""The reply as the participant wrote it, beside the score read from it: in the responses API and the CSV."""

import csv
import io

from tests.conftest import login
from tests.surveys import test_answers
from tests.surveys.test_answers import text

sent_survey = test_answers.sent_survey  # the fixture: a survey the gateway has accepted


def test_the_raw_reply_of_a_texted_answer_reaches_the_api_and_the_csv(client, api, make, sent_survey,
                                                                      survey_program, member):
    text(client, survey_program, member, "4 - było OK, ale długo")
    day = sent_survey.sent_day.isoformat()
    body = api.get("/satisfaction/responses", query_string={"program": survey_program.code, "from": day,
                                                             "to": day}).get_json()
    (item,) = body["items"]
    assert (item["score"], item["raw_reply"], item["agent"]) == (4, "4 - było OK, ale długo", "Marta Agent")
    login(client, make.user(role="manager", programs=[survey_program]))
    export = client.get("/reports/satisfaction.csv", query_string={"program": survey_program.code, "from": day,
                                                                   "to": day}).get_data(as_text=True)
    (row,) = csv.DictReader(io.StringIO(export))
    assert (row["score"], row["raw_reply"]) == ("4", "4 - było OK, ale długo")
