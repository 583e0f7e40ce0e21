from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.audit.services import record_view
from helpdesk.cases.categories import category_choices
from helpdesk.cases.forms import (
    CATEGORY_CHOICES,
    PRIORITY_CHOICES,
    STATUS_CHOICES,
    CaseUpdateForm,
    LinkParticipantForm,
    MergeForm,
    NewCaseForm,
    NoteForm,
)
from helpdesk.cases.merging import case_by_reference, merge_cases
from helpdesk.cases.models import Case
from helpdesk.cases.queues import (
    QUEUES,
    SORT_LABELS,
    CaseFilters,
    count_capped,
    default_sort,
    list_cases,
)
from helpdesk.cases.search import reference_url, search
from helpdesk.cases.services import (
    UNCHANGED,
    assignable_users,
    get_case,
    open_case_for_caller,
    staff_names,
    take_case,
    timeline,
    update_case,
)
from helpdesk.database import lock_row
from helpdesk.errors import Conflict, ValidationError
from helpdesk.forms import choices
from helpdesk.participants.services import find_by_external_id, get_participant
from helpdesk.programs.services import visible_programs
from helpdesk.validation import parse_id
from helpdesk.web import run_change, save_form

bp = Blueprint("cases", __name__)

BADGE_QUEUES = ("mine", "unassigned", "breaching")
NEW_PARTICIPANT_FIELDS = ("external_id", "first_name", "last_name", "phone", "email")
OTHER_CASES = 10


@bp.route("/")
def home():
    return redirect(url_for("cases.queue"))


@bp.route("/cases")
def queue():
    queue_name = request.args.get("queue", "mine")
    programs = visible_programs(current_user)
    try:
        filters = CaseFilters.parse(request.args, {p.code: p for p in programs})
        sort = request.args.get("sort") or default_sort(queue_name)
        page = list_cases(queue_name, filters, actor=current_user, sort=sort, cursor=request.args.get("cursor"),
                          limit=current_app.config["PAGE_SIZE"])
    except ValidationError as exc:
        flash(_("Filter %(reason)s", reason=exc.message), "error")
        return redirect(url_for("cases.queue", queue=queue_name if queue_name in QUEUES else "mine"))
    counts = {name: count_capped(name, CaseFilters(), actor=current_user) for name in BADGE_QUEUES}
    users = {u.id: u for p in programs for u in assignable_users(p)} if current_user.is_manager else {}
    return render_template("cases/queue.html", page=page, queue=queue_name, queues=QUEUES, counts=counts,
                           programs=programs, sort=sort, sorts=SORT_LABELS, filters=filters,
                           users=sorted(users.values(), key=lambda u: u.name), status_choices=STATUS_CHOICES,
                           priority_choices=PRIORITY_CHOICES, category_choices=CATEGORY_CHOICES)


@bp.route("/search")
def search_page():
    if (url := reference_url(request.args.get("q"), actor=current_user)) is not None:
        return redirect(url)
    result = search(request.args.get("q"), actor=current_user)
    return render_template("cases/search.html", result=result)


def _assignee_choices(users):
    return choices([("", _("Unassigned"))] + [(str(u.id), u.name) for u in users])


def _case_category_choices(case):
    return choices(category_choices(case.program, current=case.category_value))


def _new_case_category_choices(programs):
    """The categories of the one program served, or of each, grouped under its name."""
    if len(programs) == 1:
        return choices(category_choices(programs[0]))
    return {f"{p.name} ({p.code})": choices(category_choices(p)) for p in programs}


def _case_forms(case):
    update_form = CaseUpdateForm(status=case.status.value, priority=case.priority.key,
                                 category=case.category_value, assignee=str(case.assignee_id or ""))
    update_form.category.choices = _case_category_choices(case)
    update_form.assignee.choices = _assignee_choices(assignable_users(case.program))
    return {"note_form": NoteForm(), "update_form": update_form, "link_form": LinkParticipantForm(),
            "merge_form": MergeForm()}


def _render_case(case, status=200, **forms):
    forms = {**_case_forms(case), **forms}
    other_cases = []
    if case.participant_id:
        other_cases = [c for c in list_cases("all", CaseFilters(participant_id=case.participant_id),
                                             actor=current_user, limit=OTHER_CASES + 1).items if c.id != case.id]
    events = timeline(case)
    return render_template("cases/case.html", case=case, events=events, names=staff_names(events),
                           other_cases=other_cases[:OTHER_CASES], **forms), status


@bp.route("/cases/<int:case_id>")
def case_page(case_id):
    case = get_case(case_id, actor=current_user)
    page = _render_case(case)
    record_view("case.viewed", case, actor=current_user)
    return page


def _mutate(case_id, form, change, saved=None, anchor: str = ""):
    """Run one change of a case (``change(case)``, given the case read afresh and locked inside the unit of
    work): go back to the case, saying ``saved`` and with focus back on the form at ``anchor``
    (static/js/helpdesk.js), or show the form again with the reason."""
    done = run_change(lambda: change(lock_row(Case, Case.id == case_id)), form)
    if done.error is None:
        if saved:
            flash(saved, "success")
        return redirect(url_for("cases.case_page", case_id=case_id) + (f"#{anchor}" if anchor else ""))
    case = get_case(case_id, actor=current_user)
    if isinstance(done.error, Conflict):
        flash(_("Not changed: %(reason)s", reason=done.error.message), "error")
        return _render_case(case, 409)
    return _render_case(case, 422, **{_form_key(form): form})


def _form_key(form) -> str:
    return {NoteForm: "note_form", CaseUpdateForm: "update_form", LinkParticipantForm: "link_form",
            MergeForm: "merge_form"}[type(form)]


@bp.route("/cases/<int:case_id>/notes", methods=["POST"])
def add_note(case_id):
    case = get_case(case_id, actor=current_user)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_case(case, 422, note_form=form)
    return _mutate(case_id, form, lambda case: update_case(case, actor=current_user, note=form.body.data),
                   saved=_("Note added."), anchor="note-form")


@bp.route("/cases/<int:case_id>/update", methods=["POST"])
def change_case(case_id):
    case = get_case(case_id, actor=current_user)
    users = assignable_users(case.program)
    form = CaseUpdateForm()
    form.category.choices = _case_category_choices(case)
    form.assignee.choices = _assignee_choices(users)
    if not form.validate_on_submit():
        return _render_case(case, 422, update_form=form)
    assignee = next((u for u in users if str(u.id) == form.assignee.data), None)
    return _mutate(case_id, form, lambda case: update_case(
        case, actor=current_user, status=form.status.data, priority=form.priority.data, category=form.category.data,
        assignee=assignee if assignee != case.assignee else UNCHANGED), saved=_("Case updated."), anchor="update-form")


@bp.route("/cases/<int:case_id>/take", methods=["POST"])
def take(case_id):
    get_case(case_id, actor=current_user)
    return _mutate(case_id, NoteForm(), lambda case: take_case(case, actor=current_user),
                   saved=_("The case is yours now."), anchor="update-form")


@bp.route("/cases/<int:case_id>/participant", methods=["POST"])
def link_participant(case_id):
    case = get_case(case_id, actor=current_user)
    form = LinkParticipantForm()
    if not form.validate_on_submit():
        return _render_case(case, 422, link_form=form)

    def link(case):
        participant = find_by_external_id(case.program, form.external_id.data.strip())
        if participant is None:
            raise ValidationError("external_id", f"no participant with this member id in {case.program.code}")
        update_case(case, actor=current_user, participant=participant)

    return _mutate(case_id, form, link)


@bp.post("/cases/<int:case_id>/merge")
def merge(case_id):
    """Merge this case into the one named; the agent lands on that one."""
    case = get_case(case_id, actor=current_user)
    form = MergeForm()
    if not form.validate_on_submit():
        return _render_case(case, 422, merge_form=form)

    def merge_into():
        target = case_by_reference(form.into.data, program=case.program, actor=current_user)
        return merge_cases(case_id, target.id, actor=current_user).id

    done = run_change(merge_into, form)
    if done.error is None:
        flash(_("%(case)s was merged into this case.", case=case.reference), "success")
        return redirect(url_for("cases.case_page", case_id=done.result))
    if isinstance(done.error, Conflict):
        flash(_("Not merged: %(reason)s", reason=done.error.message), "error")
        return _render_case(get_case(case_id, actor=current_user), 409)
    return _render_case(get_case(case_id, actor=current_user), 422, merge_form=form)


@bp.route("/cases/new", methods=["GET", "POST"])
def new_case():
    programs = visible_programs(current_user)
    form = NewCaseForm()
    form.program.choices = choices((p.code, f"{p.name} ({p.code})") for p in programs)
    form.category.choices = _new_case_category_choices(programs)
    participant = None
    participant_ref = form.participant_id.data or request.args.get("participant")
    if participant_ref:
        participant_id = parse_id(str(participant_ref))
        if participant_id is None:
            abort(404)
        participant = get_participant(participant_id, actor=current_user)
        form.participant_id.data = str(participant.id)
        form.program.data = participant.program.code

    def open_new_case():
        program = next(p for p in programs if p.code == form.program.data)  # the form checked the choice
        case = open_case_for_caller(
            program, participant=participant,
            new_participant={k: getattr(form, k).data for k in NEW_PARTICIPANT_FIELDS},
            channel=form.channel.data, category=form.category.data, priority=form.priority.data,
            subject=form.subject.data, description=form.description.data or "", actor=current_user)
        return case.id, case.reference

    opened = save_form(form, open_new_case)
    if opened is not None:
        case_id, reference = opened
        flash(_("Case %(reference)s opened.", reference=reference), "success")
        return redirect(url_for("cases.case_page", case_id=case_id))
    status = 422 if request.method == "POST" else 200
    return render_template("cases/new.html", form=form, participant=participant), status
