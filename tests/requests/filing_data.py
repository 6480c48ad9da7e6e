"""Request documents for the filing tests: a valid HIGG MC request, changed field by field."""

import copy
import html
import re

MC_CHAIN = [
    {"step_name": "Evgen", "ami_tag": "e8514", "output_formats": "EVNT", "task_config": {}},
    {"step_name": "Simul", "ami_tag": "s4162", "output_formats": "HITS", "task_config": {}},
    {"step_name": "Reco", "ami_tag": "r14622", "output_formats": "AOD", "task_config": {}},
]
AOD = "mc23_13p6TeV.601229.PhPy8EG_A14_ttbar_hdamp258p75_SingleLep.recon.AOD.e8514_s4162_r14622"


def mc_slice(dsid: str = "601229", **fields) -> dict:
    piece = {"dsid": dsid, "brief": "PhPy8EG_A14_ttbar", "events": 10000, "steps": MC_CHAIN}
    return copy.deepcopy(piece | fields)


def mc_document(count: int = 1, **fields) -> dict:
    doc = {
        "request_type": "MC",
        "working_group": "HIGG",
        "provenance": "AP",
        "project": "mc23_13p6TeV",
        "campaign": "MC23",
        "subcampaign": "MC23a",
        "energy_gev": 13600,
        "description": "ttbar for the Higgs background",
        "priority": 570,
        "cc": "someone@cern.ch",
        "slices": [mc_slice(str(601229 + n)) for n in range(count)],
    }
    return doc | fields


def form_fields(page: str) -> dict:
    """The request form's fields in a page as a browser posts them (inputs, chosen options)."""
    fields = dict(re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', page))
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option (?:value="([^"]*)" )?selected>([^<]*)<', options)
        if chosen:
            fields[name] = chosen.group(1) if chosen.group(1) is not None else chosen.group(2)
    return {name: html.unescape(value) for name, value in fields.items()}
