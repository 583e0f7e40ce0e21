"""Reward forms. Choices that depend on the database are filled in by the view, never queried here."""

from datetime import timedelta

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
    issue_type = SelectField("Issue", choices=ISSUE_CHOICES, validators=[Optional()])


class LinkOrderForm(FlaskForm):
    order_id = SelectField("Order", choices=[], validate_choice=False)  # the service checks the order
    issue_type = SelectField("Issue", choices=ISSUE_CHOICES, validators=[Optional()])


class IssueTypeForm(FlaskForm):
    issue_type = SelectField("Issue", choices=ISSUE_CHOICES)


class EscalationForm(FlaskForm):
    vendor = StringField("Vendor", validators=[Optional(), Length(max=120)])
    vendor_reference = StringField("Vendor reference", validators=[Optional(), Length(max=80)])
    answer_due = DateField("Answer due", validators=[DataRequired()],
                           default=lambda: utcnow().date() + timedelta(days=ANSWER_DAYS))
    escalation_note = TextAreaField("Message to the vendor", validators=[Length(max=MAX_ANSWER)],
                                    render_kw={"rows": 2})


class VendorAnswerForm(FlaskForm):
    answer = TextAreaField("Vendor's answer", validators=[DataRequired(), Length(max=MAX_ANSWER)],
                           render_kw={"rows": 2})
    answer_reference = StringField("Vendor reference", validators=[Optional(), Length(max=80)])


class ResolutionForm(FlaskForm):
    resolution = SelectField("Resolution", choices=RESOLUTION_CHOICES)
    tracking_number = StringField("New tracking number", validators=[Optional(), Length(max=80)])
    carrier = StringField("Carrier", validators=[Optional(), Length(max=80)])
    refund_points = IntegerField("Points refunded", validators=[Optional(), NumberRange(min=1)])
    resolution_note = TextAreaField("Note (the reason, for no action)", validators=[Length(max=MAX_ANSWER)],
                                    render_kw={"rows": 2})


class ProblemRewardsForm(FlaskForm):
    class Meta:
        csrf = False  # a GET report

    program = SelectField("Program", choices=[])
    first = DateField("From", validators=[DataRequired()])
    last = DateField("To", validators=[DataRequired()])
    by = SelectField("By", choices=choices((g, g.capitalize()) for g in GROUPINGS), default="reward")
    min_orders = IntegerField("Min. orders", default=1, validators=[Optional(), NumberRange(min=1, max=10**9)])
