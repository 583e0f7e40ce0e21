"""Median time to render one step of a generated 50-step call script, against a 5 ms budget.

    .venv/bin/python bench/script_render.py [-n 2000] [--steps 50] [--budget-ms 5]

A fresh SQLite database (the real migrations) gets a program, a participant, an agent, a case and the script
as a saved version. Two figures, each the median over ``-n`` renders of a step picked in turn:

* step: the step's text, question and options rendered from merge values already resolved;
* runner: what the case page's runner does per request: read the version's definition, resolve every merge
  namespace for the case (including other features' namespaces, which may query), render the step.

Exits 1 when a median is over budget.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402

from helpdesk import create_app  # noqa: E402
from helpdesk.actors import SystemActor  # noqa: E402
from helpdesk.auth.services import create_user  # noqa: E402
from helpdesk.cases.services import open_case  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.participants.services import upsert_participant  # noqa: E402
from helpdesk.programs.services import create_program  # noqa: E402
from helpdesk.scripts import fileformat  # noqa: E402
from helpdesk.scripts.checker import check_document  # noqa: E402
from helpdesk.scripts.merge_fields import resolve_values  # noqa: E402
from helpdesk.scripts.rendering import render_step  # noqa: E402
from helpdesk.scripts.services.versions import EDITOR, definition_of, record_version  # noqa: E402

SYSTEM = SystemActor("Benchmark")
KINDS = ("yes_no", "choice", "number", "date", "text", None)


def generated_script(steps: int) -> dict:
    """A script in the file format: every step says a paragraph with merge fields, most ask and branch."""
    document = {"id": "bench", "title": "Benchmark", "program": "all", "category": "other", "locale": "en",
                "steps": []}
    for n in range(steps - 1):
        kind = KINDS[n % len(KINDS)]
        step = {"id": f"s{n}", "say": (
            f"Step {n}: thank you, {{{{ participant.first_name }}}} {{{{ participant.last_name }}}}. Your balance is "
            "{{ participant.points_balance }} points and your case {{ case.number }} is about "
            "{{ case.category }}.\nThis is {{ agent.first_name }} from {{ program.name }}; call us back on "
            "{{ program.hotline_number }} at any time, and mention {{ participant.member_id }}."),
            "next": f"s{n + 1}"}
        if kind:
            step["ask"] = {"type": kind, "label": f"Answer {n} for {{{{ participant.first_name }}}}"}
        if kind == "choice":
            step["ask"]["options"] = [{"value": f"o{i}", "label": f"Option {i}"} for i in range(6)]
            step["branches"] = [{"when": "o0", "next": f"s{steps - 1}"}]
        elif kind == "yes_no":
            step["branches"] = [{"when": "no", "next": f"s{steps - 1}"}]
        elif kind == "number":
            step["branches"] = [{"when": "> 100", "next": f"s{steps - 1}"}]
        document["steps"].append(step)
    document["steps"].append({"id": f"s{steps - 1}", "say": "Goodbye, {{ participant.first_name }}.", "end": True,
                              "action": {"status": "resolved"}})
    return document


def median_ms(fn, runs: int, steps: list) -> float:
    for step in steps[:10]:
        fn(step)  # warm-up: compiled templates are cached per text
    times = []
    for i in range(runs):
        step = steps[i % len(steps)]
        start = time.perf_counter()
        fn(step)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--budget-ms", type=float, default=5.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench"})
        with app.app_context():
            flask_migrate.upgrade()
            program = create_program(code="BENCH", name="Bench Rewards", hotline_number="+48221234567",
                                     timezone="Europe/Warsaw", locale="en", actor=SYSTEM)
            participant, _ = upsert_participant(program, "M000001", {
                "first_name": "Zofia", "last_name": "Wiśniewska", "phone": "+48601000001",
                "email": "zofia@example.com", "points_balance": 12500}, actor=SYSTEM)
            agent = create_user(email="agent@bench.test", name="Adam Agent", role="agent", password="x" * 12,
                                programs=[program])
            case = open_case(program, participant=participant, channel="phone", category="other",
                             subject="Benchmark", actor=SYSTEM)
            definition, problems = check_document(generated_script(args.steps))
            assert not problems, problems
            version, _ = record_version(definition, source=fileformat.dump(fileformat.to_document(definition)),
                                        origin=EDITOR, actor=SYSTEM)
            db.session.commit()
            step_ids = [s.id for s in definition.steps]
            values = resolve_values(case, agent)

            step_ms = median_ms(lambda sid: render_step(definition.step(sid), values), args.n, step_ids)
            runner_ms = median_ms(
                lambda sid: render_step(definition_of(version).step(sid), resolve_values(case, agent)),
                args.n, step_ids)
    print(f"{args.steps}-step script, median of {args.n} renders (budget {args.budget_ms:g} ms):")
    print(f"  {'step (values resolved)':<40}{step_ms:8.3f} ms")
    print(f"  {'runner (definition + values + step)':<40}{runner_ms:8.3f} ms")
    return 0 if max(step_ms, runner_ms) <= args.budget_ms else 1


if __name__ == "__main__":
    sys.exit(main())
