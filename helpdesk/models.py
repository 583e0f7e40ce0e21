"""Every feature's models, so metadata (and Alembic autogenerate) sees all tables."""

from sqlalchemy.orm import configure_mappers

from helpdesk.api.models import ApiToken
from helpdesk.audit.models import AuditEvent
from helpdesk.auth.models import SignInEvent, SignInThrottle, User, user_programs
from helpdesk.cases.models import Case, CaseEvent
from helpdesk.codes.models import Code, case_codes
from helpdesk.conversations.models import CannedReply, ConversationSettings
from helpdesk.imports.models import ImportProfile
from helpdesk.live.models import LiveEvent
from helpdesk.operations.models import WorkerHeartbeat
from helpdesk.participants.models import Participant
from helpdesk.privacy.models import ErasedPhone, RecordingDeletion
from helpdesk.programs.models import Program
from helpdesk.reports.models import WeeklyReportMail
from helpdesk.rewards.models import DeliveryCase, OrderStatusChange, RewardOrder
from helpdesk.scripts.models import Script, ScriptRun, ScriptVersion
from helpdesk.surveys.models import Survey, SurveyDay, SurveySettings
from helpdesk.telephony.models import Call, Message

__all__ = ["ApiToken", "AuditEvent", "Call", "CannedReply", "Case", "CaseEvent", "Code", "ConversationSettings",
           "DeliveryCase", "ErasedPhone", "ImportProfile", "LiveEvent", "Message",
           "OrderStatusChange", "Participant", "Program", "RecordingDeletion", "RewardOrder", "Script", "ScriptRun",
           "ScriptVersion", "SignInEvent", "SignInThrottle", "Survey", "SurveyDay", "SurveySettings", "User",
           "WeeklyReportMail", "WorkerHeartbeat", "case_codes", "user_programs"]


def configure() -> None:
    """Map every model now (all are imported above), so a broken relationship stops the app from starting."""
    configure_mappers()
