"""Case forms. Choices that depend on the database are filled in by the view, never queried here."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from helpdesk.cases.models import Category, Channel, Priority, Status
from helpdesk.cases.services import MAX_DESCRIPTION, MAX_NOTE
from helpdesk.forms import choices

STATUS_CHOICES = choices((s.value, s.label) for s in Status)
PRIORITY_CHOICES = choices((p.key, p.label) for p in sorted(Priority, reverse=True))
CATEGORY_CHOICES = choices((c.value, c.label) for c in Category)
CHANNEL_CHOICES = choices((c.value, c.label) for c in Channel)


class NoteForm(FlaskForm):
    """An internal note: staff see it, the participant never does (replies are texts: the SMS panel)."""

    body = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=MAX_NOTE)], render_kw={"rows": 3})


class MergeForm(FlaskForm):
    into = StringField(_l("Merge this case into (case reference or number)"),
                       validators=[DataRequired(), Length(max=80)])


class CaseUpdateForm(FlaskForm):
    status = SelectField(_l("Status"), choices=STATUS_CHOICES)
    priority = SelectField(_l("Priority"), choices=PRIORITY_CHOICES)
    # Left out: unchanged. The service checks the value: a retired category is only no longer offered.
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    assignee = SelectField(_l("Assignee"), choices=[])


class LinkParticipantForm(FlaskForm):
    external_id = StringField(_l("Member id"), validators=[DataRequired(), Length(max=64)])


class NewCaseForm(FlaskForm):
    program = SelectField(_l("Program"), choices=[])
    participant_id = StringField(_l("Participant id"), validators=[Optional()])
    external_id = StringField(_l("Member id"), validators=[Optional(), Length(max=64)])
    first_name = StringField(_l("First name"), validators=[Optional(), Length(max=80)])
    last_name = StringField(_l("Last name"), validators=[Optional(), Length(max=80)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    channel = SelectField(_l("Channel"), choices=CHANNEL_CHOICES, default="phone")
    category = SelectField(_l("Category"), choices=[], default="other")
    priority = SelectField(_l("Priority"), choices=PRIORITY_CHOICES, default="normal")
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=MAX_DESCRIPTION)], render_kw={"rows": 4})
