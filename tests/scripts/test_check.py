import re
import textwrap
from dataclasses import replace

import pytest

from helpdesk.programs.models import LOCALES
from helpdesk.scripts import merge_fields
from helpdesk.scripts.checker import check_directory, check_text
from helpdesk.scripts.definition import Definition
from helpdesk.scripts.merge_fields import merge_fields_in
from tests.scripts.conftest import SHIPPED

MINI = textwrap.dedent("""\
    id: mini
    title: Mini
    program: all
    category: points
    locale: en
    steps:
      - id: ask
        say: |
          Hello {{ participant.first_name }}.
          Did it work?
        ask: {type: yes_no, label: Worked}
        branches:
          - when: yes
            next: done
          - when: no
            next: sorry
      - id: sorry
        say: Sorry.
        next: done
      - id: done
        say: Bye.
        end: true
""")


def problems_of(text: str) -> list[str]:
    return [str(p) for p in check_text(text, "mini.en.yaml")[1]]


def test_the_small_script_has_no_problems():
    assert problems_of(MINI) == []


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("title: Mini\n", "title: [Mini\n", "mini.en.yaml:3: YAML syntax"),
    ("title: Mini\n", "", "mini.en.yaml:1: `title` is required"),
    ("    next: done\n  - id: done", "    nxt: done\n  - id: done", "mini.en.yaml:19: unknown key 'nxt' in a step"),
    ("category: points", "category: gossip", "mini.en.yaml:4: unknown category 'gossip'"),
    ("locale: en\n", "", "mini.en.yaml:1: missing locale"),
    ("locale: en", "locale: xx", "mini.en.yaml:5: unknown locale 'xx'"),
    ("program: all", "program: not a code", "mini.en.yaml:3: `program` is `all` or a program code"),
    ("{type: yes_no,", "{type: maybe,", "mini.en.yaml:11: unknown question type 'maybe'"),
    ("{type: yes_no, label: Worked}", "{type: choice, label: Worked}", "mini.en.yaml:11: a choice question needs"),
    ("- when: no", "- when: perhaps", "mini.en.yaml:15: for a yes/no question, `when` must be yes or no"),
    ("- when: no", "- when: yes", "mini.en.yaml:15: another branch already handles `when: yes`"),
    ("    next: done\n  - id: done", "    next: dnoe\n  - id: done", "mini.en.yaml:19: unknown step 'dnoe'"),
    ("next: sorry", "next: sory", "mini.en.yaml:16: unknown step 'sory'"),
    ("steps:\n", "start: hello\nsteps:\n", "mini.en.yaml:6: unknown step 'hello' in `start`"),
    ("next: sorry", "next: done", "mini.en.yaml:17: step 'sorry' is unreachable"),
    ("    next: done\n  - id: done", "    next: sorry\n  - id: done",
     "mini.en.yaml:17: loop with no way out: steps sorry never reach an end step"),
    ("    next: done\n  - id: done", "\n  - id: done", "mini.en.yaml:17: step 'sorry' leads nowhere"),
    ("      - when: no\n        next: sorry\n", "",
     "mini.en.yaml:7: step 'ask': add `next` for answers no branch matches (no)"),
    ("label: Worked}", "label: Worked, required: false}", "mini.en.yaml:7: step 'ask': the answer is optional"),
    ("  - id: sorry", "  - id: ask", "mini.en.yaml:17: duplicate step id 'ask'"),
    ("    say: Sorry.\n", "    say: Sorry.\n    action: {status: resolved}\n",
     "mini.en.yaml:20: an action belongs on an end step: remove `next` and `branches`"),
    ("    say: Bye.\n", "    say: Bye.\n    next: sorry\n", "mini.en.yaml:22: an end step has no `next` or `branches`"),
    ("Did it work?", "Did {{ config.SECRET_KEY }} work?",
     "mini.en.yaml:10: unknown merge field {{ config.SECRET_KEY }}: no namespace 'config'"),
    ("{{ participant.first_name }}", "{{ participant.shoe_size }}",
     "mini.en.yaml:9: unknown merge field {{ participant.shoe_size }} (participant has first_name"),
    ("{{ participant.first_name }}", "{{ participant.first_name | upper }}",
     "mini.en.yaml:9: only merge fields such as {{ participant.first_name }} are allowed inside {{ }}"),
    ("Did it work?", "{% if x %}Did it work?{% endif %}", "mini.en.yaml:10: only text and merge fields"),
    ("{{ participant.first_name }}", "{{ participant.first_name", "mini.en.yaml:10: template syntax"),
    ("    say: Bye.\n", "    say: Bye.\n    action: {callback_in_hours: 4, status: resolved}\n",
     "mini.en.yaml:22: a callback sets the status to pending_participant"),
    ("    say: Bye.\n", "    say: Bye.\n    action: {status: new}\n", "mini.en.yaml:22: unknown status 'new'"),
    ("    say: Bye.\n", "    say: Bye.\n    action: {}\n", "mini.en.yaml:22: an action needs at least one of"),
    ("    say: Sorry.\n", "", "mini.en.yaml:17: step 'sorry' says nothing and asks nothing"),
    ("steps:\n", "steps: []\nold_steps:\n", "mini.en.yaml:6: `steps` must list at least one step"),
])
def test_each_problem_is_reported_at_its_file_and_line(old, new, expected):
    assert old in MINI
    problems = problems_of(MINI.replace(old, new, 1))
    assert any(p.startswith(expected) for p in problems), problems


def test_a_loop_of_several_steps_with_no_way_out_is_reported_once():
    text = MINI.replace("next: sorry", "next: again").replace("    next: done\n  - id: done",
                                                               "    next: again\n  - id: again\n"
                                                               "    say: Again.\n    next: sorry\n  - id: done")
    assert problems_of(text) == ["mini.en.yaml:17: loop with no way out: steps sorry, again never reach an end step"]


def test_every_problem_is_reported_in_one_pass():
    broken = MINI.replace("category: points", "category: gossip").replace("next: sorry", "next: sory")
    broken = broken.replace("{{ participant.first_name }}", "{{ participant.shoe_size }}")
    assert [p.split(": ", 1)[0] for p in problems_of(broken)] == ["mini.en.yaml:4", "mini.en.yaml:9",
                                                                  "mini.en.yaml:16", "mini.en.yaml:17"]


def test_a_namespace_registered_by_another_feature_is_known_to_the_check(app, monkeypatch):
    text = MINI.replace("Did it work?", "Did {{ loyalty_card.colour }} work?")
    assert "unknown merge field" in problems_of(text)[0]
    monkeypatch.setitem(app.extensions["merge_namespaces"], "loyalty_card",
                        merge_fields.MergeNamespace("loyalty_card", ("colour",), lambda case, agent: {}))
    assert problems_of(text) == []


def write(directory, name, text):
    (directory / name).write_text(text, encoding="utf-8")


def test_a_directory_needs_each_script_in_every_required_locale(tmp_path):
    write(tmp_path, "mini.en.yaml", MINI)
    _, problems = check_directory(tmp_path, ("en", "pl"), tmp_path)
    assert [str(p) for p in problems] == ["mini.en.yaml:1: missing locale pl: no mini.pl.yaml"]


def test_a_file_name_must_match_the_script_id_and_locale(tmp_path):
    write(tmp_path, "other.en.yaml", MINI)
    write(tmp_path, "notes.yaml", MINI.replace("id: mini", "id: notes"))
    _, problems = check_directory(tmp_path, ("en",), tmp_path)
    assert [str(p) for p in problems] == [
        "notes.yaml:1: file name must be <id>.<locale>.yaml (e.g. complaint.en.yaml)",
        "other.en.yaml:1: file name must be mini.en.yaml (from its id and locale)",
    ]


def test_good_files_are_returned_and_bad_ones_left_out(tmp_path):
    write(tmp_path, "mini.en.yaml", MINI)
    write(tmp_path, "mini.pl.yaml", MINI.replace("locale: en", "locale: pl").replace("next: sorry", "next: x"))
    good, problems = check_directory(tmp_path, ("en", "pl"), tmp_path)
    assert [p.name for p in good] == ["mini.en.yaml"]
    assert [str(p) for p in problems] == ["mini.pl.yaml:16: unknown step 'x'", "mini.pl.yaml:17: step 'sorry' is "
                                          "unreachable from the start step 'ask'"]


def test_the_check_command_prints_file_line_message_and_exits_non_zero(runner, tmp_path):
    write(tmp_path, "mini.en.yaml", MINI.replace("next: sorry", "next: x"))
    write(tmp_path, "mini.pl.yaml", MINI.replace("locale: en", "locale: pl"))
    write(tmp_path, "mini.ru.yaml", MINI.replace("locale: en", "locale: ru"))
    result = runner.invoke(args=["scripts", "check", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/mini.en.yaml:16: unknown step 'x'" in result.output
    assert "2 problem(s) in the script files" in result.output


@pytest.mark.parametrize("nested", [
    "[" * 5000 + "]" * 5000,  # flow lists
    "{a: " * 5000 + "1" + "}" * 5000,  # flow mappings
    "\n" + "".join("  " * level + "-\n" for level in range(2000)),  # block lists
])
def test_deep_nesting_is_reported_at_its_line_instead_of_crashing_the_check(runner, tmp_path, nested):
    write(tmp_path, "mini.en.yaml", MINI.replace("category: points", f"category: points\nrank: {nested}"))
    write(tmp_path, "mini.pl.yaml", MINI.replace("locale: en", "locale: pl"))
    result = runner.invoke(args=["scripts", "check", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # a report, not a traceback
    line = 5 if nested.startswith(("[", "{")) else 25  # the line of the 21st level
    assert f"{tmp_path}/mini.en.yaml:{line}: YAML syntax: nested deeper than 20 levels" in result.output


def test_the_shipped_scripts_pass_the_check(runner):
    result = runner.invoke(args=["scripts", "check"])  # call_scripts/ by default
    assert result.exit_code == 0, result.output
    assert "21 script file(s) OK" in result.output


def test_the_check_command_requires_every_participant_language(runner, tmp_path):
    write(tmp_path, "mini.en.yaml", MINI)
    write(tmp_path, "mini.pl.yaml", MINI.replace("locale: en", "locale: pl"))
    result = runner.invoke(args=["scripts", "check", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/mini.en.yaml:1: missing locale ru: no mini.ru.yaml" in result.output


SHIPPED_IDS = {"reward-not-delivered", "damaged-or-wrong-reward", "voucher-not-working", "points-missing",
               "how-to-redeem", "account-access", "complaint"}


def shipped() -> dict[str, dict[str, Definition]]:
    """The shipped definitions by script id and locale (every file must pass the check)."""
    good, problems = check_directory(SHIPPED, LOCALES)
    assert not problems, [str(p) for p in problems]
    by_id = {}
    for definition in good.values():
        by_id.setdefault(definition.id, {})[definition.locale] = definition
    return by_id


def test_the_shipped_scripts_cover_the_hotlines_topics_in_english_polish_and_russian():
    assert {script_id: set(locales) for script_id, locales in shipped().items()} == {
        script_id: {"en", "pl", "ru"} for script_id in SHIPPED_IDS}


def structure(definition: Definition) -> dict:
    """Everything a translation keeps: all but the words (a reward case's subject is words too)."""
    steps = []
    for step in definition.steps:
        ask = step.ask
        texts = [step.say, *([ask.label, *(o.label for o in ask.options)] if ask else [])]
        steps.append({
            "id": step.id, "branches": step.branches, "next": step.next, "end": step.end,
            "ask": ask and (ask.type, ask.required, [o.value for o in ask.options]),
            "action": step.action and replace(step.action, reward_case=bool(step.action.reward_case)),
            "merge_fields": sorted({(ns, name) for text in texts for ns, name, _ in merge_fields_in(text)}),
        })
    return {"program": definition.program, "category": definition.category, "rank": definition.rank,
            "start": definition.start, "steps": steps}


@pytest.mark.parametrize("script_id", sorted(SHIPPED_IDS))
def test_each_shipped_translation_has_the_english_scripts_steps_branches_actions_and_merge_fields(script_id):
    by_locale = shipped()[script_id]
    english = structure(by_locale["en"])
    for locale in ("pl", "ru"):
        assert structure(by_locale[locale]) == english, locale


SLASHED = re.compile(r"\w/\w|\w\(-?\w{1,3}\)|\bPan(a|i|u)?\b")  # Pan/Pani, otrzymał(a), Zanotowałem(-am), получил(а)


@pytest.mark.parametrize("locale", ["pl", "ru"])
def test_the_shipped_scripts_speak_to_the_caller_without_slashed_or_gendered_forms(locale):
    said = [(definition.id, step.id, step.say) for by_locale in shipped().values()
            for definition in [by_locale[locale]] for step in definition.steps]
    assert [found for found in said if SLASHED.search(found[2])] == []
