"""The general policy predicates as a truth table: every kind of user against every object."""

import pytest
from flask_login import AnonymousUserMixin

from deftweb.auth import policy
from deftweb.auth.api_tokens import create_token
from deftweb.models import GlobalRole, RequestStatus

PEOPLE = {
    "anonymous": None,
    "none": None,
    "disabled-admin": {"roles": (GlobalRole.ADMIN,), "is_active": False},
    "nobody": {},
    "higg-member": {"groups": {"HIGG": "member"}},
    "higg-convener": {"groups": {"HIGG": "convener"}},
    "susy-convener": {"groups": {"SUSY": "convener"}},
    "mc-coordinator": {"roles": (GlobalRole.MC_COORDINATOR,)},
    "prod-manager": {"roles": (GlobalRole.PRODUCTION_MANAGER,)},
    "admin": {"roles": (GlobalRole.ADMIN,)},
}

#: Everyone signed in and active (not anonymous, not None, not disabled).
EVERY_ACTIVE_USER = frozenset(
    {
        "nobody",
        "higg-member",
        "higg-convener",
        "susy-convener",
        "mc-coordinator",
        "prod-manager",
        "admin",
        "requester",
    }
)

#: predicate name -> the people for whom it is true; everyone else is denied.
TRUTH = {
    "view_request": EVERY_ACTIVE_USER,
    "view_task": EVERY_ACTIVE_USER,
    "view_dataset": EVERY_ACTIVE_USER,
    "edit_draft": {"requester"},
    "edit_submitted": set(),
    "file_for_higg": {"higg-member", "higg-convener", "requester"},
    "file_for_inactive_group": set(),
    "file_requests": {"higg-member", "higg-convener", "susy-convener", "requester"},
    "manage_higg_templates": {"higg-convener"},
    "admin": {"admin"},
    "convener_of_higg": {"higg-convener"},
    "production_manager": {"prod-manager"},
    "revoke_requesters_token": {"requester", "admin"},
    "link_certificate_in_sso_session": EVERY_ACTIVE_USER,
    "link_certificate_in_certificate_session": set(),
}


def _checks(make):
    draft = make.request(requester=make.user(groups={"HIGG": "member"}))
    submitted = make.request(requester=draft.requester, status=RequestStatus.WAITING)
    task = make.task(request=draft)
    inactive = make.group("TOPQ")
    inactive.is_active = False
    token, _ = create_token(draft.requester, "script", 30, 365)
    return draft.requester, {
        "view_request": lambda u: policy.can_view_request(u, draft),
        "view_task": lambda u: policy.can_view_task(u, task),
        "view_dataset": lambda u: policy.can_view_dataset(u, object()),
        "edit_draft": lambda u: policy.can_edit_request(u, draft),
        "edit_submitted": lambda u: policy.can_edit_request(u, submitted),
        "file_for_higg": lambda u: policy.can_file_request_for(u, make.group("HIGG")),
        "file_for_inactive_group": lambda u: policy.can_file_request_for(u, inactive),
        "file_requests": policy.can_file_requests,
        "manage_higg_templates": lambda u: policy.can_manage_templates(u, "HIGG"),
        "admin": policy.can_admin,
        "convener_of_higg": lambda u: policy.is_convener_of(u, make.group("HIGG")),
        "production_manager": policy.is_production_manager,
        "revoke_requesters_token": lambda u: policy.can_revoke_token(u, token),
        "link_certificate_in_sso_session": lambda u: policy.can_link_presented_certificate(
            u, "saml"
        ),
        "link_certificate_in_certificate_session": lambda u: policy.can_link_presented_certificate(
            u, "x509"
        ),
    }


def _people(make, requester):
    people = {"anonymous": AnonymousUserMixin(), "none": None, "requester": requester}
    for name, spec in PEOPLE.items():
        if spec is not None:
            people[name] = make.user(**spec)
    return people


def test_truth_table(make):
    requester, checks = _checks(make)
    people = _people(make, requester)
    assert set(checks) == set(TRUTH)
    table = {
        (check, person): bool(predicate(user))
        for check, predicate in checks.items()
        for person, user in people.items()
    }
    expected = {(check, person): person in TRUTH[check] for check, person in table}
    wrong = sorted(key for key in table if table[key] != expected[key])
    assert not wrong, f"policy differs from the truth table at {wrong}"


@pytest.mark.parametrize("obj", [None])
def test_nothing_to_view_is_denied(make, obj):
    admin = make.user(roles=(GlobalRole.ADMIN,))
    assert not policy.can_view_request(admin, obj)
    assert not policy.can_view_task(admin, obj)
    assert not policy.can_edit_request(admin, obj)


def test_group_given_as_none_is_denied(make):
    convener = make.user(groups={"HIGG": "convener"})
    assert not policy.can_manage_templates(convener, None)
    assert not policy.can_file_request_for(convener, None)


def test_require_raises_403_and_logs_the_refusal(app, caplog):
    from werkzeug.exceptions import Forbidden

    with app.test_request_context("/requests/1/edit", method="POST"):
        policy.require(True)
        with pytest.raises(Forbidden):
            policy.require(False, "Only the requester may edit a draft.")
    assert "refused POST /requests/1/edit to anonymous: Only the requester" in caplog.text
