"""A bulk task action with bad input of its own is refused with a message, never a 500."""

import pytest

from deftweb.models import GlobalRole, JediCommand, db


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"action": "change_priority"}, "Give the new priority as a whole number"),
        ({"action": "change_priority", "priority": "lots"}, "Give the new priority"),
        ({"action": "change_priority", "priority": "99999"}, "from 0 to 10000"),
    ],
)
def test_bad_priority_is_a_422_with_the_reason(client, make, login_as, form, message):
    login_as(make.user(roles=(GlobalRole.PRODUCTION_MANAGER,)))
    task = make.task()
    response = client.post("/tasks/bulk", data={**form, "ids": [str(task.id)]})
    assert response.status_code == 422
    assert message in response.text
    assert db.session.query(JediCommand).filter_by(task_id=task.id).count() == 0


def test_unknown_action_is_refused(client, make, login_as):
    login_as(make.user(roles=(GlobalRole.PRODUCTION_MANAGER,)))
    task = make.task()
    response = client.post("/tasks/bulk", data={"action": "explode", "ids": [str(task.id)]})
    assert response.status_code == 400
