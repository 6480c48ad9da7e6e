"""Task definition: names, links, hand-off parameters and datasets, all or nothing."""

import sqlalchemy as sa

from deftweb.models import (
    AuditEvent,
    Campaign,
    Dataset,
    GlobalRole,
    JediTask,
    Slice,
    Step,
    StepStatus,
    Task,
    db,
)
from deftweb.tasks.definition import define_tasks
from deftweb.tasks.ids import allocate_task_ids

#: The parameters DEFT sends JEDI (reference section 4.1) that every task carries.
IDENTITY_KEYS = {
    "taskName",
    "userName",
    "vo",
    "workingGroup",
    "prodSourceLabel",
    "taskType",
    "processingType",
    "campaign",
    "reqID",
    "taskPriority",
    "ticketID",
    "ticketSystemType",
}
SOFTWARE_KEYS = {"transPath", "transHome", "transUses"}
IO_KEYS = {"jobParameters", "log", "nEvents", "cloud", "maxAttempt"}


def approved_request(make, slices=1, **fields):
    manager = make.user(roles=(GlobalRole.PRODUCTION_MANAGER,))
    mc23 = db.session.scalars(sa.select(Campaign).where(Campaign.name == "MC23")).one()
    request = make.request(
        slices=slices,
        manager=manager,
        campaign=mc23,
        subcampaign=mc23.subcampaigns[0],
        priority=570,
        reference_link="https://its.cern.ch/jira/browse/ATLMCPROD-9123",
        **fields,
    )
    for piece in request.slices:
        for step in piece.steps:
            step.status = StepStatus.APPROVED
    db.session.flush()
    return request, manager


def tasks_of(request):
    return list(
        db.session.scalars(sa.select(Task).where(Task.request_id == request.id).order_by(Task.id))
    )


def test_steps_nobody_held_back_are_approved_by_definition(make):
    request, manager = approved_request(make)
    evgen, simul = request.slices[0].steps
    evgen.status, simul.status = StepStatus.NOT_CHECKED, StepStatus.WAITING
    db.session.flush()
    (evgen_id,) = define_tasks(request, manager)
    assert (evgen.status, simul.status) == (StepStatus.APPROVED, StepStatus.WAITING)
    assert db.session.get(Task, evgen_id).step_id == evgen.id


def test_a_failed_definition_approves_no_step(make):
    request, manager = approved_request(make)
    evgen, simul = request.slices[0].steps
    evgen.status, simul.ami_tag = StepStatus.NOT_CHECKED, "bad"
    db.session.flush()
    assert define_tasks(request, manager) == []
    assert evgen.status == StepStatus.NOT_CHECKED


def test_every_approved_step_becomes_a_named_linked_task(make):
    request, manager = approved_request(make, slices=2)
    ids = define_tasks(request, manager)
    assert request.error is None
    assert len(ids) == 4
    evgen, simul = tasks_of(request)[:2]
    assert evgen.name == "mc23_13p6TeV.601229.PhPy8EG_ttbar.evgen.e8514"
    assert simul.name == "mc23_13p6TeV.601229.PhPy8EG_ttbar.simul.e8514_s4162"
    assert (evgen.parent_id, evgen.chain_id) == (None, evgen.id)
    assert (simul.parent_id, simul.chain_id) == (evgen.id, evgen.id)
    assert simul.status == "waiting"
    assert simul.working_group == "AP_HIGG"
    assert simul.campaign == "MC23:MC23a"
    assert simul.priority == 570
    assert simul.username == manager.username
    assert simul.total_events == 1000


def test_handoff_parameters_field_by_field(make):
    request, manager = approved_request(make)
    evgen_id, simul_id = define_tasks(request, manager)
    handoff = db.session.get(JediTask, simul_id)
    params = handoff.parameters
    assert handoff.status == "waiting"
    assert handoff.parent_tid == evgen_id
    assert handoff.chain_tid == evgen_id
    assert handoff.priority == 570
    assert set(params) >= IDENTITY_KEYS | SOFTWARE_KEYS | IO_KEYS
    assert params["taskName"] == "mc23_13p6TeV.601229.PhPy8EG_ttbar.simul.e8514_s4162"
    assert params["userName"] == manager.username
    assert params["vo"] == "atlas"
    assert params["workingGroup"] == "AP_HIGG"
    assert params["prodSourceLabel"] == "managed"
    assert params["taskType"] == "prod"
    assert params["processingType"] == "simul"
    assert params["campaign"] == "MC23:MC23a"
    assert params["reqID"] == request.id
    assert params["taskPriority"] == 570
    assert (params["ticketID"], params["ticketSystemType"]) == ("ATLMCPROD-9123", "JIRA")
    assert params["transPath"] == "Sim_tf.py"
    assert params["transHome"] == "AthSimulation-24.0.20"
    assert params["transUses"] == "Atlas-24.0"
    assert params["cloud"] == "WORLD"
    assert params["maxAttempt"] == 5
    assert params["nEvents"] == 1000
    assert params["parent_tid"] == evgen_id
    evgen_out = f"mc23_13p6TeV.601229.PhPy8EG_ttbar.evgen.EVNT.e8514_tid{evgen_id:08d}_00"
    assert params["inputDataset"] == evgen_out
    kinds = [(p.get("param_type"), p.get("dataset")) for p in params["jobParameters"]]
    simul_out = f"mc23_13p6TeV.601229.PhPy8EG_ttbar.simul.HITS.e8514_s4162_tid{simul_id:08d}_00"
    assert ("input", evgen_out) in kinds
    assert ("output", simul_out) in kinds
    assert params["log"]["dataset"].endswith(f".simul.log.e8514_s4162_tid{simul_id:08d}_00")


def test_task_config_keys_and_transform_come_from_the_step(make):
    request, manager = approved_request(make)
    step = request.slices[0].steps[0]
    step.task_config = {
        "nEventsPerJob": 2000,
        "maxFailure": 3,
        "transPath": "Gen_tf.py",
        "release": "23.6.31",
        "cache": "AthGeneration",
        "project_mode": "coreCount=8;notAJediKey=1",
        "split_slice": True,
    }
    evgen_id, _ = define_tasks(request, manager)
    params = db.session.get(JediTask, evgen_id).parameters
    assert params["nEventsPerJob"] == 2000
    assert params["maxFailure"] == 3
    assert params["transHome"] == "AthGeneration-23.6.31"
    assert params["transUses"] == "Atlas-23.6"
    assert params["coreCount"] == 8
    assert params["noInput"] is True
    assert "notAJediKey" not in params
    assert "split_slice" not in params


def test_output_datasets_are_registered_in_containers(make):
    request, manager = approved_request(make)
    evgen_id, _ = define_tasks(request, manager)
    (dataset,) = db.session.scalars(sa.select(Dataset).where(Dataset.task_id == evgen_id))
    assert (
        dataset.name == f"mc23_13p6TeV.601229.PhPy8EG_ttbar.evgen.EVNT.e8514_tid{evgen_id:08d}_00"
    )
    assert (dataset.kind, dataset.scope, dataset.data_type) == ("mc", "mc23_13p6TeV", "EVNT")
    assert [c.name for c in dataset.containers] == [
        "mc23_13p6TeV.601229.PhPy8EG_ttbar.evgen.EVNT.e8514"
    ]
    assert dataset.containers[0].is_container


def test_input_dataset_slice_starts_from_its_tags(make):
    request, manager = approved_request(make)
    piece = request.slices[0]
    piece.input_dataset = "mc23_13p6TeV.601229.PhPy8EG_ttbar.recon.AOD.e8514_s4162_r14622"
    piece.steps = [
        Step(
            ordinal=0,
            step_name="Deriv",
            ami_tag="p5855",
            output_formats="DAOD_PHYS.DAOD_PHYSLITE",
            status=StepStatus.APPROVED,
        )
    ]
    db.session.flush()
    ids = define_tasks(request, manager)
    assert request.error is None
    task = db.session.get(Task, ids[0])
    task_id = task.id
    assert task.name == "mc23_13p6TeV.601229.PhPy8EG_ttbar.deriv.e8514_s4162_r14622_p5855"
    params = db.session.get(JediTask, task_id).parameters
    assert params["inputDataset"] == piece.input_dataset
    assert "noInput" not in params
    outputs = db.session.scalars(sa.select(Dataset.data_type).where(Dataset.task_id == task_id))
    assert sorted(outputs) == ["DAOD_PHYS", "DAOD_PHYSLITE"]


def test_skipped_and_unapproved_steps(make):
    request, manager = approved_request(make)
    evgen, simul = request.slices[0].steps
    evgen.status = StepStatus.SKIPPED
    request.slices[0].input_dataset = "mc23_13p6TeV.601229.PhPy8EG_ttbar.evgen.EVNT.e8514"
    db.session.flush()
    (task_id,) = define_tasks(request, manager)
    assert db.session.get(Task, task_id).name.endswith(".simul.e8514_s4162")
    assert define_tasks(request, manager) == []
    assert "no approved step" in request.error


def test_second_approval_defines_only_new_steps_and_links_them(make):
    request, manager = approved_request(make)
    simul = request.slices[0].steps[1]
    simul.status = StepStatus.WAITING
    db.session.flush()
    (evgen_id,) = define_tasks(request, manager)
    simul.status = StepStatus.APPROVED
    db.session.flush()
    (simul_id,) = define_tasks(request, manager)
    task = db.session.get(Task, simul_id)
    assert (task.parent_id, task.chain_id) == (evgen_id, evgen_id)


def test_a_bad_step_leaves_nothing_and_names_slice_and_step(make):
    request, manager = approved_request(make, slices=3)
    request.slices[2].steps[1].ami_tag = "x!1"
    db.session.flush()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Dataset))
    assert define_tasks(request, manager) == []
    assert tasks_of(request) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dataset)) == before
    assert request.error.startswith("slice 2 (PhPy8EG_ttbar), step 1 Simul x!1:")


def test_a_step_that_is_not_evgen_needs_an_input(make):
    request, manager = approved_request(make)
    request.slices[0].steps[0].status = StepStatus.SKIPPED
    db.session.flush()
    assert define_tasks(request, manager) == []
    assert "step 1 Simul s4162: the slice has no input dataset" in request.error


def test_unknown_step_name_is_refused(make):
    request, manager = approved_request(make)
    request.slices[0].steps[0].step_name = "Teleport"
    db.session.flush()
    assert define_tasks(request, manager) == []
    assert "step 0 Teleport e8514: step name 'Teleport' is not a known step" in request.error


def test_definition_is_audited_and_clears_an_old_error(make):
    request, manager = approved_request(make)
    request.error = "earlier failure"
    ids = define_tasks(request, manager)
    assert request.error is None
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_id == str(request.id))
    ).one()
    assert event.action == "define_tasks"
    assert event.detail["tasks"] == len(ids)


def test_hidden_slices_get_no_tasks(make):
    request, manager = approved_request(make, slices=2)
    request.slices[1].is_hidden = True
    db.session.flush()
    assert len(define_tasks(request, manager)) == 2
    assert {t.slice_id for t in tasks_of(request)} == {request.slices[0].id}
    assert isinstance(request.slices[0], Slice)


def test_a_database_refusal_leaves_nothing_either(make):
    request, manager = approved_request(make)
    next_id = allocate_task_ids(1)[0] + 1
    taken = f"mc23_13p6TeV.601229.PhPy8EG_ttbar.evgen.EVNT.e8514_tid{next_id:08d}_00"
    db.session.add(Dataset(name=taken, scope="mc23_13p6TeV", kind="mc"))
    db.session.flush()
    assert define_tasks(request, manager) == []
    assert "the database refused the new tasks" in request.error
    assert tasks_of(request) == []
    assert db.session.get(JediTask, next_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dataset)) == 1


def test_a_task_row_the_database_refuses_is_the_request_error(make):
    """A task id already taken: the refusal is translated on both databases, nothing is written."""
    request, manager = approved_request(make)
    next_id = allocate_task_ids(1)[0] + 1
    make.task(id=next_id)
    assert define_tasks(request, manager) == []
    assert request.error.startswith("the database refused the new tasks: ")
    assert "tasks.id" in request.error or "pk_tasks" in request.error
    assert tasks_of(request) == []
    assert db.session.get(JediTask, next_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dataset)) == 0
