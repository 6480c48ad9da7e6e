"""The outbox sender against a real SMTP server on loopback: delivery, retries, digests."""

from datetime import timedelta

import pytest

from deftweb.models import GlobalRole, NotifyMode, RequestStatus, RequestType, db
from deftweb.notifications.cli import send_due
from deftweb.requests import workflow
from tests.mail import free_port
from tests.requests.test_workflow import outbox

S = RequestStatus


@pytest.fixture
def approved_once(make):
    """A convener's group approval: one outbox row for the requester, one for the cc address."""
    requester = make.user(groups={"HIGG": "member"})
    convener = make.user(groups={"HIGG": "convener"})
    request = make.request(
        requester=requester, request_type=RequestType.GROUP, status=S.WAITING, cc="cc@example.cern"
    )
    workflow.transition(request, S.REGISTERED, convener, 1, "Looks right.")
    return request, requester, convener


def test_sender_delivers_each_message_once(approved_once, mail):
    request, requester, convener = approved_once
    outcome = send_due()
    assert len(outcome.sent) == 2
    assert not outcome.failed
    mails = mail.wait_for(2)
    assert sorted(m["To"] for m in mails) == sorted([requester.email, "cc@example.cern"])
    to_requester = mail.to(requester.email)[0]
    subject = f"[deftweb] Request {request.id} waiting → registered"
    assert to_requester["Subject"].startswith(subject)
    assert to_requester["Message-ID"].startswith("<history.")
    assert "Looks right." in to_requester.get_content()
    assert {r.status for r in outbox(request)} == {"sent"}
    assert send_due().sent == []
    assert len(mail.messages) == 2


def test_one_mail_that_cannot_be_built_stops_and_repeats_no_other(make, mail, app):
    """A line break in a description made the subject a header the email package refuses: the
    round died after its claim, the mails before it went out again every round and the mails after
    it never. Now that mail fails on its own, and ends failed after its attempts."""
    convener = make.user(groups={"HIGG": "convener"})
    requests = [
        make.request(request_type=RequestType.GROUP, status=S.WAITING, description=text)
        for text in ("before", "line one\nBcc: everyone@example.cern", "after")
    ]
    for request in requests:
        workflow.transition(request, S.REGISTERED, convener, 1)
    outcome = send_due()
    broken = outbox(requests[1])
    assert sorted(outcome.failed) == [row.id for row in broken]
    mails = mail.wait_for(2)
    assert {m["To"] for m in mails} == {requests[0].requester.email, requests[2].requester.email}
    assert "Bcc" not in str(mails[0]) + str(mails[1])
    assert "ValueError" in broken[0].last_error
    for row in broken:
        row.attempts = app.config["NOTIFY_MAX_ATTEMPTS"] - 1
        row.next_attempt_at = row.created_at
    db.session.flush()
    assert send_due().sent == [], "nothing sent twice"
    assert {r.status for r in outbox(requests[1])} == {"failed"}
    assert {r.status for r in outbox(requests[0]) + outbox(requests[2])} == {"sent"}
    assert len(mail.messages) == 2


def test_unreachable_server_retries_with_backoff_then_gives_up(approved_once, app, monkeypatch):
    request, _, _ = approved_once
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nothing listens there
    outcome = send_due()
    assert len(outcome.failed) == 2
    first = outbox(request)[0]
    assert (first.status, first.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in first.last_error
    assert first.next_attempt_at - first.created_at >= timedelta(seconds=59)
    assert send_due().failed == {}, "not due again before the backoff ends"

    for row in outbox(request):
        row.attempts = app.config["NOTIFY_MAX_ATTEMPTS"] - 1
        row.next_attempt_at = row.created_at
    db.session.flush()
    send_due()
    assert {(r.status, r.attempts) for r in outbox(request)} == {
        ("failed", app.config["NOTIFY_MAX_ATTEMPTS"])
    }


def test_digest_readers_get_one_mail_a_day(make, mail):
    requester = make.user(groups={"HIGG": "member"}, notify_mode=NotifyMode.DIGEST)
    manager = make.user(roles=(GlobalRole.PRODUCTION_MANAGER,))
    request = make.request(requester=requester, status=S.REGISTERED)
    workflow.transition(request, S.HOLD, manager, 1, "Release not ready")
    workflow.add_comment(request, manager, "Expected next week.")
    assert send_due().sent == []

    for row in outbox(request):
        row.created_at -= timedelta(hours=25)
    db.session.flush()
    outcome = send_due()
    assert len(outcome.sent) == 2
    (digest,) = mail.wait_for(1)
    assert digest["Subject"] == "[deftweb] Daily digest: 2 request update(s)"
    body = digest.get_content()
    assert "Release not ready" in body
    assert "Expected next week." in body


def test_digests_now_sends_young_digests(make, mail):
    requester = make.user(groups={"HIGG": "member"}, notify_mode=NotifyMode.DIGEST)
    manager = make.user(roles=(GlobalRole.PRODUCTION_MANAGER,))
    request = make.request(requester=requester, status=S.REGISTERED)
    workflow.add_comment(request, manager, "Soon.")
    assert len(send_due(digests_now=True).sent) == 1
    assert len(mail.wait_for(1)) == 1


def test_cli_sends_once(approved_once, mail, app):
    result = app.test_cli_runner().invoke(args=["send-notifications"])
    assert result.exit_code == 0, result.output
    assert "sent 2, failed 0" in result.output
    assert len(mail.wait_for(2)) == 2
