"""Dataset nomenclature: real names, refused names, round trips and fuzzing."""

import json
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deftweb.datasets.nomenclature import (
    NomenclatureError,
    check_ami_tag,
    check_data_type,
    check_dsid,
    check_period,
    check_physics_short,
    check_prod_step,
    check_project,
    check_project_energy,
    check_run_number,
    check_scope,
    compose,
    energy_gev,
    is_ami_tag,
    output_dataset_name,
    parse,
    parse_ami_tags,
    task_name,
)

FUZZ = settings(max_examples=400, deadline=None, database=None, derandomize=True)
ROUND_TRIP = settings(max_examples=300, deadline=None, database=None, derandomize=True)


def official(kind, project, number, short, step, data_type, tags, tid=None, sub="", **more):
    """The fields a parsed official name should carry."""
    is_container = tid is None and not sub
    fields = dict(kind=kind, scope=project, project=project, number=number, physics_short=short)
    fields |= dict(prod_step=step, data_type=data_type, tags=tuple(tags), tid=tid, sub=sub)
    return fields | dict(is_container=is_container, container_version="", owner="", extra=()) | more


# Section 3.5 of the reference, every name, with the fields it must split into.
REAL_NAMES = [
    (
        "mc12_8TeV.105200.McAtNloJimmy_CT10_ttbar_LeptonFilter.merge.NTUP_TOP."
        "e1193_s1469_s1470_r3542_r3549_p1104_tid00886942_00",
        official(
            "mc", "mc12_8TeV", "105200", "McAtNloJimmy_CT10_ttbar_LeptonFilter", "merge",
            "NTUP_TOP", ["e1193", "s1469", "s1470", "r3542", "r3549", "p1104"], tid=886942,
        ),
    ),
    (
        "mc12_8TeV.160008.PowhegPythia8_AU2CT10_ggH120_gamgam.merge.AOD."
        "e1189_s1469_s1470_r3542_r3549_tid781414_00",
        official(
            "mc", "mc12_8TeV", "160008", "PowhegPythia8_AU2CT10_ggH120_gamgam", "merge", "AOD",
            ["e1189", "s1469", "s1470", "r3542", "r3549"], tid=781414,
        ),
    ),
    (
        "mc12_8TeV.105200.McAtNloJimmy_CT10_ttbar_LeptonFilter.merge.NTUP_SUSY."
        "e1513_a159_a171_r3549_p1512",
        official(
            "mc", "mc12_8TeV", "105200", "McAtNloJimmy_CT10_ttbar_LeptonFilter", "merge",
            "NTUP_SUSY", ["e1513", "a159", "a171", "r3549", "p1512"],
        ),
    ),
    (
        "data12_8TeV.00212993.physics_Muons.merge.NTUP_TAU.r4065_p1278_p1443_tid01224649_00",
        official(
            "data", "data12_8TeV", "00212993", "physics_Muons", "merge", "NTUP_TAU",
            ["r4065", "p1278", "p1443"], tid=1224649,
        ),
    ),
    (
        "data12_8TeV.00215456.physics_JetTauEtmiss.merge.AOD.f495_m1266",
        official(
            "data", "data12_8TeV", "00215456", "physics_JetTauEtmiss", "merge", "AOD",
            ["f495", "m1266"],
        ),
    ),
    (
        "data09_900GeV.00140541.physics_MinBias.merge.TAG.f175_m273",
        official(
            "data", "data09_900GeV", "00140541", "physics_MinBias", "merge", "TAG",
            ["f175", "m273"],
        ),
    ),
    (
        "mc16_13TeV.411044.PowhegPythia8EvtGen_ttbar_169p00_SingleLep.recon.AOD."
        "e6696_e5984_a875_r10201_tid14138065_00",
        official(
            "mc", "mc16_13TeV", "411044", "PowhegPythia8EvtGen_ttbar_169p00_SingleLep", "recon",
            "AOD", ["e6696", "e5984", "a875", "r10201"], tid=14138065,
        ),
    ),
    (
        "mc16_13TeV.361106.PowhegPythia8EvtGen_AZNLOCTEQ6L1_Zee.deriv.DAOD_PHYS."
        "e3601_e5984_s3126_s3136_r10724_r10726_p4164",
        official(
            "mc", "mc16_13TeV", "361106", "PowhegPythia8EvtGen_AZNLOCTEQ6L1_Zee", "deriv",
            "DAOD_PHYS", ["e3601", "e5984", "s3126", "s3136", "r10724", "r10726", "p4164"],
        ),
    ),
    (
        "mc16_13TeV.700325.Sh_2211_Zmumu_maxHTpTV2_CVetoBVeto.deriv.DAOD_TOPQ1."
        "e8351_s3126_r10724_r10726_p4514_tid32381618_00",
        official(
            "mc", "mc16_13TeV", "700325", "Sh_2211_Zmumu_maxHTpTV2_CVetoBVeto", "deriv",
            "DAOD_TOPQ1", ["e8351", "s3126", "r10724", "r10726", "p4514"], tid=32381618,
        ),
    ),
    (
        "mc20_13TeV.410470.PhPy8EG_A14_ttbar_hdamp258p75_nonallhad.recon.AOD.e6337_s3681_r13167",
        official(
            "mc", "mc20_13TeV", "410470", "PhPy8EG_A14_ttbar_hdamp258p75_nonallhad", "recon",
            "AOD", ["e6337", "s3681", "r13167"],
        ),
    ),
    (
        "mc23_13p6TeV.601229.PhPy8EG_A14_ttbar_hdamp258p75_SingleLep.evgen.EVNT.e8514",
        official(
            "mc", "mc23_13p6TeV", "601229", "PhPy8EG_A14_ttbar_hdamp258p75_SingleLep", "evgen",
            "EVNT", ["e8514"],
        ),
    ),
    (
        "mc23_13p6TeV.601229.PhPy8EG_A14_ttbar_hdamp258p75_SingleLep.recon.AOD."
        "e8514_s4162_r14622",
        official(
            "mc", "mc23_13p6TeV", "601229", "PhPy8EG_A14_ttbar_hdamp258p75_SingleLep", "recon",
            "AOD", ["e8514", "s4162", "r14622"],
        ),
    ),
    (
        "data18_13TeV.00349533.physics_Main.deriv.DAOD_PHYS.f937_m1972_p4150_tid21267843_00",
        official(
            "data", "data18_13TeV", "00349533", "physics_Main", "deriv", "DAOD_PHYS",
            ["f937", "m1972", "p4150"], tid=21267843,
        ),
    ),
    (
        "data18_13TeV.00360402.calibration_PixelBeam.merge.HIST_IDTRKLUMI."
        "c1278_m2023_c1303_m2042",
        official(
            "data", "data18_13TeV", "00360402", "calibration_PixelBeam", "merge",
            "HIST_IDTRKLUMI", ["c1278", "m2023", "c1303", "m2042"],
        ),
    ),
    (
        "data16_13TeV.periodA.physics_Main.PhysCont.DAOD_HIGG3D1.grp16_v01_p3388",
        official(
            "physcont", "data16_13TeV", "periodA", "physics_Main", "PhysCont", "DAOD_HIGG3D1",
            ["p3388"], container_version="grp16_v01",
        ),
    ),
    (
        "group.phys-higgs.mc16_13TeV.366019.CAOD_HIGG5D1.e7033_s3126_r10724_p3717."
        "32-07-P-A_CxAOD.root",
        official(
            "group", "mc16_13TeV", "366019", "", "", "CAOD_HIGG5D1",
            ["e7033", "s3126", "r10724", "p3717"],
            scope="group.phys-higgs", owner="phys-higgs", extra=("32-07-P-A_CxAOD", "root"),
        ),
    ),
    (
        "user.gerbaudo.mc12_8TeV.177503.Herwigpp_sM_wA_noslep_notauhad_WH_2Lep_3.SusyNt."
        "e2149_s1581_s1586_r3658_r3549_p1512_n0145.130806161345",
        official(
            "user", "mc12_8TeV", "177503", "Herwigpp_sM_wA_noslep_notauhad_WH_2Lep_3", "",
            "SusyNt", ["e2149", "s1581", "s1586", "r3658", "r3549", "p1512", "n0145"],
            scope="user.gerbaudo", owner="gerbaudo", extra=("130806161345",),
        ),
    ),
    (
        "mc12_14TeV.159000.ParticleGenerator_nu_E50.recon.AOD."
        "e1564_s1762_s1777_r6030_tid04659335_00_sub0202463592",
        official(
            "mc", "mc12_14TeV", "159000", "ParticleGenerator_nu_E50", "recon", "AOD",
            ["e1564", "s1762", "s1777", "r6030"], tid=4659335, sub="0202463592",
        ),
    ),
    # The same kinds of name with a scope prefix, the old container '/' or raw data's 5 fields.
    (
        "mc23_13p6TeV:mc23_13p6TeV.601229.PhPy8EG_A14_ttbar_hdamp258p75_SingleLep.evgen.EVNT."
        "e8514/",
        official(
            "mc", "mc23_13p6TeV", "601229", "PhPy8EG_A14_ttbar_hdamp258p75_SingleLep", "evgen",
            "EVNT", ["e8514"],
        ),
    ),
    (
        "user.jdoe:user.jdoe.my-analysis.v2/",
        official(
            "user", "", "", "", "", "", [],
            scope="user.jdoe", owner="jdoe", extra=("my-analysis", "v2"),
        ),
    ),
    (
        "data18_13TeV.00348885.physics_Main.daq.RAW",
        official("data", "data18_13TeV", "00348885", "physics_Main", "daq", "RAW", []),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "expected"), REAL_NAMES, ids=[n[:40] for n, _ in REAL_NAMES])
def test_real_names_split_into_their_fields(name, expected):
    dataset = parse(name)
    fields = {key: getattr(dataset, key) for key in expected}
    assert fields == expected
    assert str(dataset) == name


M = "mc23_13p6TeV.601229.PhPy8EG_A14_ttbar.recon.AOD"  # an MC name up to its version
D = "data18_13TeV.00349533.physics_Main.deriv.DAOD_PHYS"
P = "data16_13TeV.periodA.physics_Main.PhysCont.DAOD_HIGG3D1"


def sized(length):
    """A valid-looking MC name of exactly `length` characters."""
    return M.replace("PhPy8EG", "P" * (length - len(M) - len(".e8514") + len("PhPy8EG"))) + ".e8514"


def test_longest_name_rucio_allows_is_accepted():
    assert len(sized(251)) == 251
    assert parse(sized(251)).tags == ("e8514",)


# Each refused name, the field the error blames and words its message must hold.
REFUSED = [
    ("", "name", "name is empty"),
    (f"{M}." + "_".join(["e8514"] * 50), "name", "over DEFT's limit for a dataset name"),
    (sized(256), "name", "is 256 characters long, over DEFT's limit for a dataset name"),
    (sized(252), "name", "is 252 characters long, over Rucio's limit for a name (251)"),
    (f"{M}.e8514.more", "name", "has 7 dot-separated fields"),
    ("mc23_13p6TeV.601229.PhPy8EG.recon", "name", "has 4 dot-separated fields"),
    ("mc23_13p6TeV", "name", "has 1 dot-separated fields"),
    ("mc23_12TeV.601229.PhPy8EG.recon.AOD.e8514", "project", "ends in '12TeV'"),
    ("mc23_hi.601229.PhPy8EG.recon.AOD.e8514", "project", "ends in 'hi'"),
    ("data18_valid.00349533.physics_Main.merge.AOD.f1", "project", "field 1 (project)"),
    ("mc2_13TeV.601229.PhPy8EG.recon.AOD.e8514", "project", "must be mcNN_<energy>"),
    ("MC23_13p6TeV.601229.PhPy8EG.recon.AOD.e8514", "project", "must be mcNN_<energy>"),
    ("sim23_13TeV.601229.PhPy8EG.recon.AOD.e8514", "project", "'sim23_13TeV'"),
    ("mc23-13p6TeV.601229.PhPy8EG.recon.AOD.e8514", "project", "outside letters, digits and _"),
    ("mc23_13p6TeV.60122.PhPy8EG.recon.AOD.e8514", "number", "field 2 (dataset number) '60122'"),
    ("mc23_13p6TeV.123456789.PhPy8EG.recon.AOD.e8514", "number", "must be 6 to 8 digits"),
    ("mc23_13p6TeV.60122a.PhPy8EG.recon.AOD.e8514", "number", "must be 6 to 8 digits"),
    ("mc23_13p6TeV.\uff1601229.PhPy8EG.recon.AOD.e8514", "number", "outside letters, digits"),
    ("data18_13TeV.349533.physics_Main.merge.AOD.f1", "number", "field 2 (run number)"),
    ("data18_13TeV.periodA.physics_Main.merge.AOD.f1", "number", "8-digit zero-padded"),
    ("data16_13TeV.00349533.physics_Main.PhysCont.AOD.grp16_v01", "number", "field 2 (period)"),
    ("data16_13TeV.period.physics_Main.PhysCont.AOD.grp16_v01", "number", "'period' and a name"),
    ("mc23_13p6TeV.601229.PhPy8EG-A14.recon.AOD.e8514", "physics_short", "field 3 (physics short)"),
    ("mc23_13p6TeV.601229..recon.AOD.e8514", "physics_short", "field 3 (physics short) is empty"),
    ("data18_13TeV.00349533.physics Main.merge.AOD.f1", "physics_short", "field 3 (stream)"),
    ("mc23_13p6TeV.601229.PhPy8EG.reconstruction.AOD.e8514", "prod_step", "not a production step"),
    ("mc23_13p6TeV.601229.PhPy8EG.Recon.AOD.e8514", "prod_step", "field 4 (prod step) 'Recon'"),
    ("mc23_13p6TeV.601229.PhPy8EG.PhysCont.AOD.e8514", "prod_step", "real data only"),
    (
        "mc23_13p6TeV.601229.PhPy8EG.recon.AOD!.e8514",
        "data_type",
        "field 5 (data type) 'AOD!' has a character outside letters, digits and _",
    ),
    ("mc23_13p6TeV.601229.PhPy8EG.recon.aod.e8514", "data_type", "must be upper case"),
    ("mc23_13p6TeV.601229.PhPy8EG.recon._AOD.e8514", "data_type", "field 5 (data type) '_AOD'"),
    ("mc23_13p6TeV.601229.PhPy8EG.recon.DAOD__PHYS.e8514", "data_type", "must be upper case"),
    ("mc23_13p6TeV.601229.PhPy8EG.recon.e8514", "data_type", "field 5 (data type) 'e8514'"),
    (f"{M}", "version", "field 6 (version) is missing"),
    (f"{M}.e8514_r14622_s4162", "tags", "has tag 's4162' after 'r14622'"),
    (f"{M}.p1_r2", "tags", "has tag 'r2' after 'p1'"),
    (f"{D}.p4150_f937", "tags", "has tag 'f937' after 'p4150'"),
    (f"{M}.e8514_x123", "tags", "'x123', which is not an AMI tag"),
    (f"{M}.e", "tags", "'e', which is not an AMI tag"),
    (f"{M}.E8514", "tags", "'E8514', which is not an AMI tag"),
    (f"{M}.e8514__s4162", "tags", "has '', which is not an AMI tag"),
    (f"{M}.e8514_f495", "tags", "mc names use only e/s/a/d/r/t/p tags"),
    (f"{D}.e8514_r1", "tags", "data names use only f/m/c/r/t/p tags"),
    (f"{M}.e8514_tid123_0", "tags", "'tid123'"),
    (f"{M}.e8514 ", "tags", "field 6 (version) 'e8514 ' has a character outside"),
    (f"{M}.e8514\n", "tags", "field 6 (version)"),
    (f"{M}.e8514//", "tags", "field 6 (version) 'e8514/'"),
    (f"{P}.p3388", "version", "must start with a container version such as grp16_v01"),
    (f"{P}.grp16_v01_s3388", "tags", "physcont names use only f/m/c/r/t/p tags"),
    (f"{P}.grp16_v01_p3388_tid00000001_00", "tid", "physics container carries no _tid"),
    (f"{M}.e8514_tid00000001_00/", "name", "cannot end with the container mark"),
    (f"{M}.e8514_tid00000000_00", "tid", "task ID must be a whole number from 1 to 999999999999"),
    (f"{M}.e8514_tid1000000000000_00", "tid", "task ID must be a whole number from 1"),
    (f"{M}.e8514_tid{10**20}_00", "tid", "task ID must be a whole number from 1"),
    (f"mc16_13TeV:{M}.e8514", "scope", "scope 'mc16_13TeV' must be 'mc23_13p6TeV'"),
    (f"bad scope:{M}.e8514", "scope", "scope 'bad scope' must be 1 to 25 letters"),
    (f":{M}.e8514", "scope", "scope '' must be 1 to 25"),
    (f"{'a' * 26}:{M}.e8514", "scope", "must be 1 to 25"),
    ("user.jdoe", "name", "user names need at least user.<nickname>.<name>"),
    ("group.phys-higgs", "name", "group names need at least group.<group>.<name>"),
    ("user.JDoe.test", "owner", "field 2 (owner) 'JDoe' must be a Rucio account"),
    ("user..test", "owner", "field 2 (owner) ''"),
    ("user.jdoe.te st", "extra", "field 3 (free-form) 'te st' has a character outside"),
    ("user.jdoe.mc16_13TeV.x!y", "extra", "field 4 (free-form)"),
    ("user.abcdefghijklmnopqrstu.x", "scope", "scope 'user.abcdefghijklmnopqrstu'"),
    ("user.other:user.jdoe.x", "scope", "must be 'user.jdoe'"),
    ("user.jdoe.x:y", "name", "name has 1 dot-separated fields"),
]


@pytest.mark.parametrize(("name", "field", "words"), REFUSED, ids=[r[2][:40] for r in REFUSED])
def test_bad_names_are_refused_naming_the_field(name, field, words):
    with pytest.raises(NomenclatureError) as caught:
        parse(name)
    assert words in str(caught.value)
    assert caught.value.field == field
    if words.startswith("field "):
        assert caught.value.position == int(words.split()[1])


def test_error_carries_the_field_position_for_highlighting():
    with pytest.raises(NomenclatureError) as caught:
        parse(f"{M}.e8514_r14622_s4162")
    assert (caught.value.field, caught.value.position) == ("tags", 6)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("value", [None, 42, b"mc23_13p6TeV", ["mc23"], 1.5])
def test_parse_refuses_what_is_not_text(value):
    with pytest.raises(NomenclatureError, match="name must be text"):
        parse(value)


def test_old_user_and_group_names_keep_their_dn_derived_owner():
    dataset = parse("user10.JohnDoe.data10_7TeV.00152166.physics_MinBias.AOD.f1_m2.v3/")
    assert (dataset.kind, dataset.scope, dataset.owner) == ("user", "user10.JohnDoe", "JohnDoe")
    assert (dataset.project, dataset.number, dataset.tags) == (
        "data10_7TeV",
        "00152166",
        ("f1", "m2"),
    )
    assert (dataset.physics_short, dataset.data_type) == ("physics_MinBias", "AOD")
    assert (dataset.extra, dataset.is_container) == (("v3",), True)
    assert parse("group10.phys-higgs.test").scope == "group10.phys-higgs"


def test_fields_lists_labels_in_name_order():
    dataset = parse("data16_13TeV.periodA.physics_Main.PhysCont.DAOD_HIGG3D1.grp16_v01_p3388")
    assert dataset.fields() == [
        ("Kind", "physcont"),
        ("Scope", "data16_13TeV"),
        ("Project", "data16_13TeV"),
        ("Period", "periodA"),
        ("Stream", "physics_Main"),
        ("Production step", "PhysCont"),
        ("Data type", "DAOD_HIGG3D1"),
        ("Container version", "grp16_v01"),
        ("AMI tags", "p3388"),
        ("Container", "yes"),
    ]


def test_fields_of_a_task_dataset_show_the_task_id():
    dataset = parse(f"{D}.f937_m1972_p4150_tid21267843_00")
    assert dataset.fields()[3:5] == [("Run number", "00349533"), ("Stream", "physics_Main")]
    assert dataset.fields()[-2:] == [("Task ID", "21267843"), ("Container", "no")]


def test_as_dict_is_json_ready():
    name = "mc12_14TeV:mc12_14TeV.159000.P.recon.AOD.e1564_r6030_tid04659335_00_sub0202463592"
    data = json.loads(json.dumps(parse(name).as_dict()))
    assert data["name"] == name
    assert data["tags"] == ["e1564", "r6030"]
    assert data["tid"] == 4659335
    assert data["sub"] == "0202463592"
    assert data["container_name"] == "mc12_14TeV.159000.P.recon.AOD.e1564_r6030"
    assert data["version"] == "e1564_r6030"
    assert data["energy_gev"] == 14000
    assert data["is_container"] is False


def test_container_name_drops_scope_suffixes_and_slash():
    assert parse(f"mc23_13p6TeV:{M}.e8514/").container_name == f"{M}.e8514"
    assert parse(f"{M}.e8514_tid781414_00").container_name == f"{M}.e8514"


def test_physics_container_version_joins_its_parts():
    assert parse(f"{P}.grp16_v01_p3388").version == "grp16_v01_p3388"
    assert parse(f"{P}.repro20_v03").tags == ()


# Energy rule: GeV <-> the energy part of a project name.
ENERGIES = [
    (13600, "13p6TeV"),
    (13000, "13TeV"),
    (8000, "8TeV"),
    (2760, "2p76TeV"),
    (5020, "5TeV"),
    (8160, "pPb8TeV"),
    (900, "900GeV"),
    (14000, "14TeV"),
    (7000, "7TeV"),
]


@pytest.mark.parametrize(("gev", "label"), ENERGIES)
def test_a_project_names_its_energy(gev, label):
    assert energy_gev(f"mc23_{label}") == gev
    assert energy_gev(f"data15_{label}") == gev


@pytest.mark.parametrize(
    "project",
    ["mc16_valid", "data13_hip", "data11_hi", "data13_cos", "data12_comm", "data09_1beam"]
    + ["data10_calib"],
)
def test_projects_without_energy(project):
    assert energy_gev(project) is None


def test_project_energy_must_agree_with_the_request():
    assert check_project_energy("mc23_13p6TeV", 13600) == "mc23_13p6TeV"
    assert check_project_energy("mc16_valid", 13000) == "mc16_valid"
    with pytest.raises(NomenclatureError, match="is for 13600 GeV"):
        check_project_energy("mc23_13p6TeV", 13000)
    with pytest.raises(NomenclatureError, match="project 'mc23_13p6' ends in '13p6'"):
        energy_gev("mc23_13p6")


def test_compose_builds_the_real_names():
    name = compose(
        "mc23_13p6TeV", "601229", "PhPy8EG_A14_ttbar_hdamp258p75_SingleLep", "recon", "AOD",
        ["e8514", "s4162", "r14622"],
    )  # fmt: skip
    assert name == REAL_NAMES[11][0]
    assert compose("data18_13TeV", 349533, "physics_Main", "deriv", "DAOD_PHYS",
                   ("f937", "m1972", "p4150"), tid=21267843) == REAL_NAMES[12][0]  # fmt: skip
    assert (
        compose(
            "data16_13TeV", "periodA", "physics_Main", "PhysCont", "DAOD_HIGG3D1", "grp16_v01_p3388"
        )
        == REAL_NAMES[14][0]
    )


def test_compose_adds_scope_and_padded_task_id():
    name = compose(
        "mc16_13TeV", 361106, "Zee", "evgen", "EVNT", ["e3601"], tid=42, scope="mc16_13TeV"
    )
    assert name == "mc16_13TeV:mc16_13TeV.361106.Zee.evgen.EVNT.e3601_tid00000042_00"
    assert parse(name).tid == 42


def test_compose_leaves_out_the_version_of_raw_data_only():
    raw = compose("data18_13TeV", 348885, "physics_Main", "daq", "RAW", [])
    assert raw == "data18_13TeV.00348885.physics_Main.daq.RAW"
    with pytest.raises(NomenclatureError, match="field 6 .version. is missing"):
        compose("mc23_13p6TeV", 601229, "X", "evgen", "EVNT", [])


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"tid": 0}, "tid", "task ID must be a whole number"),
        ({"tid": "5"}, "tid", "task ID"),
        ({"tid": True}, "tid", "task ID"),
        ({"tid": 10**5000}, "tid", "task ID"),
        ({"tags": [1]}, "tags", "AMI tags must be text"),
        ({"tags": None}, "tags", "AMI tags must be text"),
        ({"tags": ["r1", "e2"]}, "tags", "has tag 'e2' after 'r1'"),
        ({"number": None}, "number", "dataset number must be text"),
        ({"number": 10**5000}, "number", "dataset number must be text"),
        ({"number": 12}, "number", "'12' must be 6 to 8 digits"),
        ({"physics_short": "a.b"}, "physics_short", "field 3 (physics short) 'a.b'"),
        ({"physics_short": "P" * 250}, "name", "over DEFT's limit"),
        ({"scope": "mc16_13TeV"}, "scope", "must be 'mc23_13p6TeV'"),
        ({"scope": 5}, "scope", "scope must be text"),
        ({"project": None}, "project", "project must be text"),
    ],
)
def test_compose_refuses_bad_fields(change, field, words):
    args = dict(project="mc23_13p6TeV", number="601229", physics_short="X", prod_step="evgen")
    args |= dict(data_type="EVNT", tags=["e8514"]) | change
    with pytest.raises(NomenclatureError) as caught:
        compose(**args)
    assert words in str(caught.value)
    assert caught.value.field == field


def test_task_name_and_its_output_dataset():
    name = task_name("mc16_13TeV", 361106, "Zee", "deriv", ["e3601", "s3126", "r10724", "p4164"])
    assert name == "mc16_13TeV.361106.Zee.deriv.e3601_s3126_r10724_p4164"
    output = output_dataset_name(name, "DAOD_PHYS", 32381618)
    assert output == "mc16_13TeV.361106.Zee.deriv.DAOD_PHYS.e3601_s3126_r10724_p4164_tid32381618_00"
    assert (parse(output).tid, parse(output).is_container) == (32381618, False)


@pytest.mark.parametrize(
    ("task", "data_type", "task_id", "field", "words"),
    [
        ("mc16_13TeV.361106.Zee.deriv", "AOD", 1, "task_name", "has 4 dot-separated fields"),
        ("mc16_13TeV.361106.Zee.deriv.AOD.e1", "AOD", 1, "task_name", "has 6 dot-separated"),
        (None, "AOD", 1, "task_name", "task name must be text"),
        ("mc16_13TeV.361106.Zee.deriv.e1_x2", "AOD", 1, "tags", "field 5 (version)"),
        ("mc16_13TeV.361106.Zee.deriv.", "AOD", 1, "tags", "field 5 (version) is empty"),
        ("mc16_13TeV.36110.Zee.deriv.e1", "AOD", 1, "number", "field 2 (dataset number)"),
        ("mc16_13TeV.361106.Zee.deriv.e1", "aod", 1, "data_type", "(data type) 'aod' must"),
        ("mc16_13TeV.361106.Zee.deriv.e1", None, 1, "data_type", "data type must be text"),
        ("mc16_13TeV.361106.Zee.deriv.e1", "AOD", -3, "tid", "task ID"),
        ("mc16_13TeV.361106.Zee.deriv.e1", "AOD", None, "tid", "task ID"),
        ("mc16_13TeV.361106." + "Z" * 220 + ".deriv.e1", "AOD", 1, "name", "over DEFT's limit"),
    ],
)
def test_output_dataset_name_refuses_bad_input(task, data_type, task_id, field, words):
    with pytest.raises(NomenclatureError) as caught:
        output_dataset_name(task, data_type, task_id)
    assert words in str(caught.value)
    assert caught.value.field == field


def test_task_name_refuses_bad_fields():
    with pytest.raises(NomenclatureError, match=r"field 4 \(prod step\) 'Deriv'"):
        task_name("mc16_13TeV", "361106", "Zee", "Deriv", "e1")
    with pytest.raises(NomenclatureError, match=r"field 5 \(version\) 'p1_e2'"):
        task_name("mc16_13TeV", "361106", "Zee", "deriv", ["p1", "e2"])


# Field validators, as forms call them: no position, the message still names the field.
@pytest.mark.parametrize(
    ("check", "text", "message"),
    [
        (check_data_type, "AOD!", "data type 'AOD!' has a character outside letters, digits and _"),
        (check_data_type, "", "data type is empty"),
        (check_dsid, "12345", "dataset number '12345' must be 6 to 8 digits"),
        (check_run_number, "212993", "run number '212993' must be the 8-digit zero-padded"),
        (check_period, "A", "period 'A' must be 'period' and a name"),
        (check_project, "mc23", "project 'mc23' must be mcNN_<energy>"),
        (check_prod_step, "PhysCont", "prod step 'PhysCont' is not a production step"),
        (check_physics_short, "a b", "physics short 'a b' has a character outside"),
        (check_ami_tag, "x12", "AMI tag 'x12' is not an AMI tag"),
        (check_ami_tag, "e12_s3", "AMI tag 'e12_s3' is not an AMI tag"),
        (check_scope, "a" * 26, f"scope '{'a' * 26}' must be 1 to 25 letters"),
        (check_project, None, "project must be text, not NoneType"),
    ],
)
def test_field_checks_explain_the_problem(check, text, message):
    with pytest.raises(NomenclatureError) as caught:
        check(text)
    assert str(caught.value).startswith(message)
    assert caught.value.position is None


@pytest.mark.parametrize(
    ("check", "text"),
    [
        (check_data_type, "DAOD_PHYSLITE"),
        (check_data_type, "log"),
        (check_dsid, "00601229"),
        (check_run_number, "00212993"),
        (check_period, "periodAllYear"),
        (check_project, "data13_hip"),
        (check_prod_step, "daq"),
        (check_ami_tag, "r14622"),
        (check_scope, "user.jdoe"),
    ],
)
def test_field_checks_pass_good_values_back(check, text):
    assert check(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("e8514", True), ("p4150", True), ("c1278", True), ("n0145", False), ("e", False)]
    + [("8514", False), ("E8514", False), ("e85a", False), ("e8514\n", False), (None, False)],
)
def test_is_ami_tag(text, expected):
    assert is_ami_tag(text) is expected


def test_parse_ami_tags_allows_merges_and_tier0_alternation():
    tags = "e3601_e5984_s3126_s3136_r10724_r10726_p4164"
    assert parse_ami_tags(tags) == tuple(tags.split("_"))
    assert parse_ami_tags("c1278_m2023_c1303_m2042", kind="data") == (
        "c1278",
        "m2023",
        "c1303",
        "m2042",
    )
    assert parse_ami_tags("e1_a2_s3_d4_r5_t6_p7", kind="mc") == (
        "e1",
        "a2",
        "s3",
        "d4",
        "r5",
        "t6",
        "p7",
    )


# Generated valid names: the parse must give back the very parts they were built from.
ENERGY_ENDINGS = [label for _, label in ENERGIES]
MC_LETTERS, DATA_LETTERS = "esadrtp", "fmcrtp"
RANK = {"e": 0, "s": 1, "a": 1, "d": 2, "r": 3, "f": 3, "m": 3, "c": 3, "t": 4, "p": 5}

words = st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=30)
years = st.integers(0, 99).map("{:02d}".format)
# A raw-data name ends in its data type, so one ending like _sub12 would read as a suffix.
data_types = st.from_regex(r"[A-Z][A-Z0-9]{0,5}(_[A-Za-z0-9]{1,8}){0,2}", fullmatch=True).filter(
    lambda data_type: "_sub" not in data_type and "_tid" not in data_type
)
prod_steps = st.sampled_from(["evgen", "simul", "merge", "digit", "recon", "deriv", "daq", "reco"])


def ami_tags(letters, min_size=1):
    tag = st.tuples(st.sampled_from(letters), st.integers(0, 99999))
    in_order = st.lists(tag, min_size=min_size, max_size=7).map(
        lambda tags: sorted(tags, key=lambda tag: RANK[tag[0]])
    )
    return in_order.map(lambda tags: tuple(f"{letter}{n}" for letter, n in tags))


@st.composite
def suffixes(draw, allowed=True):
    """A _tid and/or _sub suffix (old unpadded ids too), or none; then the tid and sub parts."""
    tid = draw(st.none() | st.integers(1, 10**10)) if allowed else None
    sub = draw(st.sampled_from(["", draw(st.from_regex(r"[0-9]{1,10}", fullmatch=True))]))
    sub = sub if allowed else ""
    padded = draw(st.booleans())
    copy = draw(st.integers(0, 99))
    text = "" if tid is None else f"_tid{tid:08d}_{copy:02d}" if padded else f"_tid{tid}_{copy:02d}"
    return text + (f"_sub{sub}" if sub else ""), tid, sub


@st.composite
def official_names(draw):
    """(name, expected fields) for a generated MC, real-data or physics-container name."""
    kind = draw(st.sampled_from(["mc", "data", "physcont"]))
    family = "mc" if kind == "mc" else "data"
    no_energy = ["valid"] if kind == "mc" else ["hi", "hip", "cos", "comm", "1beam", "calib"]
    project = f"{family}{draw(years)}_{draw(st.sampled_from(ENERGY_ENDINGS + no_energy))}"
    number = draw(
        {
            "mc": st.from_regex(r"[0-9]{6,8}", fullmatch=True),
            "data": st.from_regex(r"[0-9]{8}", fullmatch=True),
            "physcont": st.from_regex(r"period[A-Za-z0-9]{1,12}", fullmatch=True),
        }[kind]
    )
    step = "PhysCont" if kind == "physcont" else draw(prod_steps)
    tags = draw(ami_tags(MC_LETTERS if kind == "mc" else DATA_LETTERS, 0 if kind != "mc" else 1))
    container_version = f"grp{draw(years)}_v{draw(years)}" if kind == "physcont" else ""
    version = "_".join(filter(None, (container_version, *tags)))
    short, data_type = draw(words), draw(data_types | st.just("log"))
    body = ".".join(filter(None, [project, number, short, step, data_type, version]))
    suffix, tid, sub = draw(suffixes(allowed=kind != "physcont"))
    slash = "/" if not suffix and draw(st.booleans()) else ""
    scope = f"{project}:" if draw(st.booleans()) else ""
    expected = official(kind, project, number, short, step, data_type, tags, tid, sub)
    return scope + body + suffix + slash, expected | dict(container_version=container_version)


@st.composite
def user_names(draw):
    kind = draw(st.sampled_from(["user", "group"]))
    owner = draw(st.from_regex(r"[a-z0-9_\-]{1,19}", fullmatch=True))  # scope <= 25 characters
    field = st.from_regex(r"[A-Za-z0-9_\-]{1,20}", fullmatch=True)
    free = draw(
        st.lists(field.filter(lambda text: "_tid" not in text and "_sub" not in text), min_size=1)
    )
    name = ".".join([kind, owner, *free[:5]]) + draw(st.sampled_from(["", "/"]))
    return name, dict(kind=kind, owner=owner, scope=f"{kind}.{owner}", is_container=True)


@ROUND_TRIP
@given(official_names() | user_names())
def test_generated_names_parse_back_to_their_parts(generated):
    name, expected = generated
    dataset = parse(name)
    assert str(dataset) == name
    assert {key: getattr(dataset, key) for key in expected} == expected


@ROUND_TRIP
@given(official_names())
def test_compose_rebuilds_a_parsed_name(generated):
    name, _ = generated
    dataset = parse(name)
    if dataset.tid is not None and dataset.tid < 10**8 and dataset.tags and not dataset.sub:
        task = task_name(
            dataset.project, dataset.number, dataset.physics_short, dataset.prod_step,
            dataset.version,
        )  # fmt: skip
        output = output_dataset_name(task, dataset.data_type, dataset.tid)
        assert output == compose(
            dataset.project, dataset.number, dataset.physics_short, dataset.prod_step,
            dataset.data_type, dataset.tags, tid=dataset.tid,
        )  # fmt: skip
        assert parse(output).container_name == dataset.container_name
    elif dataset.tid is None and not dataset.sub:
        rebuilt = compose(
            dataset.project, dataset.number, dataset.physics_short, dataset.prod_step,
            dataset.data_type, dataset.version, scope=dataset.project if ":" in name else None,
        )  # fmt: skip
        assert rebuilt == name.removesuffix("/")


ERROR_FIELDS = {"name", "scope", "project", "number", "physics_short", "prod_step"}
ERROR_FIELDS |= {"data_type", "version", "tags", "tid", "owner", "extra"}


def outcome(text):
    """The parsed name, or the NomenclatureError refusing it; any other exception escapes."""
    try:
        return parse(text)
    except NomenclatureError as error:
        return error


@FUZZ
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_any_text_parses_or_is_refused_cleanly(text):
    result = outcome(text)
    if isinstance(result, NomenclatureError):
        assert result.field in ERROR_FIELDS
        assert result.position is None or result.position >= 1
    else:
        assert str(result) == text


# Pieces of real names, so the fuzzing reaches deep into the parser, not only its first check.
PIECES = ["user", "group", "user12", "jdoe", "mc16_13TeV", "data18_13TeV", "mc23_13p6TeV"]
PIECES += ["601229", "00349533", "periodA", "physics_Main", "PhysCont", "recon", "daq", "AOD"]
PIECES += ["RAW", "log", "e1_s2_r3", "p4_e1", "f1_m2", "grp16_v01", "grp16_v01_p3", "n0145"]
PIECES += ["_tid00000001_00", "_tid5_00", "_sub12", ":", "/", ".", "", "-", "_", "\xe9", "\n"]


@FUZZ
@given(st.lists(st.sampled_from(PIECES), max_size=12), st.sampled_from([".", ""]))
def test_names_from_real_pieces_parse_or_are_refused_cleanly(pieces, glue):
    result = outcome(glue.join(pieces))
    if isinstance(result, NomenclatureError):
        assert result.field in ERROR_FIELDS
    else:
        assert str(result) == glue.join(pieces)


@FUZZ
@given(official_names(), st.integers(0, 300), st.text(min_size=1, max_size=3))
def test_damaged_valid_names_parse_or_are_refused_cleanly(generated, where, damage):
    name = generated[0]
    result = outcome(name[:where] + damage + name[where + len(damage) :])
    if isinstance(result, NomenclatureError):
        assert result.field in ERROR_FIELDS
        assert str(result)
    else:
        assert result.fields()[0][0] == "Kind"
