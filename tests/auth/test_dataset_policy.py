"""Who may register which dataset names, as a truth table: every kind of user against every name."""

from flask_login import AnonymousUserMixin

from deftweb.auth import policy
from deftweb.datasets.nomenclature import parse
from deftweb.datasets.rucio_groups import RUCIO_GROUP_WORKING_GROUPS, working_group_of
from deftweb.models import GlobalRole

PEOPLE = {
    "nobody": {},
    "jdoe": {"username": "jdoe"},
    "disabled-jdoe": {"username": "jdoe-gone", "is_active": False},
    "higg-member": {"groups": {"HIGG": "member"}},
    "higg-convener": {"groups": {"HIGG": "convener"}},
    "egam-member": {"groups": {"EGAM": "member"}},
    "mc-coordinator": {"roles": (GlobalRole.MC_COORDINATOR,)},
    "prod-manager": {"roles": (GlobalRole.PRODUCTION_MANAGER,)},
    "disabled-manager": {"roles": (GlobalRole.PRODUCTION_MANAGER,), "is_active": False},
    "admin": {"roles": (GlobalRole.ADMIN,)},
}

NAMES = {
    "mc": "mc23_13p6TeV.601229.PhPy8EG_A14_ttbar_hdamp258p75.recon.AOD.e8514_s4162_r14622",
    "mc-dataset": "mc16_13TeV.700325.Sh_2211_Zmumu.deriv.DAOD_TOPQ1.e8351_p4514_tid32381618_00",
    "data": "data18_13TeV.00349533.physics_Main.deriv.DAOD_PHYS.f937_m1972_p4150",
    "physcont": "data16_13TeV.periodA.physics_Main.PhysCont.DAOD_HIGG3D1.grp16_v01_p3388",
    "scoped-mc": "mc23_13p6TeV:mc23_13p6TeV.601229.PhPy8EG_A14.evgen.EVNT.e8514",
    "group-higgs": "group.phys-higgs.mc16_13TeV.366019.CAOD_HIGG5D1.e7033_s3126_r10724_p3717.v1",
    "group-egamma": "group.perf-egamma.data18_13TeV.00349533.physics_Main.NTUP.f937_v2",
    "group-unknown": "group.phys-nobody.mc16_13TeV.366019.test.v1",
    "user-jdoe": "user.jdoe.mc12_8TeV.177503.Herwigpp_sM.SusyNt.e2149_p1512_n0145.130806161345",
    "user-disabled": "user.jdoe-gone.test.v1",
    "user-other": "user.someone.test.v1",
}

#: name -> the people who may register it; everyone else (anonymous and None too) is refused.
MANAGERS = {"prod-manager"}
TRUTH = {
    "mc": MANAGERS,
    "mc-dataset": MANAGERS,
    "data": MANAGERS,
    "physcont": MANAGERS,
    "scoped-mc": MANAGERS,
    "group-higgs": {"higg-member", "higg-convener"},
    "group-egamma": {"egam-member"},
    "group-unknown": set(),
    "user-jdoe": {"jdoe"},
    "user-disabled": set(),
    "user-other": set(),
}


def _people(make):
    people = {"anonymous": AnonymousUserMixin(), "none": None}
    people |= {label: make.user(**spec) for label, spec in PEOPLE.items()}
    return people


def test_registration_truth_table(make):
    people = _people(make)
    names = {label: parse(text) for label, text in NAMES.items()}
    assert set(names) == set(TRUTH)
    dataset = make.dataset(NAMES["mc"])
    table = {
        (name, person): policy.can_register_dataset(user, names[name])
        for name in names
        for person, user in people.items()
    }
    for (name, person), allowed in table.items():
        deletes = policy.can_delete_dataset(people[person], dataset, names[name])
        assert deletes == allowed, (name, person)
        assert not policy.can_delete_dataset(people[person], None, names[name])
    expected = {key: key[1] in TRUTH[key[0]] for key in table}
    wrong = sorted(key for key in table if table[key] != expected[key])
    assert not wrong, f"policy differs from the truth table at {wrong}"


def test_filling_a_container_follows_its_name_and_needs_a_container(make):
    people = _people(make)
    container = make.dataset(NAMES["mc"])
    dataset = make.dataset(NAMES["mc-dataset"])
    for person, user in people.items():
        allowed = policy.can_fill_container(user, container, parse(container.name))
        assert allowed == (person in MANAGERS), person
        assert not policy.can_fill_container(user, dataset, parse(dataset.name)), person
        assert not policy.can_fill_container(user, None, None), person


def test_no_name_is_refused(make):
    manager = make.user(roles=(GlobalRole.PRODUCTION_MANAGER,))
    assert not policy.can_register_dataset(manager, None)


def test_every_rucio_group_maps_to_a_known_working_group(make):
    from deftweb.reference_data import WORKING_GROUPS

    assert set(RUCIO_GROUP_WORKING_GROUPS.values()) <= set(WORKING_GROUPS)
    assert working_group_of("phys-higgs") == "HIGG"
    assert working_group_of("phys-nothing") is None
