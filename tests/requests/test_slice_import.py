"""Many slices at once: pasted lines and MC spreadsheets (CSV, xlsx), an error per bad line."""

import io

import pytest
from openpyxl import Workbook

from deftweb.requests import slice_import
from tests.requests.filing_data import AOD, MC_CHAIN, mc_document

REQUEST = mc_document(count=0)


def test_pasted_lines_become_slices_with_the_default_chain(app):
    text = "601229 PhPy8EG_ttbar 10000\n\n601230\tPhPy8EG_dil\t5,000\t1\tfirst batch\n"
    batch = slice_import.pasted_slices(text, REQUEST, MC_CHAIN)
    assert batch.errors == []
    assert [(s["dsid"], s["brief"], s["events"]) for s in batch.slices] == [
        ("601229", "PhPy8EG_ttbar", "10000"),
        ("601230", "PhPy8EG_dil", "5,000"),
    ]
    assert batch.slices[1]["comment"] == "first batch"
    assert [s["ami_tag"] for s in batch.slices[0]["steps"]] == ["e8514", "s4162", "r14622"]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("12 short 100", "Line 1: dsid: Dataset number '12' must be 6 to 8 digits"),
        ("601229 PhPy8EG_ttbar 0", "Line 1: events: Give a number above zero"),
        ("601229 PhPy8EG_ttbar many", "Line 1: events: 'many' is not a whole number"),
        ("mc23_13p6TeV.bad", "Line 1: input_dataset: Not a dataset name"),
    ],
)
def test_each_bad_line_gets_its_error_and_stays_to_be_fixed(app, line, error):
    batch = slice_import.pasted_slices(f"{line}\n601231 PhPy8EG_ok 10", REQUEST, MC_CHAIN)
    assert batch.errors[0].startswith(error), batch.errors
    assert batch.bad_lines == [line]
    assert [s["dsid"] for s in batch.slices] == ["601231"]


def test_a_pasted_dataset_line(app):
    deriv = [{"step_name": "Deriv", "ami_tag": "p5855", "output_formats": "DAOD_PHYS"}]
    batch = slice_import.pasted_slices(f"{AOD} 20000 2", REQUEST, deriv)
    assert batch.errors == []
    assert batch.slices[0]["input_dataset"] == AOD
    assert batch.slices[0]["priority"] == "2"


CSV = """DSID,JobOptions,Events,Priority,Comment,Evgen,Simul,Reco
601229,PhPy8EG_ttbar,10000,1,nominal,e8514,s4162,r14622
601230,PhPy8EG_dil,5000,0+,,e8514,s4162,
601231,PhPy8EG_bad,-1,1,,e8514,s4162,r14622
"""


def test_a_csv_spreadsheet_with_one_tag_column_per_step(app):
    batch = slice_import.spreadsheet_slices("grid.csv", CSV.encode(), REQUEST, MC_CHAIN)
    assert [s["dsid"] for s in batch.slices] == ["601229", "601230"]
    assert [st["ami_tag"] for st in batch.slices[1]["steps"]] == ["e8514", "s4162"]
    assert batch.slices[0]["steps"][2]["output_formats"] == "AOD"
    assert batch.slices[1]["priority"] == "0+"
    assert batch.errors == ["Row 4: events: Give a number above zero (at most 2,147,483,647)."]


def test_an_xlsx_spreadsheet(app):
    book = Workbook()
    sheet = book.active
    sheet.append(["ds", "brief", "events", "priority", "Evgen", "Simul", "Atlfast", "Reco"])
    sheet.append(["Deriv", "format"])  # a second header-like row is just a bad row
    sheet.append([601229, "PhPy8EG_ttbar", 10000, 2, "e8514", "s4162", None, "r14622"])
    sheet.append([None] * 8)
    sheet.append([601230, "PhPy8EG_fast", 20000.0, None, "e8514", None, "a899", "r14622"])
    sheet.append([601231, "PhPy8EG_bad", 100, None, "e8514", "r4162", None, None])
    data = io.BytesIO()
    book.save(data)
    batch = slice_import.spreadsheet_slices("grid.xlsx", data.getvalue(), REQUEST, MC_CHAIN)
    assert batch.errors == [
        "Row 2: dsid: Dataset number 'Deriv' must be 6 to 8 digits.",
        "Row 6: step 1 ami_tag: A Simul step takes a s tag, not r4162.",
    ]
    first, fast = batch.slices
    assert (first["dsid"], first["events"], first["priority"]) == ("601229", "10000", "2")
    assert [s["step_name"] for s in fast["steps"]] == ["Evgen", "Atlfast", "Reco"]
    assert fast["events"] == "20000"
    assert fast["steps"][1]["output_formats"] == "HITS"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("grid.pdf", b"%PDF", "Choose a .csv or .xlsx file"),
        ("grid.xlsx", b"not a zip", "not an xlsx workbook"),
        ("grid.csv", b"events,priority\n1,2\n", "DSID column is missing"),
        ("grid.csv", b"\xff\xfe\x00bad", "not UTF-8"),
        # no delimiter in the first 4 kB: the sniffer cannot tell (a 500 before)
        ("grid.csv", b"dsid " + b"x" * 5000 + b"\n601229\n", "how the CSV file separates"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(app, name, content, message):
    with pytest.raises(slice_import.ImportRefused, match=message):
        slice_import.spreadsheet_slices(name, content, REQUEST, MC_CHAIN)
