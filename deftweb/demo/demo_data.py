"""Demo data: users for every role, requests in every status, task chains and their datasets.

Deterministic (a seeded random generator), so a screenshot or a test can rely on what it finds.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from deftweb.models import (
    Campaign,
    GlobalRole,
    HistoryKind,
    Membership,
    MembershipRole,
    Project,
    Request,
    RequestHistory,
    RequestStatus,
    RequestTemplate,
    RequestType,
    Slice,
    Step,
    StepStatus,
    TaskStatus,
    User,
    UserRole,
    WorkingGroup,
    db,
    utcnow,
)
from deftweb.reference_data import ensure_reference_data
from deftweb.tasks.definition import define_tasks
from deftweb.tasks.jedi_sync import record_jedi_report, sync_jedi

DEMO_TASKS = 5000


@dataclass(frozen=True)
class ChainStep:
    step_name: str
    prod_step: str
    ami_tag: str
    output_formats: str
    trf: str


#: The MC chain of a Run-3 sample: generation, simulation, digitisation+reconstruction, derivation.
MC_CHAIN = (
    ChainStep("Evgen", "evgen", "e8514", "EVNT", "Gen_tf.py"),
    ChainStep("Simul", "simul", "s4162", "HITS", "Sim_tf.py"),
    ChainStep("Reco", "recon", "r14622", "AOD", "Reco_tf.py"),
    ChainStep("Deriv", "deriv", "p5855", "DAOD_PHYS.DAOD_PHYSLITE", "Derivation_tf.py"),
)
#: Group production (derivations) from existing AODs.
GROUP_CHAIN = (ChainStep("Deriv", "deriv", "p6026", "DAOD_HIGG1D1", "Derivation_tf.py"),)
#: Reprocessing of real data.
REPRO_CHAIN = (
    ChainStep("Reco", "recon", "r15540", "AOD", "Reco_tf.py"),
    ChainStep("Deriv", "deriv", "p6266", "DAOD_PHYS", "Derivation_tf.py"),
)

#: Real-looking MC samples: (DSID, physics short name).
MC_SAMPLES = (
    ("601229", "PhPy8EG_A14_ttbar_hdamp258p75_SingleLep"),
    ("601230", "PhPy8EG_A14_ttbar_hdamp258p75_dil"),
    ("601189", "PhPy8EG_AZNLO_Zee"),
    ("601190", "PhPy8EG_AZNLO_Zmumu"),
    ("603763", "PhPy8EG_PDF4LHC21_ggH125_gammagamma"),
    ("700320", "Sh_2211_Zee_maxHTpTV2_BFilter"),
    ("700325", "Sh_2211_Zmumu_maxHTpTV2_CVetoBVeto"),
    ("512345", "MGPy8EG_A14N23LO_SlepSlep_direct_300p0_1p0_2L8"),
)

#: Demo users: (username, display name, global roles, {group: role}).
DEMO_USERS = (
    ("demo-member", "Hanna Member", (), {"HIGG": MembershipRole.MEMBER}),
    ("demo-convener", "Carlos Convener", (), {"HIGG": MembershipRole.CONVENER}),
    ("demo-susy", "Sofia Susy", (), {"SUSY": MembershipRole.MEMBER, "TOPQ": "member"}),
    ("demo-mccoord", "Marta MC-Coordinator", (GlobalRole.MC_COORDINATOR,), {}),
    ("demo-prodmgr", "Paul Production-Manager", (GlobalRole.PRODUCTION_MANAGER,), {}),
    ("demo-admin", "Ada Admin", (GlobalRole.ADMIN,), {}),
)

#: The statuses a request passes through to reach each status, in order.
STATUS_PATHS = {
    RequestStatus.DRAFT: (),
    RequestStatus.WAITING: ("waiting",),
    RequestStatus.REGISTERED: ("waiting", "registered"),
    RequestStatus.APPROVED: ("waiting", "registered", "approved"),
    RequestStatus.WORKING: ("waiting", "registered", "approved", "working"),
    RequestStatus.FINISHED: ("waiting", "registered", "approved", "working", "finished"),
    RequestStatus.DONE: ("waiting", "registered", "approved", "working", "done"),
    RequestStatus.HOLD: ("waiting", "registered", "hold"),
    RequestStatus.CANCELLED: ("waiting", "cancelled"),
    RequestStatus.REJECTED: ("waiting", "rejected"),
}
WITH_TASKS = (RequestStatus.WORKING, RequestStatus.FINISHED, RequestStatus.DONE)
REQUESTS_PER_STATUS = 5
#: Requests with tasks are big (a SUSY-style signal grid), so that their chains hold DEMO_TASKS.
SLICES_WITH_TASKS = 112


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def load_demo_data(seed: int = 2013) -> dict[str, int]:
    """Fill an empty database with demo data; return how many of each thing were made."""
    rng = random.Random(seed)
    ensure_reference_data()
    users = _create_users()
    _create_templates(users)
    requests = _create_requests(rng, users)
    with_tasks = [r for r in requests if r.status in WITH_TASKS]
    task_count = _create_tasks(rng, with_tasks, users["demo-prodmgr"])
    db.session.flush()
    return {"users": len(users), "requests": len(requests), "tasks": task_count}


def _create_users() -> dict[str, User]:
    groups = {g.code: g for g in db.session.scalars(sa.select(WorkingGroup))}
    users = {}
    for username, name, roles, memberships in DEMO_USERS:
        user = User(username=username, display_name=name, email=f"{username}@example.cern")
        user.roles = [UserRole(role=r) for r in roles]
        user.memberships = [
            Membership(working_group=groups[code], role=role) for code, role in memberships.items()
        ]
        db.session.add(user)
        users[username] = user
    db.session.flush()
    return users


def _create_templates(users: dict[str, User]) -> None:
    higg = db.session.scalar(sa.select(WorkingGroup).where(WorkingGroup.code == "HIGG"))
    steps = [_step_defaults(s) for s in MC_CHAIN]
    db.session.add(
        RequestTemplate(
            working_group=higg,
            name="MC23 full chain",
            request_type=RequestType.MC,
            description="Run-3 MC: evgen, full simulation, reconstruction, PHYS derivations.",
            defaults={
                "project": "mc23_13p6TeV",
                "campaign": "MC23",
                "subcampaign": "MC23a",
                "energy_gev": 13600,
                "priority": 570,
                "provenance": "AP",
                "cc": "atlas-phys-higgs-conveners@cern.ch",
                "steps": steps,
            },
            created_by=users["demo-convener"],
        )
    )


def _step_defaults(step: ChainStep) -> dict:
    return {
        "step_name": step.step_name,
        "ami_tag": step.ami_tag,
        "output_formats": step.output_formats,
        "task_config": {"nEventsPerJob": 1000 if step.prod_step == "evgen" else 500},
    }


def _create_requests(rng: random.Random, users: dict[str, User]) -> list[Request]:
    catalog = _Catalog.load()
    requesters = [users["demo-member"], users["demo-convener"], users["demo-susy"]]
    made = []
    for status in STATUS_PATHS:
        for i in range(REQUESTS_PER_STATUS):
            slices = SLICES_WITH_TASKS if status in WITH_TASKS else rng.randint(2, 6)
            request = _new_request(rng, catalog, rng.choice(requesters), i, slices)
            _walk_to(request, status, users)
            made.append(request)
    db.session.add_all(made)
    db.session.flush()
    return made


@dataclass
class _Catalog:
    groups: dict[str, WorkingGroup]
    projects: dict[str, Project]
    campaigns: dict[str, Campaign]

    @classmethod
    def load(cls) -> "_Catalog":
        return cls(
            {g.code: g for g in db.session.scalars(sa.select(WorkingGroup))},
            {p.name: p for p in db.session.scalars(sa.select(Project))},
            {c.name: c for c in db.session.scalars(sa.select(Campaign))},
        )


def _new_request(
    rng: random.Random, catalog: _Catalog, requester: User, i: int, slice_count: int
) -> Request:
    kind = (RequestType.MC, RequestType.MC, RequestType.GROUP, RequestType.REPROCESSING)[i % 4]
    group_code = {"demo-susy": "SUSY"}.get(requester.username, "HIGG")
    project_name, campaign_name = {
        RequestType.MC: ("mc23_13p6TeV", "MC23"),
        RequestType.GROUP: ("mc23_13p6TeV", "MC23"),
        RequestType.REPROCESSING: ("data18_13TeV", "REPRO2024"),
    }[kind]
    campaign = catalog.campaigns[campaign_name]
    request = Request(
        request_type=kind,
        working_group=catalog.groups[group_code],
        provenance="GP" if kind == RequestType.GROUP else "AP",
        project=catalog.projects[project_name],
        campaign=campaign,
        subcampaign=rng.choice(campaign.subcampaigns),
        energy_gev=catalog.projects[project_name].energy_gev,
        description=_description(kind, group_code, rng),
        long_description="Demo request made by `flask demo-data`.",
        reference_link="https://its.cern.ch/jira/browse/ATLMCPROD-" + str(rng.randint(9000, 9999)),
        priority=rng.choice((560, 570, 580, 900)),
        requester=requester,
        created_at=utcnow() - timedelta(days=rng.randint(1, 90)),
    )
    request.slices = _slices_for(rng, kind, project_name, slice_count)
    return request


def _description(kind: str, group: str, rng: random.Random) -> str:
    what = {
        RequestType.MC: {
            "HIGG": ("H->yy signal", "ttH(bb) signal", "ggF H->ZZ*->4l"),
            "SUSY": ("slepton grid", "stop pair grid", "ttbar background"),
        }[group],
        RequestType.GROUP: ("HIGG1D1 derivations", "PHYS derivations"),
        RequestType.REPROCESSING: ("2018 data reprocessing", "physics_Main repro"),
    }[kind]
    return f"{group} {kind.lower()}: {rng.choice(what)}"


def _slices_for(rng: random.Random, kind: str, project: str, count: int) -> list[Slice]:
    chain = {RequestType.MC: MC_CHAIN, RequestType.GROUP: GROUP_CHAIN}.get(kind, REPRO_CHAIN)
    slices = []
    for ordinal in range(count):
        dsid, brief = _sample(ordinal, kind)
        input_dataset = {
            RequestType.MC: "",
            RequestType.GROUP: f"{project}.{dsid}.{brief}.recon.AOD.e8514_s4162_r14622",
        }.get(kind, f"{project}.{dsid}.{brief}.daq.RAW")
        piece = Slice(
            ordinal=ordinal,
            input_dataset=input_dataset,
            dsid=dsid,
            brief=brief,
            events=rng.choice((10_000, 50_000, 100_000, 1_000_000)),
        )
        piece.steps = [_step(n, s) for n, s in enumerate(chain)]
        slices.append(piece)
    return slices


def _sample(ordinal: int, kind: str) -> tuple[str, str]:
    """The input of slice `ordinal`: a real sample, then grid points (MC) or runs (data)."""
    if kind == RequestType.REPROCESSING:
        return f"{349533 + 157 * ordinal:08d}", "physics_Main"
    if ordinal < len(MC_SAMPLES):
        return MC_SAMPLES[ordinal]
    mass = 100 + 25 * ordinal
    return str(512300 + ordinal), f"MGPy8EG_A14N23LO_SlepSlep_direct_{mass}p0_1p0_2L8"


def _step(ordinal: int, step: ChainStep) -> Step:
    return Step(
        ordinal=ordinal,
        step_name=step.step_name,
        ami_tag=step.ami_tag,
        output_formats=step.output_formats,
        task_config=_step_defaults(step)["task_config"] | {"transPath": step.trf},
    )


def _walk_to(request: Request, status: str, users: dict[str, User]) -> None:
    """Give the request the history a real one would have on its way to `status`."""
    at = request.created_at
    request.history = [RequestHistory(actor=request.requester, at=at, kind=HistoryKind.CREATED)]
    previous = RequestStatus.DRAFT
    for step in STATUS_PATHS[status]:
        at += timedelta(hours=6)
        actor = _actor_for(step, request, users)
        comment = "Missing events per slice; please revise." if step == "rejected" else ""
        request.history.append(
            RequestHistory(
                actor=actor,
                at=at,
                kind=HistoryKind.TRANSITION,
                from_status=previous,
                to_status=step,
                comment=comment,
            )
        )
        previous = step
    request.status = status
    request.version = 1 + len(STATUS_PATHS[status])
    request.updated_at = at
    if status in (*WITH_TASKS, RequestStatus.APPROVED):
        request.manager = users["demo-prodmgr"]
        for piece in request.slices:
            for step in piece.steps:
                step.status = StepStatus.APPROVED


def _actor_for(step: str, request: Request, users: dict[str, User]) -> User:
    if step in ("waiting", "cancelled"):
        return request.requester
    if step in ("registered", "rejected", "hold"):
        return users["demo-convener"] if request.request_type != "MC" else users["demo-mccoord"]
    return users["demo-prodmgr"]


def _create_tasks(rng: random.Random, requests: list[Request], manager: User) -> int:
    """Define the requests' tasks as production does, DEMO_TASKS in all, then play JEDI: report
    a status and counters for each task into the hand-off table and sync them in."""
    made = 0
    for request in requests:
        _approve_steps_up_to(request, DEMO_TASKS - made)
        ids = define_tasks(request, manager) if made < DEMO_TASKS else []
        if request.error:
            raise RuntimeError(f"demo request {request.id}: {request.error}")
        record_jedi_report([_jedi_report(rng, request, task_id) for task_id in ids])
        made += len(ids)
    sync_jedi()
    return made


def _approve_steps_up_to(request: Request, budget: int) -> None:
    """Leave approved only the first `budget` steps (slice by slice), so the demo stays its size."""
    for piece in request.slices:
        for step in piece.steps:
            approved = budget > 0
            step.status = StepStatus.APPROVED if approved else StepStatus.WAITING
            budget -= approved
    db.session.flush()


def _jedi_report(rng: random.Random, request: Request, task_id: int) -> dict:
    status = _task_status(rng, request.status)
    events = rng.choice((10_000, 50_000, 100_000, 1_000_000))
    done = status == TaskStatus.DONE
    return {
        "task_id": task_id,
        "status": status,
        "total_events": events,
        "processed_events": events if done else rng.randint(0, events),
        "total_jobs": 100,
        "done_jobs": 100 if done else rng.randint(0, 99),
        "failed_jobs": 0 if done else rng.randint(0, 5),
    }


def _task_status(rng: random.Random, request_status: str) -> str:
    if request_status == RequestStatus.DONE:
        return TaskStatus.DONE
    if request_status == RequestStatus.FINISHED:
        return rng.choice((TaskStatus.DONE, TaskStatus.DONE, TaskStatus.FINISHED))
    return rng.choice(
        (
            TaskStatus.RUNNING,
            TaskStatus.RUNNING,
            TaskStatus.READY,
            TaskStatus.DONE,
            TaskStatus.FAILED,
        )
    )
