"""Reward forms. Choices that depend on the database are filled in by the view, never queried here."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from helpdesk.database import utcnow
from helpdesk.forms import choices
from helpdesk.rewards.delivery import MAX_ANSWER
from helpdesk.rewards.models import IssueType, Resolution
from helpdesk.rewards.reports import GROUPINGS

ISSUE_CHOICES = choices((i.value, i.label) for i in IssueType)
RESOLUTION_CHOICES = choices((r.value, r.label) for r in Resolution)
ANSWER_DAYS = 3


class OpenDeliveryCaseForm(FlaskForm):
    issue_type = SelectField(_l("Issue"), choices=ISSUE_CHOICES, validators=[Optional()])


class LinkOrderForm(FlaskForm):
    order_id = SelectField(_l("Order"), choices=[], validate_choice=False)  # the service checks the order
    issue_type = SelectField(_l("Issue"), choices=ISSUE_CHOICES, validators=[Optional()])


class IssueTypeForm(FlaskForm):
    issue_type = SelectField(_l("Issue"), choices=ISSUE_CHOICES)


class EscalationForm(FlaskForm):
    vendor = StringField(_l("Vendor"), validators=[Optional(), Length(max=120)])
    vendor_reference = StringField(_l("Vendor reference"), validators=[Optional(), Length(max=80)])
    answer_due = DateField(_l("Answer due"), validators=[DataRequired()],
                           default=lambda: utcnow().date() + timedelta(days=ANSWER_DAYS))
    escalation_note = TextAreaField(_l("Message to the vendor"), validators=[Length(max=MAX_ANSWER)],
                                    render_kw={"rows": 2})


class VendorAnswerForm(FlaskForm):
    answer = TextAreaField(_l("Vendor's answer"), validators=[DataRequired(), Length(max=MAX_ANSWER)],
                           render_kw={"rows": 2})
    answer_reference = StringField(_l("Vendor reference"), validators=[Optional(), Length(max=80)])


class ResolutionForm(FlaskForm):
    resolution = SelectField(_l("Resolution"), choices=RESOLUTION_CHOICES)
    tracking_number = StringField(_l("New tracking number"), validators=[Optional(), Length(max=80)])
    carrier = StringField(_l("Carrier"), validators=[Optional(), Length(max=80)])
    refund_points = IntegerField(_l("Points refunded"), validators=[Optional(), NumberRange(min=1)])
    resolution_note = TextAreaField(_l("Note (the reason, for no action)"), validators=[Length(max=MAX_ANSWER)],
                                    render_kw={"rows": 2})


class ProblemRewardsForm(FlaskForm):
    class Meta:
        csrf = False  # a GET report

    program = SelectField(_l("Program"), choices=[])
    first = DateField(_l("From"), validators=[DataRequired()])
    last = DateField(_l("To"), validators=[DataRequired()])
    by = SelectField(_l("By"), choices=choices((g, g.capitalize()) for g in GROUPINGS), default="reward")
    min_orders = IntegerField(_l("Min. orders"), default=1, validators=[Optional(), NumberRange(min=1, max=10**9)])
