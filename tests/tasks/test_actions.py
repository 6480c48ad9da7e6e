"""Task actions: the permission table, status rules, the priority cap, commands and audit rows."""

import pytest
import sqlalchemy as sa

from deftweb.errors import InvalidInput
from deftweb.models import AuditEvent, GlobalRole, JediCommand, JediTask, db
from deftweb.tasks.actions import TaskAction, allowed_actions, perform

MANAGER = "production manager"
HIGG_CONVENER = "HIGG convener"
SUSY_CONVENER = "SUSY convener"
HIGG_MEMBER = "HIGG member"
NOBODY = "no role"
DISABLED = "disabled manager"


@pytest.fixture
def people(make):
    return {
        MANAGER: make.user(roles=(GlobalRole.PRODUCTION_MANAGER,)),
        HIGG_CONVENER: make.user(groups={"HIGG": "convener"}),
        SUSY_CONVENER: make.user(groups={"SUSY": "convener"}),
        HIGG_MEMBER: make.user(groups={"HIGG": "member"}),
        NOBODY: make.user(),
        DISABLED: make.user(roles=(GlobalRole.PRODUCTION_MANAGER,), is_active=False),
    }


#: (who, action, task status) -> allowed. A HIGG task throughout.
CASES = [
    (MANAGER, "abort", "running", True),
    (HIGG_CONVENER, "abort", "running", True),
    (SUSY_CONVENER, "abort", "running", False),
    (HIGG_MEMBER, "abort", "running", False),
    (NOBODY, "abort", "running", False),
    (DISABLED, "abort", "running", False),
    (MANAGER, "abort", "done", False),
    (MANAGER, "finish", "running", True),
    (HIGG_CONVENER, "finish", "paused", True),
    (MANAGER, "finish", "finished", False),
    (MANAGER, "retry", "finished", True),
    (HIGG_CONVENER, "retry", "exhausted", True),
    (MANAGER, "retry", "running", False),
    (MANAGER, "retry", "broken", False),
    (MANAGER, "obsolete", "done", True),
    (HIGG_CONVENER, "obsolete", "finished", True),
    (MANAGER, "obsolete", "running", False),
    (MANAGER, "change_priority", "running", True),
    (HIGG_CONVENER, "change_priority", "waiting", True),
    (HIGG_MEMBER, "change_priority", "running", False),
    (MANAGER, "change_priority", "aborted", False),
]


@pytest.mark.parametrize(("who", "action", "status", "allowed"), CASES)
def test_permission_table(make, people, who, action, status, allowed):
    task = make.task(status=status, working_group="AP_HIGG", handoff=True)
    assert (TaskAction(action) in allowed_actions(people[who], task)) is allowed
    (result,) = perform(people[who], action, [task.id], priority=500)
    assert result.ok is allowed, result.message
    commands = db.session.scalars(sa.select(JediCommand).where(JediCommand.task_id == task.id))
    assert len(list(commands)) == (1 if allowed else 0)


def test_abort_writes_command_audit_and_shows_toabort(make, people):
    task = make.task(status="running", handoff=True)
    (result,) = perform(people[MANAGER], "abort", [task.id])
    command = db.session.get(JediCommand, result.command_id)
    assert (command.command, command.status, command.requested_by_id) == (
        "abort",
        "new",
        people[MANAGER].id,
    )
    assert task.status == "toabort"
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_id == str(task.id))
    ).one()
    assert (event.object_type, event.action, event.actor_id) == (
        "task",
        "abort",
        people[MANAGER].id,
    )


def test_group_users_may_not_go_above_570(make, people):
    task = make.task(status="running", priority=500, handoff=True)
    (refused,) = perform(people[HIGG_CONVENER], "change_priority", [task.id], priority=571)
    assert not refused.ok
    assert refused.status_code == 403
    assert "570" in refused.message
    (done,) = perform(people[HIGG_CONVENER], "change_priority", [task.id], priority=570)
    assert done.ok
    assert task.priority == 570
    assert db.session.get(JediTask, task.id).priority == 570
    (manager,) = perform(people[MANAGER], "change_priority", [task.id], priority=900)
    assert manager.ok
    assert task.priority == 900
    assert db.session.get(JediCommand, manager.command_id).arguments == {"priority": 900}


def test_priority_must_be_a_number_in_range(make, people):
    task = make.task(status="running")
    for bad in (None, -1, 10_001, "high"):
        with pytest.raises(InvalidInput, match="whole number"):
            perform(people[MANAGER], "change_priority", [task.id], priority=bad)


def test_bulk_action_reports_per_task(make, people):
    higg = make.task(status="running", working_group="AP_HIGG", handoff=True)
    susy = make.task(status="running", working_group="GP_SUSY", handoff=True)
    done = make.task(status="done", working_group="AP_HIGG", handoff=True)
    results = perform(people[HIGG_CONVENER], "abort", [higg.id, susy.id, done.id, 1, higg.id])
    assert [(r.task_id, r.ok, r.status_code) for r in results] == [
        (higg.id, True, 200),
        (susy.id, False, 403),
        (done.id, False, 409),
        (1, False, 404),
    ]
    assert "GP_SUSY" in results[1].message
    assert "is done" in results[2].message


def test_a_task_changed_meanwhile_is_a_conflict(make, people):
    task = make.task(status="running", handoff=True)
    db.session.execute(
        sa.update(type(task)).where(type(task).id == task.id).values(status="done"),
        execution_options={"synchronize_session": False},
    )
    (result,) = perform(people[MANAGER], "abort", [task.id])
    assert not result.ok
    assert "changed meanwhile" in result.message
