"""Meta-tasks: graphs from parent/chain links, the layered picture, GraphML out and in."""

import io

import networkx as nx
import pytest

from deftweb.models import RequestStatus
from deftweb.tasks.metatask_import import MetataskImportError, import_metatask, read_graphml
from deftweb.tasks.metatasks import as_graphml, as_json, layout, request_graph, task_graph

LIMIT = 1024 * 1024


def chain(make, length=3, **fields):
    first = make.task(**fields)
    tasks = [first]
    for _ in range(length - 1):
        tasks.append(make.task(parent_id=tasks[-1].id, chain_id=first.id, **fields))
    return tasks


def test_task_graph_follows_parent_and_chain_links(make):
    a, b, c = chain(make, status="done")
    branch = make.task(parent_id=a.id, chain_id=a.id)
    child_chain = make.task(parent_id=c.id)  # a new chain that reads c's output
    make.task()  # unrelated
    graph = task_graph(b.id)
    assert set(graph) == {a.id, b.id, c.id, branch.id, child_chain.id}
    assert set(graph.edges) == {
        (a.id, b.id),
        (b.id, c.id),
        (a.id, branch.id),
        (c.id, child_chain.id),
    }
    assert graph.nodes[a.id]["status"] == "done"


def test_task_graph_of_a_missing_task():
    with pytest.raises(LookupError):
        task_graph(1)


def test_layout_puts_parents_above_children(make):
    a, b, c = chain(make)
    picture = layout(task_graph(a.id))
    y = {node.task_id: node.y for node in picture.nodes}
    assert y[a.id] < y[b.id] < y[c.id]
    assert len(picture.edges) == 2
    assert picture.width > 0
    assert picture.height > 0


def test_json_view(make):
    a, b = chain(make, length=2)
    data = as_json(task_graph(a.id))
    assert data["kind"] == "tasks"
    assert {"source": a.id, "target": b.id} in data["edges"]


def test_task_graph_graphml_is_read_back_by_networkx(make):
    a, b, c = chain(make)
    back = nx.read_graphml(io.BytesIO(as_graphml(task_graph(a.id))), node_type=int)
    assert set(back.edges) == {(a.id, b.id), (b.id, c.id)}
    assert back.nodes[a.id]["name"] == a.name


def networkx_made_metatask() -> bytes:
    """A meta-task file written by NetworkX itself: a 3-step chain and a branching 3-step tree."""
    graph = nx.DiGraph(project="mc23_13p6TeV", description="ttbar and Zee", request_type="MC")
    steps = [
        ("evgen", "Evgen", "e8514", "EVNT", "601229", "PhPy8EG_A14_ttbar"),
        ("simul", "Simul", "s4162", "HITS", "", ""),
        ("reco", "Reco", "r14622", "AOD", "", ""),
        ("zee", "Evgen", "e8515", "EVNT", "601189", "PhPy8EG_AZNLO_Zee"),
        ("zsim", "Simul", "s4162", "HITS", "", ""),
        ("zfast", "Atlfast", "a899", "HITS", "", ""),
    ]
    for node, step_name, tag, formats, dsid, brief in steps:
        extra = {"dsid": dsid, "brief": brief, "events": 5000} if dsid else {}
        graph.add_node(node, step_name=step_name, ami_tag=tag, output_formats=formats, **extra)
    graph.add_edges_from([("evgen", "simul"), ("simul", "reco"), ("zee", "zsim"), ("zee", "zfast")])
    graph.nodes["reco"]["task_config"] = '{"nEventsPerJob": 500}'
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    return buffer.getvalue()


def same_structure(a: nx.DiGraph, b: nx.DiGraph) -> bool:
    keys = ("step_name", "ami_tag", "output_formats")
    return nx.is_isomorphic(a, b, node_match=lambda x, y: all(x.get(k) == y.get(k) for k in keys))


def test_graphml_to_request_to_graphml_keeps_the_structure(make):
    original = read_graphml(networkx_made_metatask(), LIMIT)
    requester = make.user(groups={"HIGG": "member"})
    request = import_metatask(original, requester, make.group("HIGG"))
    assert request.status == RequestStatus.DRAFT
    assert request.description == "ttbar and Zee"
    assert [(s.dsid, s.brief, len(s.steps)) for s in request.slices] == [
        ("601229", "PhPy8EG_A14_ttbar", 3),
        ("601189", "PhPy8EG_AZNLO_Zee", 3),
    ]
    reco = request.slices[0].steps[2]
    assert reco.parent_step is request.slices[0].steps[1]
    assert reco.task_config == {"nEventsPerJob": 500}
    again = read_graphml(as_graphml(request_graph(request)), LIMIT)
    assert same_structure(original, again)
    assert "Imported from a GraphML meta-task" in request.history[0].comment


def test_a_task_graph_export_imports_as_a_request(make):
    a, _, _ = chain(make, name="mc23_13p6TeV.601229.PhPy8EG_ttbar.evgen.e8514")
    graph = task_graph(a.id)
    for node, step in zip(graph, ("Evgen", "Simul", "Reco"), strict=True):
        graph.nodes[node].update(step_name=step, ami_tag="e1", output_formats="EVNT")
    back = read_graphml(as_graphml(graph), LIMIT)
    request = import_metatask(back, make.user(), make.group("HIGG"))
    assert (request.slices[0].dsid, request.slices[0].brief) == ("601229", "PhPy8EG_ttbar")
    assert same_structure(graph, request_graph(request))


GRAPHML = (
    b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
    b'<graph edgedefault="directed"><node id="a"/></graph></graphml>'
)
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">
<node id="&lol2;"/></graph></graphml>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">
<node id="a"/></graph></graphml>""".replace(
    b"<graphml", b'<!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]><graphml'
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BILLION_LAUGHS, "DTD"),
        (EXTERNAL_ENTITY, "DTD"),
        (b"<graphml><graph>", "not well-formed XML"),
        (b"x" * (LIMIT + 1), "at most 1,048,576"),
        (
            GRAPHML.replace(b"directed", b"undirected", 1),
            "undirected",
        ),
        (
            GRAPHML.replace(b'<node id="a"/>', b""),
            "no nodes",
        ),
    ],
)
def test_hostile_or_broken_files_are_refused_with_a_message(data, message):
    with pytest.raises(MetataskImportError, match=message):
        read_graphml(data, LIMIT)


def test_a_cycle_is_refused():
    graph = nx.DiGraph([("a", "b"), ("b", "a")])
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    with pytest.raises(MetataskImportError, match="cycle"):
        read_graphml(buffer.getvalue(), LIMIT)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda g: g.nodes["simul"].pop("ami_tag"), "Node simul has no ami_tag"),
        (lambda g: g.nodes["simul"].update(ami_tag="banana"), "Node simul: AMI tag 'banana'"),
        (lambda g: g.nodes["simul"].update(step_name="Teleport"), "Node simul: step name"),
        (lambda g: g.add_edge("zee", "reco"), "Node reco has 2 parents"),
        (lambda g: g.graph.update(project="mc99_1TeV"), "Unknown project 'mc99_1TeV'"),
    ],
)
def test_bad_steps_are_refused_naming_the_node(make, change, message):
    graph = read_graphml(networkx_made_metatask(), LIMIT)
    change(graph)
    with pytest.raises(MetataskImportError, match=message):
        import_metatask(graph, make.user(), make.group("HIGG"))


def test_too_many_nodes_are_refused(monkeypatch):
    monkeypatch.setattr("deftweb.tasks.metatask_import.MAX_STEPS", 5)
    with pytest.raises(MetataskImportError, match="more than 5 nodes"):
        read_graphml(networkx_made_metatask(), LIMIT)
