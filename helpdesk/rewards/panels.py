"""The reward panels on shared pages: recent orders beside the participant, the delivery facts on the case."""

from helpdesk.actors import can_access
from helpdesk.cases.models import Category
from helpdesk.database import utcnow
from helpdesk.forms import choices
from helpdesk.rewards.delivery import delivery_of, open_cases_by_order, program_today, suggested_issue
from helpdesk.rewards.forms import EscalationForm, IssueTypeForm, LinkOrderForm, ResolutionForm, VendorAnswerForm
from helpdesk.rewards.models import IssueType
from helpdesk.rewards.orders import recent_orders, status_histories

PANEL_ORDERS = 5
PAGE_ORDERS = 20


def _orders_context(participant, actor, limit: int, with_history: bool) -> dict | None:
    if not can_access(actor, participant.program_id):
        return None
    orders = recent_orders(participant, limit)
    today = program_today(participant.program)
    return {"orders": orders, "open_cases": open_cases_by_order([o.id for o in orders]), "today": today,
            "suggested": {o.id: suggested_issue(o, today) for o in orders},
            "histories": status_histories(orders) if with_history else {}, "participant": participant,
            "issue_types": list(IssueType)}


def participant_orders(participant, actor) -> dict | None:
    return _orders_context(participant, actor, PANEL_ORDERS, with_history=False)


def late_orders(participant, actor) -> dict | None:
    """The caller's recent orders past their expected delivery, for the screen pop."""
    if not can_access(actor, participant.program_id):
        return None
    today = program_today(participant.program)
    late = [o for o in recent_orders(participant, PANEL_ORDERS) if suggested_issue(o, today) == IssueType.LATE]
    return {"late": late}


def participant_page_orders(participant, actor) -> dict | None:
    return _orders_context(participant, actor, PAGE_ORDERS, with_history=True)


def case_delivery(case, actor) -> dict | None:
    """The delivery panel of a delivery case, or the order picker of a reward-delivery case without orders."""
    delivery = delivery_of(case)
    if delivery is None and (case.category != Category.REWARD_DELIVERY or case.participant is None):
        return None
    linked = {o.id for o in delivery.orders} if delivery else set()
    linkable = [o for o in recent_orders(case.participant, PAGE_ORDERS) if o.id not in linked] \
        if case.participant else []
    link_form = LinkOrderForm()
    link_form.order_id.choices = choices((str(o.id), f"{o.order_ref} · {o.reward_name}") for o in linkable)
    context = {"delivery": delivery, "linkable": linkable, "link_form": link_form, "now": utcnow(),
               "today": program_today(case.program),
               "issue_form": IssueTypeForm(issue_type=delivery.issue_type.value if delivery else None)}
    if delivery is not None:
        context |= {"orders": delivery.orders, "histories": status_histories(delivery.orders),
                    "escalation_form": EscalationForm(vendor=delivery.vendor),
                    "answer_form": VendorAnswerForm(answer_reference=delivery.vendor_reference),
                    "resolution_form": ResolutionForm()}
    return context

