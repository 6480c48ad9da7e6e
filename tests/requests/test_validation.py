"""The one validation of a filed request, as tables: a change to a valid document -> the pointer
of the problem it must cause (and its message, in part)."""

import pytest

from deftweb.requests.validation import MAX_SLICES, validate_request
from tests.requests.filing_data import AOD, MC_CHAIN, mc_document, mc_slice


def step(name, tag, formats="AOD", config=None):
    return {"step_name": name, "ami_tag": tag, "output_formats": formats, "task_config": config}


def with_slice(**fields):
    return {"slices": [mc_slice(**fields)]}


REQUEST_CASES = [
    ({"request_type": "XX"}, "/request_type", "Choose one of MC"),
    ({"working_group": "NOPE"}, "/working_group", "working groups"),
    ({"provenance": "ZZ"}, "/provenance", "AP"),
    ({"project": ""}, "/project", "Choose the project"),
    ({"project": "mc23"}, "/project", "mcNN_<energy>"),
    ({"project": "mc99_13TeV"}, "/project", "not known here"),
    ({"project": "data18_13TeV", "campaign": ""}, "/project", "cannot be filed on the data"),
    ({"energy_gev": 13000}, "/energy_gev", "is at 13600 GeV, not 13000"),
    ({"energy_gev": "lots"}, "/energy_gev", "not a whole number"),
    ({"campaign": "MC16", "subcampaign": ""}, "/campaign", "runs on mc16_13TeV"),
    ({"subcampaign": "MC16a"}, "/subcampaign", "has subcampaigns MC23a"),
    ({"campaign": "", "subcampaign": "MC23a"}, "/campaign", "Choose the campaign"),
    ({"campaign": "NOPE"}, "/campaign", "not known"),
    ({"description": " "}, "/description", "required"),
    ({"description": "x" * 257}, "/description", "At most 256"),
    ({"long_description": "x" * 20_001}, "/long_description", "At most 20,000"),
    ({"reference_link": "ftp://x"}, "/reference_link", "http(s) link"),
    ({"cc": "a@cern.ch, not-an-address"}, "/cc", "'not-an-address' is not an e-mail"),
    ({"priority": 5000}, "/priority", "from 0 to 1,000"),
    ({"priority": True}, "/priority", "whole number"),
    ({"template_id": 10**9}, "/template_id", "not one of the group's templates"),
    ({"slices": "many"}, "/slices", "must be a list"),
]

SLICE_CASES = [
    (with_slice(dsid="12"), "/slices/0/dsid", "6 to 8 digits"),
    (with_slice(dsid="", brief=""), "/slices/0/dsid", "Give a DSID"),
    (with_slice(brief=""), "/slices/0/brief", "physics short name"),
    (with_slice(brief="has space"), "/slices/0/brief", "letters, digits and _"),
    (
        with_slice(dsid="", input_dataset="not a dataset"),
        "/slices/0/input_dataset",
        "Not a dataset",
    ),
    (with_slice(events=0), "/slices/0/events", "above zero"),
    (with_slice(events=-5), "/slices/0/events", "above zero"),
    (with_slice(events="ten"), "/slices/0/events", "not a whole number"),
    (with_slice(events=None), "/slices/0/events", "how many events"),
    (with_slice(priority=2000), "/slices/0/priority", "from -2 to 1,000"),
    (with_slice(comment="c" * 513), "/slices/0/comment", "At most 512"),
    (with_slice(id=999_999_999), "/slices/0/id", "not a slice of this request"),
    (with_slice(cloned_from_id=999_999_999), "/slices/0/cloned_from_id", "No such slice"),
    (with_slice(steps=[step("Bake", "e1")]), "/slices/0/steps/0/step_name", "Choose a step"),
    (with_slice(steps=[step("Evgen", "x123")]), "/slices/0/steps/0/ami_tag", "AMI tag"),
    (with_slice(steps=[step("Evgen", "e12_3")]), "/slices/0/steps/0/ami_tag", "AMI tag"),
    (with_slice(steps=[step("Simul", "e8514")]), "/slices/0/steps/0/ami_tag", "takes a s tag"),
    (
        with_slice(steps=[step("Evgen", "e1"), step("Reco", "r2"), step("Simul", "s3")]),
        "/slices/0/steps/2/ami_tag",
        "Out of order",
    ),
    (
        with_slice(dsid="", input_dataset=AOD, steps=[step("Simul", "s5")]),
        "/slices/0/steps/0/ami_tag",
        "after 'r14622'",
    ),
    (with_slice(steps=[step("Evgen", "e1", "evnt")]), "/slices/0/steps/0/output_formats", "data"),
    (with_slice(steps=[step("Evgen", "e1", "")]), "/slices/0/steps/0/output_formats", "required"),
    (
        with_slice(steps=[step("Evgen", "e1", "EVNT", {"bad key": 1})]),
        "/slices/0/steps/0/task_config",
        "keys",
    ),
    (
        with_slice(steps=[step("Evgen", "e1", "EVNT", "{not json")]),
        "/slices/0/steps/0/task_config",
        "object",
    ),
    (
        with_slice(steps=[step("Evgen", "e1", "EVNT", {"k": [1]})]),
        "/slices/0/steps/0/task_config",
        "values",
    ),
    (with_slice(steps=[MC_CHAIN[0]] * 21), "/slices/0/steps", "at most 20"),
    (
        {"request_type": "GROUP", "slices": [mc_slice()]},
        "/slices/0/input_dataset",
        "Give the input",
    ),
]


@pytest.mark.parametrize(("change", "pointer", "message"), REQUEST_CASES + SLICE_CASES)
def test_each_bad_field_is_named_by_its_pointer(app, change, pointer, message):
    _, problems = validate_request(mc_document(**change))
    assert pointer in problems, problems
    assert message in problems[pointer]


GOOD_CASES = [
    ({}, "energy_gev", 13600),
    ({"energy_gev": ""}, "energy_gev", 13600),
    ({"energy_gev": "13,600"}, "energy_gev", 13600),
    ({"priority": "880"}, "priority", 880),
    ({"working_group": "higg"}, "working_group", "HIGG"),
    ({"cc": "a@cern.ch b@cern.ch;c@cern.ch"}, "cc", "a@cern.ch, b@cern.ch, c@cern.ch"),
    ({"project": "mc23_valid", "energy_gev": None, "campaign": "MC23"}, "energy_gev", None),
    (
        {
            "project": "data18_13TeV",
            "request_type": "REPROCESSING",
            "campaign": "",
            "subcampaign": "",
            "energy_gev": 13000,
        },
        "project",
        "data18_13TeV",
    ),
]


@pytest.mark.parametrize(("change", "field", "expected"), GOOD_CASES)
def test_good_documents_pass_cleaned(app, change, field, expected):
    doc = mc_document(**change)
    if doc["request_type"] == "REPROCESSING":
        doc["slices"] = [
            {
                "input_dataset": "data18_13TeV.00349533.physics_Main.daq.RAW",
                "steps": [step("Reco", "r15540")],
            }
        ]
    clean, problems = validate_request(doc)
    assert not problems
    value = clean[field]
    assert getattr(value, "code", getattr(value, "name", value)) == expected


SLICE_GOOD = [
    ({"events": "10,000"}, "events", 10000),
    ({"priority": "0+"}, "priority", -2),
    (
        {
            "dsid": "",
            "brief": "",
            "input_dataset": AOD,
            "events": None,
            "steps": [step("Deriv", "p5855", "DAOD_PHYS")],
        },
        "brief",
        "PhPy8EG_A14_ttbar_hdamp258p75_SingleLep",
    ),
]


@pytest.mark.parametrize(("change", "field", "expected"), SLICE_GOOD)
def test_good_slices_pass_cleaned(app, change, field, expected):
    clean, problems = validate_request(mc_document(count=0) | with_slice(**change))
    assert not problems
    assert clean["slices"][0][field] == expected


def test_size_limit_on_slices(app):
    doc = mc_document(count=0) | {"slices": [mc_slice()] * (MAX_SLICES + 1)}
    _, problems = validate_request(doc)
    assert "at most 5,000 slices" in problems["/slices"]


def test_every_problem_is_reported_at_once(app):
    doc = mc_document(description="", priority=-1) | with_slice(events=0, dsid="1")
    _, problems = validate_request(doc)
    assert {"/description", "/priority", "/slices/0/events", "/slices/0/dsid"} <= set(problems)
