"""Reward pages: delivery-case actions posted from the case page, and the two reports (orders are imported
through helpdesk.imports)."""

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.audit.services import record
from helpdesk.auth.access import manager_required
from helpdesk.cases.models import Case
from helpdesk.cases.services import get_case
from helpdesk.database import lock_row, unit_of_work, utcnow
from helpdesk.errors import NotFound, ValidationError
from helpdesk.forms import choices
from helpdesk.programs.services import get_program, visible_programs
from helpdesk.rewards.delivery import (
    change_issue_type,
    escalate_to_vendor,
    link_order,
    open_delivery_case,
    record_vendor_answer,
    resolve_delivery_case,
    suggested_issue,
)
from helpdesk.rewards.forms import (
    EscalationForm,
    IssueTypeForm,
    LinkOrderForm,
    OpenDeliveryCaseForm,
    ProblemRewardsForm,
    ResolutionForm,
    VendorAnswerForm,
)
from helpdesk.rewards.models import IssueType
from helpdesk.rewards.orders import get_order
from helpdesk.rewards.reports import (
    AGE_BUCKETS,
    delivery_aging,
    open_delivery_case_list,
    problem_rewards,
    problem_rewards_csv,
)
from helpdesk.validation import parse_id
from helpdesk.web import run_change

bp = Blueprint("rewards", __name__, url_prefix="/rewards")

REPORT_DAYS = 90


def _case_page(case_id: int):
    return redirect(url_for("cases.case_page", case_id=case_id, _anchor="delivery"), 303)


def _run(case_id: int, form, change):
    """Apply one delivery change posted from the case page (``change(case)``, given the case read afresh and
    locked inside the unit of work) and go back there; say why if refused."""
    if not form.validate_on_submit():
        flash(_("Not changed: %(reason)s", reason=_reasons(form, form.errors)), "error")
        return _case_page(case_id)
    error = run_change(lambda: change(lock_row(Case, Case.id == case_id))).error
    if isinstance(error, ValidationError):
        flash(_("Not changed: %(reason)s", reason=_reasons(form, {k: [v] for k, v in error.fields.items()})), "error")
    elif error is not None:
        flash(_("Not changed: %(reason)s", reason=error.message), "error")
    return _case_page(case_id)


def _reasons(form, errors: dict) -> str:
    def label(name):
        field = getattr(form, name, None)
        return field.label.text if field is not None and hasattr(field, "label") else name.replace("_", " ")

    return "; ".join(f"{label(name)} {messages[0][:1].lower()}{messages[0][1:]}" for name, messages in errors.items())


@bp.route("/orders/<int:order_id>/delivery-case", methods=["POST"])
def open_case_for_order(order_id):
    """One click on an order: a delivery case for it, with the likeliest issue unless one was picked."""
    order = get_order(order_id, actor=current_user)
    form = OpenDeliveryCaseForm()
    if not form.validate_on_submit():
        abort(400, "The form was not valid; reload the page and try again.")
    issue_type = form.issue_type.data or suggested_issue(order)
    order_ref, participant_id = order.order_ref, order.participant_id
    done = run_change(lambda: _id_and_reference(open_delivery_case(order, issue_type=issue_type,
                                                                   actor=current_user)))
    if done.error is not None:
        flash(_("Not opened: %(reason)s", reason=done.error.message), "error")
        return redirect(url_for("participants.participant_page", participant_id=participant_id), 303)
    case_id, reference = done.result
    flash(_("Delivery case %(reference)s opened for order %(order)s.", reference=reference, order=order_ref), "success")
    return _case_page(case_id)


def _id_and_reference(case) -> tuple[int, str]:
    return case.id, case.reference


@bp.route("/cases/<int:case_id>/orders", methods=["POST"])
def link_case_order(case_id):
    case = get_case(case_id, actor=current_user)
    form = LinkOrderForm()
    order_id = parse_id(form.order_id.data)
    order = get_order(order_id, actor=current_user) if order_id else None
    if order is None:
        abort(404)
    return _run(case.id, form, lambda case: link_order(case, order, actor=current_user,
                                                  issue_type=form.issue_type.data or None))


@bp.route("/cases/<int:case_id>/issue", methods=["POST"])
def change_issue(case_id):
    case = get_case(case_id, actor=current_user)
    form = IssueTypeForm()
    return _run(case.id, form, lambda case: change_issue_type(case, form.issue_type.data, actor=current_user))


@bp.route("/cases/<int:case_id>/escalation", methods=["POST"])
def escalate(case_id):
    case = get_case(case_id, actor=current_user)
    form = EscalationForm()
    return _run(case.id, form, lambda case: escalate_to_vendor(
        case, answer_due=form.answer_due.data, vendor=form.vendor.data, vendor_reference=form.vendor_reference.data,
        note=form.escalation_note.data, actor=current_user))


@bp.route("/cases/<int:case_id>/vendor-answer", methods=["POST"])
def vendor_answer(case_id):
    case = get_case(case_id, actor=current_user)
    form = VendorAnswerForm()
    return _run(case.id, form, lambda case: record_vendor_answer(
        case, answer=form.answer.data, vendor_reference=form.answer_reference.data, actor=current_user))


@bp.route("/cases/<int:case_id>/resolution", methods=["POST"])
def resolve(case_id):
    case = get_case(case_id, actor=current_user)
    form = ResolutionForm()
    return _run(case.id, form, lambda case: resolve_delivery_case(
        case, resolution=form.resolution.data, tracking_number=form.tracking_number.data, carrier=form.carrier.data,
        refund_points=form.refund_points.data, note=form.resolution_note.data, actor=current_user))


def _chosen_program(programs):
    code = request.args.get("program")
    if not code:
        return None
    program = next((p for p in programs if p.code == code), None)
    if program is None:
        raise NotFound(f"no program {code[:32]!r}")
    return program


@bp.route("/delivery-cases")
def delivery_cases():
    """Open delivery cases by vendor and issue type, with their age; the cases of one cell below."""
    programs = visible_programs(current_user)
    program = _chosen_program(programs)
    issue = request.args.get("issue_type")
    issue = IssueType(issue) if issue in set(IssueType) else None
    vendor_given = "vendor" in request.args
    rows = delivery_aging(actor=current_user, program=program)
    cases = open_delivery_case_list(actor=current_user, program=program, vendor=request.args.get("vendor"),
                                    any_vendor=not vendor_given, issue_type=issue)
    return render_template("rewards/delivery_cases.html", rows=rows, cases=cases, programs=programs,
                           program=program, buckets=AGE_BUCKETS, issue=issue, now=utcnow(),
                           vendor=request.args.get("vendor") if vendor_given else None)


@bp.route("/problem-rewards")
@manager_required
def problem_rewards_report():
    """Which rewards or vendors cause the most delivery cases per 1,000 orders over a period; CSV on request."""
    programs = visible_programs(current_user)
    form = ProblemRewardsForm(request.args)
    form.program.choices = choices((p.code, f"{p.name} ({p.code})") for p in programs)
    today = utcnow().date()
    form.first.data = form.first.data or today - timedelta(days=REPORT_DAYS)
    form.last.data = form.last.data or today
    form.program.data = form.program.data or (programs[0].code if programs else None)
    rows = []
    if programs and form.validate():
        program = get_program(form.program.data, actor=current_user)
        export = request.args.get("format") == "csv"
        rows = problem_rewards(program, form.first.data, form.last.data, by=form.by.data,
                               min_orders=form.min_orders.data or 1, limit=None if export else 100)
        if export:
            filename = f"problem-{form.by.data}s-{program.code}-{form.first.data}-{form.last.data}.csv"
            with unit_of_work():
                record("export.csv", actor=current_user, target=("file", filename), program=program,
                       details={"file": filename, "rows": len(rows), "complete": True})
            return Response(problem_rewards_csv(rows, form.by.data), mimetype="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return render_template("rewards/problem_rewards.html", form=form, rows=rows)
