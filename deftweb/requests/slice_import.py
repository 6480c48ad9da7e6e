"""Many slices at once: pasted lines, or an MC spreadsheet (CSV or xlsx) as prodtask reads it.

Spreadsheet columns (first row, any order, case ignored): DSID (`ds`), brief (`joboptions`),
events, priority, comment, input dataset, format, and one column per step named after the step
(Evgen, Simul, Reco, Deriv...) holding its AMI tag; an empty tag cell leaves the step out.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from deftweb.requests.validation import (
    MAX_SLICES,
    STEP_NAMES,
    Problems,
    SliceContext,
    validate_request,
    validate_slice,
)

#: Output of each step when the default chain does not name one.
STEP_FORMATS = {
    "Evgen": "EVNT",
    "Evgen Merge": "EVNT",
    "Simul": "HITS",
    "Merge": "HITS",
    "Atlfast": "HITS",
    "Atlf Merge": "HITS",
    "Digi": "RDO",
    "Reco": "AOD",
    "Rec Merge": "AOD",
    "TAG": "TAG",
    "Deriv": "DAOD_PHYS",
    "Deriv Merge": "DAOD_PHYS",
}
COLUMN_ALIASES = {
    "dsid": ("dsid", "ds", "dataset number", "datasetnumber", "mc channel number"),
    "brief": ("brief", "joboptions", "job options", "physics short", "jo"),
    "events": ("events", "evevgen", "number of events", "nevents"),
    "priority": ("priority",),
    "comment": ("comment", "comments"),
    "input_dataset": ("input dataset", "input", "evgen_input", "dataset"),
    "format": ("format", "formats", "output formats"),
}
_STEP_COLUMNS = {name.lower(): name for name in STEP_NAMES}


class ImportRefused(ValueError):
    """A file that cannot be read at all (wrong kind, no header); the message says why."""


@dataclass
class Batch:
    """Slices read from many lines: the good ones, an error per bad line, the bad lines' text."""

    slices: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    bad_lines: list[str] = field(default_factory=list)


def pasted_slices(text: str, request_doc: dict, default_steps: list[dict]) -> Batch:
    """One slice per line: `DSID brief events [priority] [comment]` or `dataset [events]`."""
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            rows.append((f"Line {number}", line, _pasted_row(line, default_steps)))
    return _checked(rows, request_doc)


def spreadsheet_slices(
    filename: str, content: bytes, request_doc: dict, default_steps: list[dict]
) -> Batch:
    """Slices from an MC spreadsheet; an error per bad row, named by its row number."""
    table = _read_table(filename, content)
    header = [str(cell or "").strip().lower() for cell in next(table, None) or []]
    columns = _columns(header)
    rows = []
    for number, cells in enumerate(table, 2):
        values = {name: _cell(cells, index) for name, index in columns.items()}
        if any(values.values()):
            label = f"Row {number}"
            rows.append((label, ",".join(_cell(cells, i) for i in range(len(header))), values))
        if len(rows) > MAX_SLICES:
            break
    docs = [(label, text, _sheet_row(values, default_steps)) for label, text, values in rows]
    return _checked(docs, request_doc)


def _pasted_row(line: str, default_steps: list[dict]) -> dict:
    parts = [p.strip() for p in re.split(_separator(line), line.strip(), maxsplit=4)]
    first, rest = parts[0], parts[1:]
    if "." in first or ":" in first:
        doc = {"input_dataset": first, "events": _get(rest, 0), "priority": _get(rest, 1)}
        doc["comment"] = " ".join(rest[2:])
    else:
        doc = {"dsid": first, "brief": _get(rest, 0), "events": _get(rest, 1)}
        doc |= {"priority": _get(rest, 2), "comment": " ".join(rest[3:])}
    return doc | {"steps": [dict(step) for step in default_steps]}


def _separator(line: str) -> str:
    """Tabs (pasted from a spreadsheet), else semicolons, else blanks; commas only when the line
    has nothing else, since 10,000 is a number."""
    for mark, pattern in (("\t", r"\t"), (";", ";")):
        if mark in line:
            return pattern
    return r"\s+" if re.search(r"\s", line.strip()) else ","


def _sheet_row(values: dict, default_steps: list[dict]) -> dict:
    chain = {step["step_name"]: step for step in default_steps}
    steps = []
    for name in STEP_NAMES:
        tag = values.get(f"step:{name}")
        if tag:
            model = chain.get(name) or {}
            formats = model.get("output_formats") or STEP_FORMATS[name]
            config = dict(model.get("task_config") or {})
            steps.append(
                {
                    "step_name": name,
                    "ami_tag": tag,
                    "output_formats": formats,
                    "task_config": config,
                }
            )
    if steps and values.get("format"):
        steps[-1]["output_formats"] = values["format"]
    doc = {k: values.get(k, "") for k in ("dsid", "brief", "events", "priority", "comment")}
    doc["input_dataset"] = values.get("input_dataset", "")
    doc["steps"] = steps or [dict(step) for step in default_steps]
    return doc


def _checked(rows: list[tuple[str, str, dict]], request_doc: dict) -> Batch:
    batch = Batch()
    if len(rows) > MAX_SLICES:
        batch.errors.append(f"At most {MAX_SLICES:,} slices at once; split the list.")
        return batch
    request_clean, _ = validate_request(request_doc | {"slices": []})
    context = SliceContext(request_clean, set())
    for label, text, doc in rows:
        problems = Problems()
        validate_slice(doc, "", context, problems)
        if problems:
            pointer, message = next(iter(problems.items()))
            where = pointer.strip("/").replace("steps/", "step ").replace("/", " ")
            batch.errors.append(f"{label}: {where}: {message}" if where else f"{label}: {message}")
            batch.bad_lines.append(text)
        else:
            batch.slices.append(doc)
    return batch


def _read_table(filename: str, content: bytes):
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _xlsx_rows(content)
    if name.endswith((".csv", ".txt")):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportRefused("The CSV file is not UTF-8 text.") from error
        return iter(csv.reader(io.StringIO(text), _dialect(text)))
    raise ImportRefused("Choose a .csv or .xlsx file.")


def _dialect(text: str):
    """The CSV dialect of the file's first 4 kB (commas, semicolons or tabs), or ImportRefused."""
    if not text.strip():
        return csv.excel
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error as error:
        raise ImportRefused(
            "Cannot tell how the CSV file separates its columns: use commas, semicolons or tabs."
        ) from error


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise ImportRefused("The file is not an xlsx workbook.") from error
    return iter(book.worksheets[0].iter_rows(values_only=True))


def _columns(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, title in enumerate(header):
        for name, aliases in COLUMN_ALIASES.items():
            if title in aliases and name not in columns:
                columns[name] = index
        if title in _STEP_COLUMNS:
            columns[f"step:{_STEP_COLUMNS[title]}"] = index
    if "dsid" not in columns and "input_dataset" not in columns:
        raise ImportRefused("The first row must name the columns; a DSID column is missing.")
    return columns


def _cell(cells, index: int) -> str:
    if index >= len(cells) or cells[index] is None:
        return ""
    value = cells[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _get(parts: list[str], index: int) -> str:
    return parts[index] if index < len(parts) else ""
