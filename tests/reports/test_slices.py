"""The dashboard's slices on known data: by reward and vendor, filters, the previous period, the target, and all
of a manager's programs."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.reports.dashboard import all_programs, dashboard
from helpdesk.reports.periods import Period
from helpdesk.reports.queries import Figures, category_label, previous_period, week_of
from helpdesk.reports.slices import Filters, parse_filters
from helpdesk.surveys.models import SCALES
from helpdesk.surveys.settings import DEFAULT_TARGET, update_survey_settings
from helpdesk.surveys.stats import count_answer, rebuild_days
from tests.factories import SYSTEM
from tests.reports.conftest import PERIOD, add_survey


def figures(rows):
    return {label: (f.sent, f.responses, f.average) for label, f in rows}


def test_satisfaction_by_reward_and_by_vendor_goes_through_the_cases_orders(ordered, dashboard_program):
    board = dashboard(dashboard_program, PERIOD)
    assert figures(board.rewards) == {"Wireless headphones": (2, 2, 2.0), "Coffee maker": (2, 2, 3.0)}
    assert figures(board.vendors) == {"GadgetHub": (2, 2, 2.0), "HomeGoods": (2, 2, 3.0)}


@pytest.mark.parametrize(("filters", "expected"), [
    ({"category": "points"}, (5, 4, 4.0)),
    ({"reward": "Wireless headphones"}, (2, 2, 2.0)),
    ({"vendor": "HomeGoods"}, (2, 2, 3.0)),
    ({"vendor": "HomeGoods", "category": "points"}, (0, 0, None)),
    ({"reward": "Nothing of the kind"}, (0, 0, None)),
])
def test_filters_narrow_every_figure_of_the_dashboard(ordered, dashboard_program, filters, expected):
    board = dashboard(dashboard_program, PERIOD, parse_filters(filters))
    assert (board.totals.sent, board.totals.responses, board.totals.average) == expected
    assert sum(f.sent for _, f in board.weeks) == expected[0]
    assert sum(f.sent for _, f in board.categories) == expected[0]
    assert all(s.case.category.value == filters.get("category", s.case.category.value) for s in board.comments)


def test_an_agent_filter_keeps_every_agent_to_choose_from(ordered, dashboard_program, agents):
    anna, borys = agents
    board = dashboard(dashboard_program, PERIOD, Filters(agent=anna.id))
    assert figures(board.agents) == {"Anna Points": (5, 4, 4.0)}
    assert set(board.agent_choices.values()) == {"Anna Points", "Borys Parcels"}
    assert [s.comment for s in board.comments] == ["Too slow, I waited two weeks"]


def counted(surveys) -> Figures:
    """The figures of surveys on 1-5, added up here one by one."""
    total = Figures(SCALES[5])
    for s in surveys:
        total += Figures(SCALES[5], 1, s.score is not None, s.score or 0, s.unclear_replies,
                         {} if s.score is None else {s.score: 1})
    return total


def by(matching, labels) -> dict:
    """Figures per label of the surveys ``matching``, each counted under every label ``labels`` gives it."""
    groups: dict = {}
    for s in matching:
        for label in labels(s):
            groups.setdefault(label, []).append(s)
    return {label: counted(group) for label, group in groups.items()}


def order_labels(field: str):
    return lambda s: [key or "No vendor" for key in (s.order_keys or {}).get(field, [])]


def assert_every_figure(board, surveys, keep) -> None:
    """``board``'s figures against those counted here from the 1-5 ``surveys`` that ``keep`` selects."""
    sliced = [s for s in surveys if s.scale == 5 and keep(s)]
    within = [s for s in sliced if PERIOD.start <= s.sent_day <= PERIOD.end]
    before = previous_period(PERIOD)
    assert board.totals == counted(within) and board.totals.sent > 0
    assert board.previous == counted([s for s in sliced if before.start <= s.sent_day <= before.end])
    assert {week: f for week, f in board.weeks if f.sent} == by(within, lambda s: [week_of(s.sent_day)])
    assert dict(board.agents) == by(within, lambda s: [s.agent.name if s.agent else "Unassigned"])
    assert dict(board.categories) == by(within, lambda s: [category_label(s.category)])
    assert dict(board.scripts) == by(within, lambda s: [s.script_version or "No script"])
    assert dict(board.rewards) == by(within, order_labels("reward"))
    assert dict(board.vendors) == by(within, order_labels("vendor"))
    assert {s.id for s in board.comments} <= {s.id for s in surveys if s.comment and keep(s)}  # on any scale


def link(case, reward, vendor, rng):
    from helpdesk.rewards.delivery import link_order
    from helpdesk.rewards.orders import upsert_order
    from tests.rewards.conftest import order_fields

    made, _ = upsert_order(case.program, f"O-{case.number}-{rng.getrandbits(32)}", order_fields(
        case.participant, reward_name=reward, reward_sku=reward[:8].upper(), vendor=vendor), actor=SYSTEM,
        source="test")
    link_order(case, made, actor=SYSTEM, issue_type="not_delivered")


CATALOGUE = [("Wireless headphones", "GadgetHub"), ("Coffee maker", "HomeGoods"), ("Kettle", "HomeGoods"),
             ("Cinema voucher", None)]


def test_every_figure_of_a_slice_is_what_its_surveys_add_up_to(make, dashboard_program, agents):
    """Random surveys around the period (some on another scale, some unassigned or without a script, some about
    orders linked before they were sent, or after), and each slice's figures against those counted here from the
    surveys themselves: from the running totals, and again after rebuilding them."""
    rng, tz = random.Random(16), ZoneInfo(dashboard_program.timezone)
    anna, borys = agents
    surveys = []
    for _ in range(160):
        day = PERIOD.start - timedelta(days=rng.randrange(-16, 17))
        sent_at = datetime.combine(day, time(rng.randrange(24), 30), tz)
        top = rng.choice((5, 5, 5, 10))
        category = rng.choice(("points", "account", "complaint", "reward_delivery"))
        case = make.case(dashboard_program, category=category)
        for reward, vendor in rng.sample(CATALOGUE, rng.choice((0, 1, 1, 2)) if category == "reward_delivery" else 0):
            link(case, reward, vendor, rng)
        surveys.append(add_survey(
            case, sent_at=sent_at, score=rng.choice((None, *SCALES[top].scores)), agent=rng.choice((anna, borys, None)),
            script=rng.choice((None, "Lost parcel v2", "Points v1")), scale=top, unclear=rng.randrange(2),
            comment=rng.choice((None, "Thanks"))))
        if category == "reward_delivery" and rng.random() < 0.3:
            link(case, *rng.choice(CATALOGUE), rng)  # too late for the survey

    def keeps(filters):
        def keep(s):
            keys = s.order_keys or {}
            return (s.category == (filters.category or s.category) and s.agent_id == (filters.agent or s.agent_id)
                    and (filters.reward is None or filters.reward in keys.get("reward", []))
                    and (filters.vendor is None or filters.vendor in keys.get("vendor", [])))
        return keep

    slices = (Filters(category="points"), Filters(category="reward_delivery"), Filters(agent=anna.id),
              Filters(category="points", agent=borys.id), Filters(reward="Kettle"), Filters(reward="Cinema voucher"),
              Filters(vendor="HomeGoods"), Filters(vendor="GadgetHub", agent=anna.id), Filters())
    for rebuilt in (False, True):
        if rebuilt:
            rebuild_days(dashboard_program.id)
            db.session.expire_all()
        for filters in slices:
            assert_every_figure(dashboard(dashboard_program, PERIOD, filters), surveys, keeps(filters))


@pytest.mark.parametrize(("args", "field"), [({"category": "billing"}, "category"), ({"agent": "12a"}, "agent"),
                                             ({"reward": "x" * 201}, "reward"), ({"vendor": "a\x00b"}, "vendor")])
def test_a_bad_filter_names_itself(args, field):
    with pytest.raises(ValidationError) as error:
        parse_filters(args)
    assert field in error.value.fields


def test_the_headline_compares_with_the_period_of_equal_length_before(known_data, dashboard_program):
    assert previous_period(PERIOD) == Period(date(2026, 2, 16), date(2026, 3, 1))
    board = dashboard(dashboard_program, PERIOD)
    assert (board.previous.sent, board.previous.average) == (1, 5.0)  # the 5 of 28 February


def test_the_target_is_the_programs_or_the_default(make, dashboard_program):
    assert dashboard(dashboard_program, PERIOD).target == DEFAULT_TARGET[5] == 4.8
    update_survey_settings(dashboard_program, enabled=True, delay_minutes=None, quiet_hours=None, fatigue_days=None,
                           texts={}, target="4,5", actor=SYSTEM)
    assert dashboard(dashboard_program, PERIOD).target == 4.5


@pytest.mark.parametrize("target", ["0.9", "5.01", "4.855", "high", "nan", "inf", "1e1"])
def test_a_target_outside_the_scale_is_refused(dashboard_program, target):
    with pytest.raises(ValidationError) as error:
        update_survey_settings(dashboard_program, enabled=True, delay_minutes=None, quiet_hours=None,
                               fatigue_days=None, texts={}, target=target, actor=SYSTEM)
    assert error.value.fields == {"target": "must be an average score from 1 to 5, such as 4.8"}


def test_all_my_programs_gives_each_programs_figures_and_the_totals(make, known_data, dashboard_program):
    from tests.reports.conftest import add_survey, utc

    other = make.program(country="RU")
    add_survey(make.case(other), sent_at=utc(2026, 3, 4, 9), score=4)
    lines, totals = all_programs([dashboard_program, other], PERIOD)
    assert [(line.program, line.totals.sent, line.previous.sent) for line in lines] == [
        (dashboard_program, 10, 1), (other, 1, 0)]
    [total] = totals
    assert (total.totals.sent, total.totals.responses, total.totals.score_sum, total.previous.sent) == (11, 8, 29, 1)


def test_the_tables_by_reward_and_vendor_add_up_the_orders_linked_when_each_survey_was_sent(make,
                                                                                              dashboard_program):
    """Random cases with no order, one or two (a case about two rewards counts for each, once per vendor), some
    given another order between their survey's sending and its answer, which does not count: the running totals
    against the surveys counted here, and the same after rebuilding them; and the tables of the slice of each
    reward and vendor."""
    rng, tz = random.Random(24), ZoneInfo(dashboard_program.timezone)
    by_reward, by_vendor, linked_to = {}, {}, {}
    for _ in range(40):
        case = make.case(dashboard_program, category="reward_delivery")
        linked = rng.sample(CATALOGUE, rng.choice((0, 1, 1, 2)))
        for reward, vendor in linked:
            link(case, reward, vendor, rng)
        day = PERIOD.start + timedelta(days=rng.randrange(PERIOD.days))
        survey = add_survey(case, sent_at=datetime.combine(day, time(rng.randrange(24), 30), tz),
                            unclear=rng.randrange(2))
        if rng.random() < 0.3:
            link(case, *rng.choice(CATALOGUE), rng)
        score = rng.choice((None, *SCALES[5].scores))
        if score is not None:
            survey.score = score
            count_answer(survey)
        linked_to[survey.id] = linked
        for reward in {reward for reward, _ in linked}:
            by_reward.setdefault(reward, []).append(survey)
        for vendor in {vendor or "No vendor" for _, vendor in linked}:
            by_vendor.setdefault(vendor, []).append(survey)
    expected = ({k: counted(v) for k, v in by_reward.items()}, {k: counted(v) for k, v in by_vendor.items()})
    assert {"Cinema voucher", "Kettle"} <= set(expected[0]) and "No vendor" in expected[1]


    def assert_sliced_tables():
        for filters, of in [*((Filters(reward=k), v) for k, v in by_reward.items()),
                            *((Filters(vendor=k), v) for k, v in by_vendor.items() if k != "No vendor")]:
            board = dashboard(dashboard_program, PERIOD, filters)
            assert dict(board.rewards) == by(of, lambda s: {reward for reward, _ in linked_to[s.id]})
            assert dict(board.vendors) == by(of, lambda s: {vendor or "No vendor" for _, vendor in linked_to[s.id]})

    board = dashboard(dashboard_program, PERIOD)
    assert (dict(board.rewards), dict(board.vendors)) == expected
    assert_sliced_tables()
    assert [f.sent for _, f in board.rewards] == sorted((f.sent for f in expected[0].values()), reverse=True)
    rebuild_days(dashboard_program.id)
    db.session.expire_all()
    board = dashboard(dashboard_program, PERIOD)
    assert (dict(board.rewards), dict(board.vendors)) == expected
    sliced = dashboard(dashboard_program, PERIOD, Filters(category="reward_delivery"))  # all of them, by their keys
    assert (dict(sliced.rewards), dict(sliced.vendors)) == expected
    assert_sliced_tables()
