"""Typed ORM models; importing this package registers every table on Base.metadata."""

from storage.models.base import Base
from storage.models.inbound import InboundMessage
from storage.models.issues import OPEN_STATUSES, STATUSES, Issue, IssueEvent, Supporter
from storage.models.media import MEDIA_STATUSES, MediaItem
from storage.models.org import GRID_LEVELS, MEMBER_ROLES, Building, Grid, InvalidCode, Member, checked_code
from storage.models.outbox import OUTBOX_STATUSES, OutboxMessage
from storage.models.people import Reporter
from storage.models.rules import LabelledExample, RuleAudit, RulePackRow, RulesVersion, TaggingModel
from storage.models.shared import AccessToken, Lease, Setting
from storage.models.templates import ANY_CATEGORY, ReplyTemplate
from storage.models.users import USER_ROLES, AdminSession, ApiToken, User

__all__ = [
    "MEDIA_STATUSES",
    "MediaItem",
    "ANY_CATEGORY",
    "ReplyTemplate",
    "GRID_LEVELS",
    "OUTBOX_STATUSES",
    "AccessToken",
    "Lease",
    "OutboxMessage",
    "MEMBER_ROLES",
    "OPEN_STATUSES",
    "STATUSES",
    "Base",
    "Building",
    "Grid",
    "InvalidCode",
    "checked_code",
    "InboundMessage",
    "Issue",
    "IssueEvent",
    "Member",
    "Reporter",
    "RuleAudit",
    "RulePackRow",
    "RulesVersion",
    "Supporter",
    "TaggingModel",
    "USER_ROLES",
    "AdminSession",
    "ApiToken",
    "LabelledExample",
    "Setting",
    "User",
]
