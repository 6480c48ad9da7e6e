"""Reference data every installation starts with: the ATLAS working groups and real projects."""

import sqlalchemy as sa

from deftweb.models import Campaign, Project, Provenance, Subcampaign, WorkingGroup, db

#: The 32 current ATLAS physics/working-group codes (prodtask's list) and their names.
WORKING_GROUPS = {
    "BPHY": "B physics and light states",
    "COSM": "Cosmic rays",
    "DAPR": "Data preparation",
    "EGAM": "Electron and photon performance",
    "EXOT": "Exotics",
    "FTAG": "Flavour tagging",
    "HDBS": "Higgs and diboson searches",
    "HIGG": "Higgs",
    "HIGP": "Higgs properties",
    "HION": "Heavy ions",
    "HMBS": "Higgs and multi-boson searches",
    "IDET": "Inner detector",
    "IDTR": "Inner detector tracking",
    "JETM": "Jet and missing-ET performance",
    "LARG": "Liquid argon calorimeter",
    "MCGN": "Monte Carlo generators",
    "MDET": "Muon detector",
    "MUON": "Muon performance",
    "PHYS": "Physics coordination",
    "REPR": "Reprocessing",
    "SIMU": "Simulation",
    "SOFT": "Software",
    "STDM": "Standard Model",
    "SUSY": "Supersymmetry",
    "TAUP": "Tau performance",
    "TCAL": "Tile calorimeter",
    "TDAQ": "Trigger and data acquisition",
    "TOPQ": "Top quark",
    "THLT": "Trigger (HLT)",
    "TRIG": "Trigger",
    "VALI": "Validation",
    "UPGR": "Upgrade",
}

#: Groups whose work is central ATLAS production (AP) rather than group production (GP).
CENTRAL_PRODUCTION_GROUPS = {"DAPR", "MCGN", "PHYS", "REPR", "SIMU", "SOFT", "VALI", "UPGR"}

#: name -> centre-of-mass energy in GeV (None: no single energy)
PROJECTS = {
    "mc16_13TeV": 13000,
    "mc20_13TeV": 13000,
    "mc21_13p6TeV": 13600,
    "mc23_13p6TeV": 13600,
    "mc16_valid": None,
    "mc23_valid": None,
    "data17_13TeV": 13000,
    "data18_13TeV": 13000,
    "data22_13p6TeV": 13600,
    "data23_13p6TeV": 13600,
}

#: campaign -> (projects, subcampaigns)
CAMPAIGNS = {
    "MC16": (["mc16_13TeV", "mc16_valid"], ["MC16a", "MC16d", "MC16e"]),
    "MC20": (["mc20_13TeV"], ["MC20a", "MC20d", "MC20e"]),
    "MC23": (["mc23_13p6TeV", "mc23_valid"], ["MC23a", "MC23c", "MC23d", "MC23e"]),
    "REPRO2024": (["data17_13TeV", "data18_13TeV", "data22_13p6TeV"], ["r24a"]),
}


def ensure_reference_data() -> None:
    """Insert the working groups, projects and campaigns that are missing (idempotent)."""
    _ensure_working_groups()
    projects = _ensure_projects()
    _ensure_campaigns(projects)
    db.session.flush()


def _ensure_working_groups() -> None:
    have = set(db.session.scalars(sa.select(WorkingGroup.code)))
    for code, name in WORKING_GROUPS.items():
        if code not in have:
            provenance = Provenance.AP if code in CENTRAL_PRODUCTION_GROUPS else Provenance.GP
            db.session.add(WorkingGroup(code=code, name=name, default_provenance=provenance))


def _ensure_projects() -> dict[str, Project]:
    have = {p.name: p for p in db.session.scalars(sa.select(Project))}
    for name, energy in PROJECTS.items():
        if name not in have:
            have[name] = Project(name=name, energy_gev=energy, description=f"{name} production")
            db.session.add(have[name])
    return have


def _ensure_campaigns(projects: dict[str, Project]) -> None:
    have = {c.name for c in db.session.scalars(sa.select(Campaign))}
    for name, (project_names, subcampaigns) in CAMPAIGNS.items():
        if name in have:
            continue
        campaign = Campaign(name=name, projects=[projects[p] for p in project_names])
        campaign.subcampaigns = [Subcampaign(name=s) for s in subcampaigns]
        db.session.add(campaign)
