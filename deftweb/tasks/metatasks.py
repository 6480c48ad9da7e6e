"""Meta-tasks: a slice's chain, or any set of tasks linked by parent/chain, as a NetworkX graph;
drawn as a layered picture and written as GraphML.

Two kinds of graph share one node vocabulary (step_name, ami_tag, output_formats, status), so a
GraphML file of either can be imported as a request (`metatask_import`):
- task graphs: nodes are tasks (`task_id`, `name`), edges parent -> child;
- step graphs: nodes are a request's steps (with their slice's fields), edges parent step -> step.
"""

import io
import json
from dataclasses import dataclass

import networkx as nx
import sqlalchemy as sa

from deftweb.models import Request, Task, db

#: Most tasks a picture or export holds; a bigger connected set is cut (and says so).
GRAPH_LIMIT = 1000
NODE_WIDTH, NODE_HEIGHT = 230, 46
GAP_X, GAP_Y = 24, 40
MARGIN = 12
TASK_FIELDS = ("name", "status", "step_name", "ami_tag", "output_formats", "request_id")


def task_graph(task_id: int, limit: int = GRAPH_LIMIT) -> nx.DiGraph:
    """The tasks connected to `task_id` through parent and chain links (at most `limit`)."""
    found: dict[int, Task] = {}
    frontier, chains_done = {task_id}, set()
    while frontier and len(found) < limit:
        chains = {found[i].chain_id for i in frontier if i in found} - chains_done - {None}
        chains_done |= chains
        rows = db.session.scalars(
            sa.select(Task)
            .where(
                sa.or_(
                    Task.id.in_(frontier),
                    Task.parent_id.in_(frontier),
                    Task.chain_id.in_(chains),
                )
            )
            .order_by(Task.id)
            .limit(limit)
        )
        new = [task for task in rows if task.id not in found]
        found.update((task.id, task) for task in new)
        parents = {t.parent_id for t in new if t.parent_id and t.parent_id not in found}
        frontier = {t.id for t in new} | parents
    graph = nx.DiGraph(kind="tasks", truncated=len(found) >= limit)
    for task in sorted(found.values(), key=lambda t: t.id)[:limit]:
        graph.add_node(task.id, task_id=task.id, **_attributes(task, TASK_FIELDS))
    graph.add_edges_from(
        (task.parent_id, task.id) for task in found.values() if task.parent_id in graph
    )
    if task_id not in graph:
        raise LookupError(f"There is no task {task_id}.")
    return graph


def request_graph(request: Request) -> nx.DiGraph:
    """The step chains of every slice of a request, with the task of each step if it has one."""
    tasks = dict(
        db.session.execute(
            sa.select(Task.step_id, Task.id).where(Task.request_id == request.id)
        ).all()
    )
    graph = nx.DiGraph(kind="steps", **_request_fields(request))
    for piece in request.slices:
        previous = None
        for step in piece.steps:
            node = f"step{step.id}"
            graph.add_node(
                node,
                slice=piece.ordinal,
                dsid=piece.dsid,
                brief=piece.brief,
                input_dataset=piece.input_dataset,
                events=piece.events or 0,
                step_name=step.step_name,
                ami_tag=step.ami_tag,
                output_formats=step.output_formats,
                status=step.status,
                task_config=json.dumps(step.task_config, sort_keys=True),
                **({"task_id": tasks[step.id]} if step.id in tasks else {}),
            )
            parent = step.parent_step_id or (previous.id if previous else None)
            if parent:
                graph.add_edge(f"step{parent}", node)
            previous = step
    return graph


def _request_fields(request: Request) -> dict:
    return {
        "request_id": request.id,
        "request_type": request.request_type,
        "project": request.project.name if request.project else "",
        "provenance": request.provenance,
        "working_group": request.working_group.code,
        "description": request.description,
    }


def _attributes(obj, fields) -> dict:
    return {name: value for name in fields if (value := getattr(obj, name)) is not None}


def as_graphml(graph: nx.DiGraph) -> bytes:
    """The graph as GraphML, written by NetworkX."""
    clean = nx.DiGraph(**_plain(graph.graph))
    clean.add_nodes_from((node, _plain(data)) for node, data in graph.nodes(data=True))
    clean.add_edges_from(graph.edges)
    buffer = io.BytesIO()
    nx.write_graphml(clean, buffer)
    return buffer.getvalue()


def _plain(data: dict) -> dict:
    """GraphML values: text, numbers and booleans (status enums become their text)."""
    plain = (str, int, float, bool)
    return {
        key: value if type(value) in plain else str(value)
        for key, value in data.items()
        if value is not None
    }


def as_json(graph: nx.DiGraph) -> dict:
    """Nodes and edges, for the API."""
    return {
        "kind": graph.graph.get("kind"),
        "truncated": bool(graph.graph.get("truncated")),
        "nodes": [{"id": node, **data} for node, data in graph.nodes(data=True)],
        "edges": [{"source": source, "target": target} for source, target in graph.edges],
    }


@dataclass(frozen=True)
class PlacedNode:
    id: object
    x: int
    y: int
    title: str
    subtitle: str
    status: str
    task_id: int | None


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    nodes: list[PlacedNode]
    #: (x1, y1, x2, y2): from the bottom of the parent to the top of the child.
    edges: list[tuple[int, int, int, int]]
    truncated: bool


def layout(graph: nx.DiGraph) -> Picture:
    """A layered drawing: parents above children, each layer ordered to follow its parents."""
    position: dict = {}
    order: dict = {}
    for depth, layer in enumerate(nx.topological_generations(graph)):
        layer.sort(key=lambda n: (_barycentre(graph, n, order), str(n)))
        for index, node in enumerate(layer):
            order[node] = index
            position[node] = (
                MARGIN + index * (NODE_WIDTH + GAP_X),
                MARGIN + depth * (NODE_HEIGHT + GAP_Y),
            )
    nodes = [_placed(graph, node, *position[node]) for node in graph]
    edges = [
        (
            position[a][0] + NODE_WIDTH // 2,
            position[a][1] + NODE_HEIGHT,
            position[b][0] + NODE_WIDTH // 2,
            position[b][1],
        )
        for a, b in graph.edges
    ]
    width = max((x for x, _ in position.values()), default=0) + NODE_WIDTH + 2 * MARGIN
    height = max((y for _, y in position.values()), default=0) + NODE_HEIGHT + 2 * MARGIN
    return Picture(width, height, nodes, edges, bool(graph.graph.get("truncated")))


def _barycentre(graph: nx.DiGraph, node, order: dict) -> float:
    parents = [order[p] for p in graph.predecessors(node) if p in order]
    return sum(parents) / len(parents) if parents else float("inf")


def _placed(graph: nx.DiGraph, node, x: int, y: int) -> PlacedNode:
    data = graph.nodes[node]
    task_id = data.get("task_id")
    title = f"{task_id} {data.get('step_name', '')}" if task_id else data.get("step_name", "")
    return PlacedNode(
        id=node,
        x=x,
        y=y,
        title=title.strip(),
        subtitle=f"{data.get('ami_tag', '')} → {data.get('output_formats', '')}",
        status=str(data.get("status", "")),
        task_id=task_id,
    )
