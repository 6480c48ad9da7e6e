"""All models, importable from one place (Alembic and the app need every table registered)."""

from deftweb.models.audit import AuditEvent
from deftweb.models.base import db, utcnow
from deftweb.models.catalog import Campaign, Project, RequestTemplate, Subcampaign
from deftweb.models.datasets import Dataset, DatasetStatus
from deftweb.models.notifications import OutboxMessage
from deftweb.models.requests import (
    ACTIVE_STATUSES,
    ENDED_STATUSES,
    HistoryKind,
    Request,
    RequestHistory,
    RequestStatus,
    RequestType,
    Slice,
    Step,
    StepStatus,
    Watcher,
)
from deftweb.models.saml import SamlPendingRequest, SamlSeenAssertion
from deftweb.models.sequences import IdCounter, task_id_seq
from deftweb.models.tasks import ENDED_TASK_STATUSES, JediCommand, JediTask, Task, TaskStatus
from deftweb.models.users import (
    ApiToken,
    GlobalRole,
    GrantSource,
    Identity,
    Membership,
    MembershipRole,
    NotifyMode,
    Provenance,
    User,
    UserRole,
    WorkingGroup,
    new_session_token,
)

__all__ = [
    "ACTIVE_STATUSES",
    "ENDED_STATUSES",
    "ENDED_TASK_STATUSES",
    "ApiToken",
    "AuditEvent",
    "Campaign",
    "Dataset",
    "DatasetStatus",
    "GlobalRole",
    "GrantSource",
    "HistoryKind",
    "IdCounter",
    "Identity",
    "JediCommand",
    "JediTask",
    "Membership",
    "MembershipRole",
    "NotifyMode",
    "OutboxMessage",
    "Project",
    "Provenance",
    "Request",
    "RequestHistory",
    "RequestStatus",
    "RequestTemplate",
    "RequestType",
    "SamlPendingRequest",
    "SamlSeenAssertion",
    "Slice",
    "Step",
    "StepStatus",
    "Subcampaign",
    "Task",
    "TaskStatus",
    "User",
    "UserRole",
    "Watcher",
    "WorkingGroup",
    "db",
    "new_session_token",
    "task_id_seq",
    "utcnow",
]
