"""Rucio group accounts (the owner in `group.<account>.` dataset names) and the ATLAS working
groups whose members may write under them.

Rucio names groups by activity (`phys-higgs`, `perf-egamma`, `det-muon`); deftweb's memberships
are by working-group code (HIGG, EGAM, MDET). The mapping is data: a group account missing here
belongs to nobody, so only its name needs adding when ATLAS creates a new one.
"""

#: Rucio group account -> working-group code (deftweb.reference_data.WORKING_GROUPS).
RUCIO_GROUP_WORKING_GROUPS = {
    "phys-beauty": "BPHY",
    "phys-exotics": "EXOT",
    "phys-gener": "MCGN",
    "phys-hdbs": "HDBS",
    "phys-hi": "HION",
    "phys-higgs": "HIGG",
    "phys-sm": "STDM",
    "phys-susy": "SUSY",
    "phys-top": "TOPQ",
    "phys-valid": "VALI",
    "perf-egamma": "EGAM",
    "perf-flavtag": "FTAG",
    "perf-idtracking": "IDTR",
    "perf-jets": "JETM",
    "perf-muons": "MUON",
    "perf-tau": "TAUP",
    "det-indet": "IDET",
    "det-larg": "LARG",
    "det-muon": "MDET",
    "det-tile": "TCAL",
    "trig-daq": "TDAQ",
    "trig-hlt": "THLT",
}


def working_group_of(rucio_group: str) -> str | None:
    """The working-group code behind a Rucio group account, or None for an unknown account."""
    return RUCIO_GROUP_WORKING_GROUPS.get(rucio_group)
