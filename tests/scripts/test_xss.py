"""Script text is data, never markup: injection and XSS payloads in every script field, through the real pages.

Each payload goes into every text a script has (title, what the agent says, the question's label, the options'
labels, the subject of the reward case an action opens), then the pages that show it are read with an HTML
parser: no tag of the payload's, no ``on…=`` attribute, no ``javascript:`` URL may reach them. The script is
stored directly, as if the checks had been skipped (an old version, a tampered database), so the renderer has
to hold on its own; the editor's preview gets the same payloads as typed.
"""

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from helpdesk.actors import SystemActor
from helpdesk.scripts import fileformat
from helpdesk.scripts.definition import Action, Definition, Option, Question, Step
from helpdesk.scripts.services.runs import answer_step, finish_run, start_run
from helpdesk.scripts.services.versions import FILE, record_version
from tests.conftest import csrf_token, login
from tests.scripts.test_sandbox import PAYLOADS as SSTI_PAYLOADS

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</ScRiPt>{{ participant.first_name }}",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x {{ participant.first_name }} onerror=alert(1)>",  # a tag split across a merge field
    '<img src="x" {{ case.number }}onerror="alert(1)">',
    "<{{ participant.first_name }} onmouseover=alert(1)>hover</b>",
    "<img src=`x` onerror=alert(1)>{{ program.name }}",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)//{{ agent.first_name }}",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">X</text></a></svg>',
    "<math><mtext><img src=x onerror=alert(1)></mtext></math>",
    '<a href="javascript:alert(1)">call back</a>',
    '<a href=" JaVaScRiPt:alert(1)">{{ participant.first_name }}</a>',
    '<a href="&#106;avascript:alert(1)">entity-encoded</a>',
    "<a href=javascript&colon;alert(1)>named entity</a>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    "<video><source onerror=alert(1)></video>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<!--{{ participant.first_name }}--><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt; and &#60;img src=x onerror=alert(1)&#62;",
]
PAYLOADS = SSTI_PAYLOADS + XSS_PAYLOADS
HARMLESS = "Plain words"
HOSTILE_NAME = '"><img src=x onerror=alert(1)>'  # the participant's own name, inserted by a merge field
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "background", "poster"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Page(HTMLParser):
    """The tags of a page and whatever in them could run."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.executable = Counter(), []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for name, value in attrs:
            url = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith("on") or (name in URL_ATTRIBUTES and url.startswith(SCRIPT_SCHEMES)):
                self.executable.append(self.get_starttag_text())

    handle_startendtag = handle_starttag


def assert_inert(page: str, baseline: Counter, *, may_add=frozenset()):
    """Nothing in ``page`` can run, and it has the tags of ``baseline`` (those of the same page showing harmless
    text), give or take the tags named in ``may_add``."""
    found = _Page(page)
    assert not found.executable, found.executable
    added = (found.tags - baseline) + (baseline - found.tags)
    assert set(added) <= may_add, added


def stored_script(program, category: str, text: str):
    """A script with ``text`` in every field, saved without the checks."""
    options = (Option("a", text), Option("b", text))
    steps = (Step(id="ask", say=text, ask=Question(type="choice", label=text, options=options), next="end"),
             Step(id="end", say=text, end=True, action=Action(category="complaint", reward_case=text)))
    definition = Definition(id=f"payload-{program.id}", title=text, program=program.code, category=category,
                            locale="en", steps=steps, start="ask")
    source = fileformat.dump(fileformat.to_document(definition))
    return record_version(definition, source=source, origin=FILE, actor=SystemActor())[0].script


def script_pages(client, make, text: str) -> list[str]:
    """Every page showing a script with ``text`` in every field, to a manager of a program of its own: the case
    page before the run, at its question, at its end step and with the run on the timeline; the script list,
    the script's versions, its editor and its diff; last the editor's preview of the script as typed."""
    program = make.program()
    manager = make.user(role="manager", programs=[program])
    case = make.case(program, participant=make.participant(program, first_name=HOSTILE_NAME))
    script = stored_script(program, case.category.value, text)
    login(client, manager)
    pages = [client.get(f"/cases/{case.id}")]
    run = start_run(case, script, actor=manager)
    pages.append(client.get(f"/cases/{case.id}"))
    answer_step(run, case, step_id="ask", answer="a", actor=manager)
    pages.append(client.get(f"/cases/{case.id}"))
    finish_run(run, case, step_id="end", apply_action=True, actor=manager)
    pages.append(client.get(f"/cases/{case.id}"))
    pages += [client.get(url) for url in ("/scripts", f"/scripts/{script.id}", f"/scripts/{script.id}/edit",
                                          f"/scripts/{script.id}/versions/1/diff")]
    assert [page.status_code for page in pages] == [200] * len(pages)
    form = {"csrf_token": csrf_token(client, "/scripts/new"), "key": "typed", "locale": "en", "title": text,
            "program": program.code, "category": "other", "sample": case.reference, "preview": "1",
            "steps-0-id": "ask", "steps-0-say": text, "steps-0-ask_type": "choice", "steps-0-ask_label": text,
            "steps-0-options": f"a = {text}\nb = {text}", "steps-0-next": "end",
            "steps-1-id": "end", "steps-1-say": text, "steps-1-end": "y", "steps-1-action_reward_case": text}
    pages.append(client.post("/scripts/new", data=form))
    return [page.get_data(as_text=True) for page in pages]


PREVIEW = re.compile(r'<ol class="small" id="script-preview">.*?</ol>', re.S)
_HARMLESS_TAGS: list[Counter] = []


def harmless_tags(client, make) -> list[Counter]:
    """The tags of ``script_pages`` (and of the preview alone) for harmless text: the same for every payload, so
    found once, by a manager who signs out afterwards."""
    if not _HARMLESS_TAGS:
        pages = script_pages(client, make, HARMLESS)
        _HARMLESS_TAGS.extend(_Page(page).tags for page in [*pages, PREVIEW.search(pages[-1])[0]])
        client.post("/logout", data={"csrf_token": csrf_token(client, "/cases")})
    return _HARMLESS_TAGS


def test_the_corpus_covers_injection_and_every_kind_of_xss():
    assert len(SSTI_PAYLOADS) == 31 and len(XSS_PAYLOADS) >= 30
    assert any("{{ participant.first_name }} on" in p for p in XSS_PAYLOADS)  # split across a merge field


def batches(payloads: list[str], limit: int = 200) -> list[str]:
    """Payloads packed one per line into texts a field takes (200 characters): each page is read once for
    several (every page costs a request), and a payload that escaped would add its tags whatever its
    neighbours."""
    packed: list[str] = []
    for payload in payloads:
        if packed and len(packed[-1]) + 1 + len(payload) <= limit:
            packed[-1] += "\n" + payload
        else:
            packed.append(payload)
    return packed


BATCHES = batches(PAYLOADS)


@pytest.mark.parametrize("payloads", BATCHES)
def test_no_payload_in_any_script_field_can_run_on_any_page_that_shows_it(payloads, client, make):
    *baseline, diff_baseline, editor_baseline, preview_baseline = harmless_tags(client, make)
    *pages, diff, editor = script_pages(client, make, payloads)
    for page, expected in zip(pages, baseline, strict=True):
        assert_inert(page, expected)
    assert_inert(diff, diff_baseline, may_add={"span"})  # a line each, and long text wraps
    assert_inert(editor, editor_baseline, may_add={"div", "strong", "ul", "li"})  # the list of problems
    assert 'id="script-preview"' in editor
    assert_inert(PREVIEW.search(editor)[0], preview_baseline)
