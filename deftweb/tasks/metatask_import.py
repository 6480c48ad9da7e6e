"""Importing a meta-task description (GraphML) as a draft request with that chain.

The file is checked with defusedxml before NetworkX reads it: no DTD, no entities, no external
references, and a size cap, so a hostile file (billion laughs, external entities) is refused with a
message instead of being expanded. Each weakly connected part becomes a slice; each node a step
(step_name, ami_tag, output_formats, optional task_config); each edge the parent link of a step.
"""

import json
from xml.etree.ElementTree import ParseError

import networkx as nx
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import fromstring

from deftweb.datasets import nomenclature
from deftweb.errors import InvalidInput
from deftweb.field_checks import Problems, whole_number
from deftweb.models import (
    HistoryKind,
    Project,
    Request,
    RequestHistory,
    RequestStatus,
    RequestType,
    Slice,
    Step,
    StepStatus,
    db,
)
from deftweb.requests.slice_validation import MAX_EVENTS
from deftweb.tasks.parameters import StepError, prod_step_of

#: Most steps one imported meta-task may hold.
MAX_STEPS = 5000
REQUIRED = ("step_name", "ami_tag", "output_formats")


class MetataskImportError(InvalidInput):
    """A GraphML file that cannot become a request; the message says what is wrong."""


def read_graphml(data: bytes, max_bytes: int) -> nx.DiGraph:
    """Check the file safely, then read it with NetworkX: a directed graph with no cycle."""
    if len(data) > max_bytes:
        raise MetataskImportError(
            f"The file has {len(data):,} bytes; a meta-task description may have at most "
            f"{max_bytes:,}."
        )
    _check_xml(data)
    try:
        graph = nx.parse_graphml(data)
    except (nx.NetworkXError, ParseError, ValueError, KeyError) as error:
        raise MetataskImportError(f"This is not GraphML NetworkX can read: {error}") from error
    if not graph.is_directed():
        raise MetataskImportError("The graph is undirected: edges must go from parent to child.")
    if graph.number_of_nodes() == 0:
        raise MetataskImportError("The graph has no nodes: nothing to import.")
    if graph.number_of_nodes() > MAX_STEPS:
        raise MetataskImportError(f"The graph has more than {MAX_STEPS:,} nodes.")
    if not nx.is_directed_acyclic_graph(graph):
        cycle = " -> ".join(str(a) for a, _ in nx.find_cycle(graph))
        raise MetataskImportError(f"The graph has a cycle ({cycle}); a chain cannot loop.")
    return graph


def _check_xml(data: bytes) -> None:
    try:
        fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden as error:
        raise MetataskImportError(
            "The file declares a DTD (<!DOCTYPE ...>); GraphML needs none and it is refused for "
            "safety."
        ) from error
    except EntitiesForbidden as error:
        raise MetataskImportError(
            f"The file declares an XML entity ({error.name}); entities are refused for safety."
        ) from error
    except DefusedXmlException as error:
        raise MetataskImportError(f"The file is refused for safety: {error}") from error
    except ParseError as error:
        raise MetataskImportError(f"The file is not well-formed XML: {error}") from error


def import_metatask(graph: nx.DiGraph, requester, group, description: str = "") -> Request:
    """Create a draft request of `group` whose slices and steps follow the graph."""
    project = _project(graph)
    request = Request(
        request_type=graph.graph.get("request_type") or RequestType.MC,
        working_group=group,
        provenance=graph.graph.get("provenance") or group.default_provenance,
        project=project,
        energy_gev=project.energy_gev,
        description=(description or graph.graph.get("description") or "Imported meta-task")[:256],
        requester=requester,
        status=RequestStatus.DRAFT,
    )
    if request.request_type not in set(RequestType):
        raise MetataskImportError(f"Unknown request type {request.request_type!r}.")
    parts = sorted(nx.weakly_connected_components(graph), key=lambda part: _first(graph, part))
    request.slices = [_slice(graph, part, ordinal) for ordinal, part in enumerate(parts)]
    steps = sum(len(piece.steps) for piece in request.slices)
    request.history = [
        RequestHistory(
            actor=requester,
            kind=HistoryKind.CREATED,
            comment=f"Imported from a GraphML meta-task: {len(parts)} slices, {steps} steps.",
        )
    ]
    db.session.add(request)
    db.session.flush()
    return request


def _project(graph: nx.DiGraph) -> Project:
    name = graph.graph.get("project") or _name_fields(graph, next(iter(graph)))[0]
    project = db.session.query(Project).filter_by(name=name).one_or_none()
    if project is None:
        raise MetataskImportError(f"Unknown project {name!r}: give the graph a known project.")
    return project


def _first(graph: nx.DiGraph, part: set) -> tuple:
    """Keep the file's slice order: by the `slice` attribute, else by the nodes' file order."""
    order = {node: index for index, node in enumerate(graph)}
    first = min(part, key=order.__getitem__)
    return (graph.nodes[first].get("slice", order[first]), order[first])


def _slice(graph: nx.DiGraph, part: set, ordinal: int) -> Slice:
    sub = graph.subgraph(part)
    order = {node: index for index, node in enumerate(graph)}
    nodes = list(nx.lexicographical_topological_sort(sub, key=order.__getitem__))
    root = graph.nodes[nodes[0]]
    _, number, brief = _name_fields(graph, nodes[0])
    piece = Slice(
        ordinal=ordinal,
        dsid=str(root.get("dsid") or number),
        brief=str(root.get("brief") or brief),
        input_dataset=str(root.get("input_dataset") or ""),
        events=_events(root.get("events"), nodes[0]),
    )
    steps = {}
    for index, node in enumerate(nodes):
        parents = list(sub.predecessors(node))
        if len(parents) > 1:
            raise MetataskImportError(
                f"Node {node} has {len(parents)} parents; a step reads the output of one parent."
            )
        steps[node] = _step(graph, node, index, steps[parents[0]] if parents else None)
    piece.steps = list(steps.values())
    return piece


def _events(raw, node) -> int | None:
    """The slice's events, held to what the filing form allows; none (or 0) leaves them open."""
    if raw in (None, "", 0, "0"):
        return None
    problems = Problems()
    events = whole_number(raw, "/events", (1, MAX_EVENTS), problems)
    if events is None:
        raise MetataskImportError(f"Node {node}: events: {problems['/events']}")
    return events


def _step(graph: nx.DiGraph, node, ordinal: int, parent: Step | None) -> Step:
    data = graph.nodes[node]
    missing = [key for key in REQUIRED if not data.get(key)]
    if missing:
        raise MetataskImportError(f"Node {node} has no {', '.join(missing)}.")
    try:
        config = json.loads(data.get("task_config") or "{}")
    except json.JSONDecodeError as error:
        raise MetataskImportError(f"Node {node}: task_config is not JSON: {error}") from error
    step = Step(
        ordinal=ordinal,
        step_name=str(data["step_name"]),
        ami_tag=str(data["ami_tag"]),
        output_formats=str(data["output_formats"]),
        status=StepStatus.NOT_CHECKED,
        task_config=config if isinstance(config, dict) else {},
        parent_step=parent,
    )
    try:
        nomenclature.check_ami_tag(step.ami_tag)
        prod_step_of(step)
        for data_type in step.output_formats.split("."):
            nomenclature.check_data_type(data_type)
    except (StepError, nomenclature.NomenclatureError) as error:
        raise MetataskImportError(f"Node {node}: {error}") from error
    return step


def _name_fields(graph: nx.DiGraph, node) -> tuple[str, str, str]:
    """Project, number and brief from a task node's name (project.number.brief.step.version)."""
    fields = str(graph.nodes[node].get("name", "")).split(".")
    return tuple(fields[:3]) if len(fields) >= 3 else ("", "", "")
