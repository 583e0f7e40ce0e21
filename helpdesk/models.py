"""Imports every feature's models so metadata (and Alembic autogenerate) sees all tables."""

from helpdesk.api.models import ApiToken  # noqa: F401
from helpdesk.auth.models import User, user_programs  # noqa: F401
from helpdesk.cases.models import Case, CaseEvent  # noqa: F401
from helpdesk.participants.models import Participant  # noqa: F401
from helpdesk.programs.models import Program  # noqa: F401
from helpdesk.rewards.models import DeliveryCase, OrderStatusChange, RewardOrder  # noqa: F401
from helpdesk.scripts.models import Script, ScriptRun, ScriptVersion  # noqa: F401
from helpdesk.surveys.models import Survey, SurveyDay, SurveySettings  # noqa: F401
from helpdesk.telephony.models import Call, Message  # noqa: F401
