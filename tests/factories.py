"""Factories: build valid domain objects with sensible defaults; every field can be overridden."""

import itertools

import sqlalchemy as sa

from deftweb.datasets.nomenclature import parse
from deftweb.models import (
    Dataset,
    GlobalRole,
    JediTask,
    Membership,
    Project,
    Request,
    RequestTemplate,
    RequestType,
    Slice,
    Step,
    Task,
    User,
    UserRole,
    WorkingGroup,
    db,
)
from deftweb.tasks.ids import allocate_task_ids

_serial = itertools.count(1)


class Factories:
    def group(self, code: str = "HIGG") -> WorkingGroup:
        return db.session.scalars(sa.select(WorkingGroup).where(WorkingGroup.code == code)).one()

    def project(self, name: str = "mc23_13p6TeV") -> Project:
        return db.session.scalars(sa.select(Project).where(Project.name == name)).one()

    def user(
        self,
        username: str | None = None,
        roles: tuple[GlobalRole, ...] = (),
        groups: dict[str, str] | None = None,
        **fields,
    ) -> User:
        """A user; `groups` maps group codes to member/convener."""
        username = username or f"user{next(_serial)}"
        user = User(username=username, display_name=fields.pop("display_name", username.title()))
        user.email = fields.pop("email", f"{username}@example.cern")
        for key, value in fields.items():
            setattr(user, key, value)
        user.roles = [UserRole(role=role) for role in roles]
        # Every group read first: a read between two memberships would flush a half-made one.
        found = {code: self.group(code) for code in groups or {}}
        user.memberships = [
            Membership(working_group=found[code], role=role)
            for code, role in (groups or {}).items()
        ]
        db.session.add(user)
        db.session.flush()
        return user

    def request(self, requester: User | None = None, slices: int = 1, **fields) -> Request:
        """A draft MC request of HIGG on mc23_13p6TeV, with `slices` slices of two steps each."""
        requester = requester or self.user()
        request = Request(
            request_type=fields.pop("request_type", RequestType.MC),
            working_group=fields.pop("working_group", None) or self.group(),
            provenance=fields.pop("provenance", "AP"),
            project=fields.pop("project", None) or self.project(),
            energy_gev=fields.pop("energy_gev", 13600),
            description=fields.pop("description", f"test request {next(_serial)}"),
            requester=requester,
            **fields,
        )
        request.slices = [self._slice(n) for n in range(slices)]
        db.session.add(request)
        db.session.flush()
        return request

    def _slice(self, ordinal: int) -> Slice:
        piece = Slice(
            ordinal=ordinal, dsid=str(601229 + ordinal), brief="PhPy8EG_ttbar", events=1000
        )
        piece.steps = [
            Step(ordinal=0, step_name="Evgen", ami_tag="e8514", output_formats="EVNT"),
            Step(ordinal=1, step_name="Simul", ami_tag="s4162", output_formats="HITS"),
        ]
        return piece

    def template(self, group: str = "HIGG", **fields) -> RequestTemplate:
        """An active MC request template of `group` with a three-step chain."""
        chain = [
            {"step_name": name, "ami_tag": tag, "output_formats": formats, "task_config": {}}
            for name, tag, formats in (
                ("Evgen", "e8514", "EVNT"),
                ("Simul", "s4162", "HITS"),
                ("Reco", "r14622", "AOD"),
            )
        ]
        defaults = {"project": "mc23_13p6TeV", "campaign": "MC23", "subcampaign": "MC23a"}
        template = RequestTemplate(
            working_group=self.group(group),
            name=fields.pop("name", f"template {next(_serial)}"),
            request_type=fields.pop("request_type", RequestType.MC),
            defaults=fields.pop("defaults", defaults | {"priority": 570, "steps": chain}),
            **fields,
        )
        db.session.add(template)
        db.session.flush()
        return template

    def task(self, request: Request | None = None, handoff: bool = False, **fields) -> Task:
        """A task; `handoff=True` gives it its JEDI hand-off row too."""
        task_id = fields.pop("id", None) or allocate_task_ids(1)[0]
        task = Task(
            id=task_id,
            request_id=request.id if request else None,
            name=fields.pop("name", "mc23_13p6TeV.601229.PhPy8EG_ttbar.evgen.e8514"),
            project=fields.pop("project", "mc23_13p6TeV"),
            username=fields.pop("username", "prodmgr"),
            working_group=fields.pop("working_group", "AP_HIGG"),
            chain_id=fields.pop("chain_id", task_id),
            **fields,
        )
        db.session.add(task)
        db.session.flush()
        if handoff:
            self.handoff(task)
        return task

    def dataset(self, name: str | None = None, **fields) -> Dataset:
        """A registry row for `name` (default: a new mc23 AOD container), its fields parsed."""
        name = name or f"mc23_13p6TeV.{601000 + next(_serial)}.PhPy8EG_test.recon.AOD.e8514_r14622"
        parsed = parse(name)
        dataset = Dataset(
            name=name,
            scope=parsed.scope,
            project=parsed.project,
            data_type=parsed.data_type,
            kind=parsed.kind,
            is_container=parsed.is_container,
            **fields,
        )
        db.session.add(dataset)
        db.session.flush()
        return dataset

    def handoff(self, task: Task, **fields) -> JediTask:
        """The JEDI hand-off row of `task` (status waiting, empty parameters unless given)."""
        row = JediTask(
            task_id=task.id,
            name=task.name,
            username=task.username,
            parameters=fields.pop("parameters", {}),
            **fields,
        )
        db.session.add(row)
        db.session.flush()
        return row
