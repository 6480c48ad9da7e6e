"""The name check: fields of good names, the parts of bad ones with the culprit marked."""

import pytest

from deftweb.datasets.name_check import MAX_CHECKED_LINES, check_name, check_names

OFFICIAL = "mc23_13p6TeV.601229.PhPy8EG_A14.recon.AOD.e8514_s4162_r14622"


def marked(text: str) -> list[tuple[str, str]]:
    return [(p.label, p.value) for p in check_name(text).parts if p.wrong]


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        (OFFICIAL.replace("601229", "60122x"), [("number", "60122x")]),
        (OFFICIAL.replace("recon", "rekon"), [("prod step", "rekon")]),
        ("mc23_13p6TeV.601229.PhPy8EG.evgen.EVNT", [("version", "(missing)")]),
        (f"mc20_13TeV:{OFFICIAL}", [("scope", "mc20_13TeV")]),
        ("user.Bad!.x.v1", [("owner", "Bad!")]),
        ("group.phys-higgs.x.y!z", [("free-form", "y!z")]),
        (
            "data16_13TeV.periodA.physics_Main.PhysCont.AOD.grp16_v01_tid00000001_00",
            [("version", "grp16_v01_tid00000001_00")],
        ),
        ("mc23_13p6TeV.601229.x", []),  # the whole name is wrong: no single part to blame
    ],
)
def test_the_wrong_part_is_marked(text, wrong):
    check = check_name(text)
    assert not check.ok
    assert marked(text) == wrong


def test_a_refused_user_name_is_labelled_by_its_own_parts():
    parts = check_name("user.Bad!.x.v1").parts
    assert [p.label for p in parts] == ["prefix", "owner", "free-form", "free-form"]


def test_a_good_name_gives_its_fields_and_no_parts():
    check = check_name(OFFICIAL, 7)
    assert check.ok
    assert check.number == 7
    assert check.parts == []
    assert ("Data type", "AOD") in check.name.fields()


def test_lines_are_numbered_blank_ones_skipped_and_the_rest_counted(app):
    checks, left_out = check_names(f"\n{OFFICIAL}\n\n  nonsense  \n")
    assert [(c.number, c.text, c.ok) for c in checks] == [
        (2, OFFICIAL, True),
        (4, "nonsense", False),
    ]
    assert left_out == 0
    many, left_out = check_names("\n".join([OFFICIAL] * (MAX_CHECKED_LINES + 3)))
    assert len(many) == MAX_CHECKED_LINES
    assert left_out == 3


def test_registered_names_are_found_whatever_the_scope(app, make):
    dataset = make.dataset(OFFICIAL)
    checks, _ = check_names(
        f"{OFFICIAL}\nmc23_13p6TeV:{OFFICIAL}/\n{OFFICIAL.replace('e8514', 'e8515')}"
    )
    assert [c.registered for c in checks] == [dataset, dataset, None]
