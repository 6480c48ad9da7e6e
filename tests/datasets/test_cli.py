"""`flask dsn check`: fields or errors per name, exit status 1 when any name is invalid."""

import json

import pytest

GOOD = "data18_13TeV.00349533.physics_Main.deriv.DAOD_PHYS.f937_m1972_p4150_tid21267843_00"
OTHER = "data16_13TeV.periodA.physics_Main.PhysCont.DAOD_HIGG3D1.grp16_v01_p3388"
BAD = "mc23_13p6TeV.601229.PhPy8EG.recon.AOD.r14622_e8514"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_valid_names_show_their_fields_and_exit_0(runner):
    result = runner.invoke(args=["dsn", "check", GOOD, OTHER])
    assert result.exit_code == 0, result.output
    assert f"VALID   {GOOD}\n  Kind:              data\n" in result.output
    assert "  Run number:        00349533\n" in result.output
    assert "  Task ID:           21267843\n" in result.output
    assert "  Period:            periodA\n" in result.output
    assert result.stderr == "all 2 valid\n"


def test_an_invalid_name_shows_the_error_and_exits_1(runner):
    result = runner.invoke(args=["dsn", "check", GOOD, BAD])
    assert result.exit_code == 1
    assert (
        f"INVALID {BAD}\n  field 6 (version) 'r14622_e8514' has tag 'e8514' after" in result.output
    )
    assert f"VALID   {GOOD}" in result.output
    assert result.stderr == "1 of 2 invalid\n"


def test_names_are_read_from_stdin_when_none_is_given(runner):
    result = runner.invoke(args=["dsn", "check"], input=f"{GOOD}\n\n  {OTHER}  \n")
    assert result.exit_code == 0, result.output
    assert result.output.count("VALID   ") == 2
    bad = runner.invoke(args=["dsn", "check"], input=f"{BAD}\n")
    assert bad.exit_code == 1


def test_empty_stdin_is_a_usage_error(runner):
    result = runner.invoke(args=["dsn", "check"], input="\n \n")
    assert result.exit_code == 2
    assert "no names on standard input" in result.output


def test_json_output_gives_one_object_per_name(runner):
    result = runner.invoke(args=["dsn", "check", "--json", GOOD, BAD])
    assert result.exit_code == 1
    good, bad = (json.loads(line) for line in result.stdout.splitlines())
    assert good["valid"] is True
    assert good["fields"]["tid"] == 21267843
    assert good["fields"]["tags"] == ["f937", "m1972", "p4150"]
    assert bad == {
        "name": BAD,
        "valid": False,
        "field": "tags",
        "position": 6,
        "error": bad["error"],
    }
    assert bad["error"].startswith("field 6 (version)")
