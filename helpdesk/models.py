"""Every feature's models, so metadata (and Alembic autogenerate) sees all tables."""

from sqlalchemy.orm import configure_mappers

from helpdesk.api.models import ApiToken
from helpdesk.auth.models import SignInEvent, SignInThrottle, User, user_programs
from helpdesk.cases.models import Case, CaseEvent
from helpdesk.participants.models import Participant
from helpdesk.programs.models import Program
from helpdesk.reports.models import WeeklyReportMail
from helpdesk.rewards.models import DeliveryCase, OrderStatusChange, RewardOrder
from helpdesk.scripts.models import Script, ScriptRun, ScriptVersion
from helpdesk.surveys.models import Survey, SurveyDay, SurveySettings
from helpdesk.telephony.models import Call, Message

__all__ = ["ApiToken", "Call", "Case", "CaseEvent", "DeliveryCase", "Message", "OrderStatusChange", "Participant",
           "Program", "RewardOrder", "Script", "ScriptRun", "ScriptVersion", "SignInEvent", "SignInThrottle", "Survey",
           "SurveyDay", "SurveySettings", "User", "WeeklyReportMail", "user_programs"]


def configure() -> None:
    """Map every model now (all are imported above), so a broken relationship stops the app from starting."""
    configure_mappers()
