"""Who may file, edit, clone and keep templates, as a truth table over kinds of people."""

import pytest

from deftweb.auth import policy
from deftweb.models import GlobalRole, RequestStatus

PEOPLE = {
    "requester": {"groups": {"HIGG": "member"}},
    "higg-member": {"groups": {"HIGG": "member"}},
    "higg-convener": {"groups": {"HIGG": "convener"}},
    "susy-member": {"groups": {"SUSY": "member"}},
    "prod-manager": {"roles": (GlobalRole.PRODUCTION_MANAGER,)},
    "admin": {"roles": (GlobalRole.ADMIN,)},
    "disabled-member": {"groups": {"HIGG": "member"}, "is_active": False},
}
HIGG = {"requester", "higg-member", "higg-convener"}

TABLE = [
    # (question, request status, who may)
    ("file", None, HIGG),
    ("clone", RequestStatus.DRAFT, HIGG),
    ("clone", RequestStatus.DONE, HIGG),
    ("edit", RequestStatus.DRAFT, {"requester"}),
    ("edit", RequestStatus.WAITING, set()),
    ("edit", RequestStatus.REJECTED, set()),
    ("templates", None, {"higg-convener"}),
]


def ask(question, person, request, group):
    return {
        "file": lambda: policy.can_file_request_for(person, group),
        "clone": lambda: policy.can_clone_request(person, request),
        "edit": lambda: policy.can_edit_request(person, request),
        "templates": lambda: policy.can_manage_templates(person, group),
    }[question]()


@pytest.mark.parametrize(("question", "status", "allowed"), TABLE)
def test_filing_truth_table(make, question, status, allowed):
    people = {name: make.user(**fields) for name, fields in PEOPLE.items()}
    request = make.request(requester=people["requester"], status=status or RequestStatus.DRAFT)
    answers = {name: ask(question, p, request, make.group()) for name, p in people.items()}
    assert {name for name, yes in answers.items() if yes} == allowed


def test_nobody_files_for_an_inactive_group(make):
    group = make.group("HIGG")
    member = make.user(groups={"HIGG": "member"})
    group.is_active = False
    assert not policy.can_file_request_for(member, group)
    assert not policy.can_clone_request(member, make.request(requester=member))


def test_anonymous_and_missing(make):
    assert not policy.can_clone_request(None, make.request())
    assert not policy.can_clone_request(make.user(groups={"HIGG": "member"}), None)
