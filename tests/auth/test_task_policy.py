"""Task predicates as truth tables: acting on tasks, priority cap, definition, status reports."""

import pytest

from deftweb.auth import policy
from deftweb.models import GlobalRole, RequestStatus

PEOPLE = {
    "manager": {"roles": (GlobalRole.PRODUCTION_MANAGER,)},
    "admin": {"roles": (GlobalRole.ADMIN,)},
    "coordinator": {"roles": (GlobalRole.MC_COORDINATOR,)},
    "higg convener": {"groups": {"HIGG": "convener"}},
    "higg member": {"groups": {"HIGG": "member"}},
    "susy convener": {"groups": {"SUSY": "convener"}},
    "disabled manager": {"roles": (GlobalRole.PRODUCTION_MANAGER,), "is_active": False},
}

#: who -> (may act on an AP_HIGG task, priority cap, may define tasks of an approved request)
TABLE = {
    "manager": (True, None, True),
    "admin": (False, 570, False),
    "coordinator": (False, 570, False),
    "higg convener": (True, 570, False),
    "higg member": (False, 570, False),
    "susy convener": (False, 570, False),
    "disabled manager": (False, 570, False),
}


@pytest.mark.parametrize("who", TABLE)
def test_task_truth_table(make, who):
    user = make.user(**PEOPLE[who])
    task = make.task(working_group="AP_HIGG")
    request = make.request(status=RequestStatus.APPROVED)
    acts, cap, defines = TABLE[who]
    assert policy.can_act_on_task(user, task) is acts
    assert policy.task_priority_cap(user, task) == cap
    assert policy.can_define_tasks(user, request) is defines


def test_nobody_acts_on_nothing(make):
    manager = make.user(roles=(GlobalRole.PRODUCTION_MANAGER,))
    assert policy.can_act_on_task(manager, None) is False
    assert policy.can_act_on_task(None, make.task()) is False
    assert policy.task_group(make.task(working_group="GP_SUSY")) == "SUSY"


@pytest.mark.parametrize("status", [RequestStatus.DRAFT, RequestStatus.REGISTERED, "done"])
def test_definition_only_on_approved_or_working_requests(make, status):
    manager = make.user(roles=(GlobalRole.PRODUCTION_MANAGER,))
    assert policy.can_define_tasks(manager, make.request(status=status)) is False
    assert policy.can_define_tasks(manager, make.request(status=RequestStatus.WORKING)) is True


@pytest.mark.parametrize(
    ("username", "method", "roles", "allowed"),
    [
        ("jedi-robot", "x509", (), True),
        ("jedi-robot", "token", (), False),
        ("jedi-robot", "dev", (), False),
        ("someone", "x509", (), False),
        ("someone", "saml", (GlobalRole.ADMIN,), True),
        ("someone", "x509", (GlobalRole.PRODUCTION_MANAGER,), False),
    ],
)
def test_status_reports(app, make, monkeypatch, username, method, roles, allowed):
    monkeypatch.setitem(app.config, "JEDI_SERVICE_ACCOUNTS", ["jedi-robot"])
    user = make.user(username=f"{username}-{method}", roles=roles)
    user.username = username
    with app.test_request_context():
        assert policy.can_report_task_status(user, method) is allowed
