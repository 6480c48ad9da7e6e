"""`flask sync-jedi`: one round copies JEDI's writes and says what it settled."""

import sqlalchemy as sa

from deftweb.models import JediTask, RequestStatus, db, utcnow


def test_sync_jedi_once(app, make):
    request = make.request(status=RequestStatus.WORKING)
    task = make.task(request=request, status="running")
    db.session.add(
        JediTask(
            task_id=task.id,
            name=task.name,
            username="u",
            parameters={},
            status="done",
            jedi_updated_at=utcnow(),
        )
    )
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["sync-jedi"])
    assert result.exit_code == 0, result.output
    assert f"synced 1 tasks; requests settled: {request.id} done" in result.output
    assert db.session.scalar(sa.select(type(task).status).where(type(task).id == task.id)) == "done"
