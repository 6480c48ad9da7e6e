"""The registration service: checks, permissions, names never reused, containers, lists."""

import pytest
import sqlalchemy as sa

from deftweb.datasets import registry
from deftweb.datasets.registry import AlreadyRegistered
from deftweb.errors import Conflict, NotAllowed, Refusal
from deftweb.models import AuditEvent, Dataset, DatasetStatus, GlobalRole, db

CONTAINER = (
    "mc23_13p6TeV.601229.PhPy8EG_A14_ttbar_hdamp258p75_SingleLep.recon.AOD.e8514_s4162_r14622"
)
TID_1 = CONTAINER + "_tid00001001_00"
TID_2 = CONTAINER + "_tid00001002_00"
OTHER_NUMBER = CONTAINER.replace("601229", "601230") + "_tid00001003_00"
OTHER_TYPE = CONTAINER.replace(".AOD.", ".ESD.") + "_tid00001004_00"


@pytest.fixture
def manager(make):
    return make.user(roles=(GlobalRole.PRODUCTION_MANAGER,))


def stored(name: str) -> Dataset | None:
    return db.session.scalars(sa.select(Dataset).where(Dataset.name == name)).one_or_none()


def audit_of(dataset: Dataset) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(
        AuditEvent.object_type == "dataset", AuditEvent.object_id == str(dataset.id)
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_a_manager_registers_a_container_with_its_fields_and_an_audit_event(manager):
    dataset = registry.register(manager, CONTAINER)
    assert (dataset.name, dataset.scope, dataset.kind) == (CONTAINER, "mc23_13p6TeV", "mc")
    assert (dataset.project, dataset.data_type) == ("mc23_13p6TeV", "AOD")
    assert dataset.is_container
    assert dataset.status == DatasetStatus.REGISTERED
    assert dataset.created_by_id == manager.id
    assert dataset.task_id is None
    [event] = audit_of(dataset)
    assert (event.actor_id, event.action) == (manager.id, "register")
    assert event.detail == {"name": CONTAINER, "kind": "mc"}


def test_a_task_output_is_linked_to_its_task_when_the_task_is_known(manager, make):
    task = make.task(id=1001)
    made = registry.register(manager, TID_1)
    foreign = registry.register(manager, TID_2)
    assert not made.is_container
    assert made.task_id == task.id
    assert foreign.task_id is None  # task 1002 is not ours: the name still registers


@pytest.mark.parametrize(
    "written", [f"mc23_13p6TeV:{CONTAINER}", f"{CONTAINER}/", f"  {CONTAINER} "]
)
def test_scope_prefix_container_mark_and_spaces_are_not_kept(manager, written):
    assert registry.register(manager, written).name == CONTAINER
    assert registry.find_dataset(written).name == CONTAINER


def test_a_name_the_nomenclature_refuses_names_the_field(manager):
    with pytest.raises(Refusal) as caught:
        registry.register(manager, CONTAINER.replace(".AOD.", ".AOD!."))
    assert caught.value.status == 422
    assert caught.value.field == "data_type"
    assert "field 5 (data type)" in caught.value.message
    assert stored(CONTAINER.replace(".AOD.", ".AOD!.")) is None


def test_an_overlong_data_type_is_refused_before_the_database(make):
    user = make.user(username="jdoe")
    name = "user.jdoe.mc16_13TeV.366019.DAOD_" + "X" * 70 + ".e7033"
    with pytest.raises(Refusal, match="longer than the registry keeps"):
        registry.register(user, name)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (CONTAINER, "registered by production managers only"),
        ("group.phys-higgs.test.v1", "members of HIGG only"),
        ("group.phys-nobody.test.v1", "No working group is known for the Rucio group"),
        ("user.someone.test.v1", "belong to the user someone alone; yours start user.jdoe."),
    ],
)
def test_a_refusal_says_who_may_register_the_name(make, name, reason):
    user = make.user(username="jdoe", groups={"SUSY": "member"})
    with pytest.raises(NotAllowed, match=reason) as caught:
        registry.register(user, name)
    assert caught.value.status == 403
    assert stored(name) is None


def test_users_and_groups_register_their_own_names(make):
    user = make.user(username="jdoe", groups={"HIGG": "member"})
    mine = registry.register(user, "user.jdoe.mc16_13TeV.366019.SusyNt.e7033_p3717.v1")
    group = registry.register(user, "group.phys-higgs.mc16_13TeV.366019.CAOD_HIGG5D1.e7033.v1")
    assert (mine.kind, mine.scope, mine.project) == ("user", "user.jdoe", "mc16_13TeV")
    assert (group.kind, group.scope) == ("group", "group.phys-higgs")


def test_a_name_is_never_registered_twice(manager):
    registry.register(manager, CONTAINER)
    with pytest.raises(AlreadyRegistered, match="already registered") as caught:
        registry.register(manager, f"mc23_13p6TeV:{CONTAINER}/")
    assert caught.value.status == 409


def test_a_deleted_name_is_not_reused(manager, make):
    make.dataset(CONTAINER, status=DatasetStatus.DELETED)
    with pytest.raises(AlreadyRegistered, match="deleted; names are never reused"):
        registry.register(manager, CONTAINER)


def test_a_container_is_registered_with_its_datasets(manager):
    first, second = registry.register(manager, TID_1), registry.register(manager, TID_2)
    container = registry.register(manager, CONTAINER, [TID_2, f"mc23_13p6TeV:{TID_1}"])
    assert set(container.contents) == {first, second}
    assert first.containers == [container]
    actions = [e.action for e in audit_of(container)]
    assert actions == ["register", "fill_container"]
    assert audit_of(container)[1].detail == {"datasets": [TID_2, TID_1]}


@pytest.mark.parametrize(
    ("member", "problem"),
    [
        (OTHER_NUMBER, "has number '601230', the container '601229'"),
        (OTHER_TYPE, "has data type 'ESD', the container 'AOD'"),
        ("mc20_13TeV.410470.PhPy8EG.recon.AOD.e6337_s3681_r13167_tid00000007_00", "project"),
        (TID_1 + "_sub0202463592", "not registered"),
    ],
)
def test_a_container_refuses_datasets_that_disagree_and_registers_nothing(manager, member, problem):
    for name in (TID_1, OTHER_NUMBER, OTHER_TYPE):
        registry.register(manager, name)
    registry.register(
        manager, "mc20_13TeV.410470.PhPy8EG.recon.AOD.e6337_s3681_r13167_tid00000007_00"
    )
    with pytest.raises(Refusal, match=problem) as caught:
        registry.register(manager, CONTAINER, [TID_1, member])
    assert caught.value.status == 422
    assert caught.value.field == "datasets"
    assert stored(CONTAINER) is None


def test_containers_hold_datasets_not_containers_and_datasets_hold_nothing(manager):
    inner = registry.register(manager, CONTAINER.replace("e8514", "e8515"))
    with pytest.raises(Refusal, match="is a container; containers hold datasets"):
        registry.register(manager, CONTAINER, [inner.name])
    registry.register(manager, TID_2)
    with pytest.raises(Refusal, match="is a dataset, not a container"):
        registry.register(manager, TID_1, [TID_2])


def test_filling_a_container_is_all_or_nothing(manager):
    container = registry.register(manager, CONTAINER)
    first = registry.register(manager, TID_1)
    registry.register(manager, OTHER_TYPE)
    with pytest.raises(Refusal, match="data type"):
        registry.fill_container(manager, container, [TID_1, OTHER_TYPE])
    assert container.contents == []
    assert registry.fill_container(manager, container, [TID_1]) == [first]
    with pytest.raises(Refusal, match="already in this container"):
        registry.fill_container(manager, container, [TID_1])
    registry.register(manager, TID_2)
    with pytest.raises(Refusal, match="named twice"):
        registry.fill_container(manager, container, [TID_2, TID_2])


def test_deleted_datasets_do_not_go_into_containers(manager, make):
    container = registry.register(manager, CONTAINER)
    make.dataset(TID_1, status=DatasetStatus.DELETED)
    with pytest.raises(Refusal, match="is deleted"):
        registry.fill_container(manager, container, [TID_1])
    registry.register(manager, TID_2)
    registry.delete_dataset(manager, container)
    with pytest.raises(Conflict, match=f"{CONTAINER} is deleted"):
        registry.fill_container(manager, container, [TID_2])


def test_only_those_who_may_register_a_container_fill_it(manager, make):
    container = registry.register(manager, CONTAINER)
    registry.register(manager, TID_1)
    with pytest.raises(NotAllowed):
        registry.fill_container(make.user(), container, [TID_1])
    with pytest.raises(Refusal, match="is a dataset, not a container"):
        registry.fill_container(manager, registry.find_dataset(TID_1), [TID_2])


def test_a_list_is_registered_whole_with_a_result_per_line(manager, make):
    make.task(id=1002)
    lines = [TID_1, "", f"  {TID_2}  ", CONTAINER]
    results = registry.register_list(manager, lines)
    assert [(r.number, r.name, r.ok) for r in results] == [
        (1, TID_1, True),
        (3, TID_2, True),
        (4, CONTAINER, True),
    ]
    assert [r.dataset.name for r in results] == [TID_1, TID_2, CONTAINER]
    assert results[1].dataset.task_id == 1002
    assert all(len(audit_of(r.dataset)) == 1 for r in results)


def test_one_bad_line_registers_nothing_and_each_line_says_why(manager, make):
    make.dataset(TID_2)
    lines = [TID_1, TID_2, "mc23_13p6TeV.601229.x.recon.AOD!.e1", "user.other.x.v1", TID_1]
    results = registry.register_list(manager, lines)
    problems = {r.number: (r.error.status, r.error.message) for r in results if not r.ok}
    assert results[0].ok
    assert results[0].dataset is None
    assert problems[2] == (409, f"{TID_2} is already registered")
    assert problems[3][0] == 422
    assert "field 5 (data type)" in problems[3][1]
    assert problems[4][0] == 403
    assert problems[5] == (422, "repeats line 1")
    assert stored(TID_1) is None


def test_a_list_must_hold_names_and_not_too_many(manager):
    with pytest.raises(Refusal, match="at least one name"):
        registry.register_list(manager, ["", "  "])
    too_many = [f"{CONTAINER}_tid{n:08d}_00" for n in range(1, registry.MAX_LINES + 2)]
    with pytest.raises(Refusal, match="at most 1,000 names"):
        registry.register_list(manager, too_many)


def test_a_deleted_dataset_keeps_its_name_for_ever(manager):
    dataset = registry.register(manager, CONTAINER)
    assert registry.delete_dataset(manager, dataset).status == DatasetStatus.DELETED
    assert [e.action for e in audit_of(dataset)] == ["register", "delete"]
    assert audit_of(dataset)[1].detail == {"name": CONTAINER, "status": "registered"}
    with pytest.raises(AlreadyRegistered, match="never reused"):
        registry.register(manager, CONTAINER)
    with pytest.raises(Conflict, match="is already deleted"):
        registry.delete_dataset(manager, dataset)


def test_only_whoever_may_register_a_name_deletes_it(manager, make):
    dataset = registry.register(manager, CONTAINER)
    with pytest.raises(NotAllowed):
        registry.delete_dataset(make.user(groups={"HIGG": "convener"}), dataset)
    assert dataset.status == DatasetStatus.REGISTERED


def test_a_dataset_being_produced_or_changed_meanwhile_is_not_deleted(manager):
    producing = registry.register(manager, TID_1)
    producing.status = DatasetStatus.PRODUCING
    with pytest.raises(Conflict, match="still being produced"):
        registry.delete_dataset(manager, producing)
    stale = registry.register(manager, TID_2)
    db.session.execute(
        sa.update(Dataset)
        .where(Dataset.id == stale.id)
        .values(status=DatasetStatus.COMPLETE)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Conflict, match="changed meanwhile"):
        registry.delete_dataset(manager, stale)
    assert [e.action for e in audit_of(stale)] == ["register"]
