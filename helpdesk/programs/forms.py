from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from helpdesk.cases.models import Category, Priority
from helpdesk.forms import choices
from helpdesk.programs.models import DEFAULT_SLA_TARGETS, LOCALES, WEEKDAYS
from helpdesk.programs.services import MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS, SLA_KINDS

LOCALE_CHOICES = choices((code, code) for code in LOCALES)
WEEKDAY_LABELS = {"mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"), "thu": _l("Thursday"),
                  "fri": _l("Friday"), "sat": _l("Saturday"), "sun": _l("Sunday")}
SLA_KIND_LABELS = {"first_response": _l("first response"), "resolution": _l("resolution")}
REPORTED_AS_CHOICES = choices((c.value, c.label) for c in Category)


class ProgramForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    hotline_number = StringField(_l("Hotline number"), validators=[DataRequired(), Length(max=40)])
    timezone = StringField(_l("Timezone"), validators=[DataRequired(), Length(max=64)], default="Europe/Warsaw")
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)


class ProgramSettingsForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    hotline_number = StringField(_l("Hotline number"), validators=[DataRequired(), Length(max=40)])
    timezone = StringField(_l("Timezone"), validators=[DataRequired(), Length(max=64)])
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)

    greeting_en = StringField(_l("Greeting (English)"), validators=[Length(max=500)])
    greeting_pl = StringField(_l("Greeting (Polish)"), validators=[Length(max=500)])
    greeting_ru = StringField(_l("Greeting (Russian)"), validators=[Length(max=500)])
    on_duty_numbers = TextAreaField(_l("On-duty agents' phones"), validators=[Length(max=1000)],
                                    description=_l("One per line, international format. They ring together."))
    retention_months = IntegerField(
        _l("Keep message texts, transcriptions and recordings for (months)"),
        validators=[NumberRange(min=MIN_RETENTION_MONTHS, max=MAX_RETENTION_MONTHS)],
        description=_l("Older ones are erased by the worker's daily purge; cases and figures stay."))

    def greetings(self) -> dict:
        return {locale: getattr(self, f"greeting_{locale}").data or "" for locale in LOCALES}

    def business_hours(self) -> dict:
        return {day: getattr(self, f"hours_{day}").data or "" for day in WEEKDAYS}

    def sla_targets(self) -> dict:
        return {p: {k: getattr(self, f"sla_{p}_{k}").data for k in SLA_KINDS} for p in DEFAULT_SLA_TARGETS}

    @classmethod
    def for_program(cls, program, formdata=None):
        """The form filled from ``program`` as its fields show it (no ``obj=``: it would win over these values,
        and the on-duty phones would show as a Python list)."""
        initial = {name: getattr(program, name) for name in ("name", "hotline_number", "timezone", "locale",
                                                 "retention_months")}
        initial |= {f"hours_{day}": ", ".join(program.business_hours.get(day, [])) for day in WEEKDAYS}
        initial |= {f"sla_{p}_{k}": program.sla_targets.get(p, {}).get(k) for p in DEFAULT_SLA_TARGETS
                    for k in SLA_KINDS}
        initial |= {f"greeting_{locale}": (program.greetings or {}).get(locale, "") for locale in LOCALES}
        initial["on_duty_numbers"] = "\n".join(program.on_duty_numbers or [])
        return cls(formdata=formdata, data=initial)


class SpecialDaysForm(FlaskForm):
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[Optional()], description=_l("Empty: only the first day."))
    hours = StringField(_l("Opening hours on these days"), validators=[Length(max=100)],
                        description=_l("e.g. 10:00-14:00; empty: closed all day"))
    note = StringField(_l("Note"), validators=[Length(max=120)], description=_l("e.g. Christmas"))


class CategoryNamesForm(FlaskForm):
    """A case category's names; one such form per category on the settings page, told apart by ``prefix``."""

    name_en = StringField(_l("Name (English)"), validators=[Length(max=60)])
    name_pl = StringField(_l("Name (Polish)"), validators=[Length(max=60)])
    name_ru = StringField(_l("Name (Russian)"), validators=[Length(max=60)])

    def names(self) -> dict:
        return {locale: getattr(self, f"name_{locale}").data or "" for locale in LOCALES}

    @classmethod
    def for_category(cls, category):
        return cls(formdata=None, prefix=category_prefix(category.value),
                   data={f"name_{locale}": getattr(category, f"name_{locale}") for locale in LOCALES})


class NewCategoryForm(CategoryNamesForm):
    # The service names a value that is not a category (no WTForms "Not a valid choice").
    reported_as = SelectField(_l("Reported as"), choices=REPORTED_AS_CHOICES, default="other", validate_choice=False,
                              description=_l("The built-in category that reports and call scripts count it as."))


def category_prefix(value: str) -> str:
    """``custom:12`` -> ``custom-12``: the field names and ids of that category's form."""
    return value.replace(":", "-")


for _day in WEEKDAYS:
    setattr(ProgramSettingsForm, f"hours_{_day}",
            StringField(WEEKDAY_LABELS[_day], validators=[Length(max=100)],
                        description=_l("e.g. 09:00-17:00; empty: closed")))
for _priority in DEFAULT_SLA_TARGETS:
    for _kind in SLA_KINDS:
        setattr(ProgramSettingsForm, f"sla_{_priority}_{_kind}",
                IntegerField(_l("%(priority)s: %(kind)s (business minutes)",
                                priority=Priority.from_key(_priority).label, kind=SLA_KIND_LABELS[_kind]),
                             validators=[NumberRange(min=1, max=129600)]))
