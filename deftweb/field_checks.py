"""Field checks shared by the request and slice validation: text, whole numbers, problems."""

import re


class Problems(dict):
    """JSON Pointer -> message; the first problem found for a field is the one kept."""

    def add(self, pointer: str, message: str) -> None:
        self.setdefault(pointer, message)

    def as_list(self) -> list[dict]:
        return [{"pointer": p, "detail": m} for p, m in self.items()]


TEXT_LIMITS = {
    "description": 256,
    "long_description": 20_000,
    "reference_link": 256,
    "cc": 1000,
    "brief": 150,
    "comment": 512,
    "input_dataset": 255,
    "dsid": 150,
    "output_formats": 250,
}


#: Fields shown and mailed on one line (a description becomes a mail's subject): no line break,
#: tab or other control character. Every other text field may hold line breaks and tabs only.
ONE_LINE_FIELDS = frozenset(
    {"description", "reference_link", "brief", "input_dataset", "dsid", "output_formats"}
)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_SPACE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sentence(error: Exception) -> str:
    text = str(error)
    return f"{text[:1].upper()}{text[1:]}."


def as_text(value) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def text_field(doc: dict, name: str, pointer: str, problems: Problems, required=False) -> str:
    value = doc.get(name)
    if value is not None and not isinstance(value, str):
        problems.add(pointer, "Give text here.")
        return ""
    text = (value or "").strip()
    limit = TEXT_LIMITS[name]
    if required and not text:
        problems.add(pointer, "This is required.")
    elif len(text) > limit:
        problems.add(pointer, f"At most {limit:,} characters; this has {len(text):,}.")
    elif name in ONE_LINE_FIELDS and CONTROL.search(text):
        problems.add(pointer, "Keep this on one line: no line break, tab or control character.")
    elif control := _CONTROL_BUT_SPACE.search(text):
        problems.add(pointer, f"Remove the control character U+{ord(control.group()):04X}.")
    return text[:limit]


def whole_number(raw, pointer: str, bounds: tuple[int, int], problems: Problems) -> int | None:
    """A whole number within bounds; form text may group digits with , _ or spaces."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        problems.add(pointer, "Give a whole number.")
        return None
    text = re.sub(r"[,_\s]", "", raw) if isinstance(raw, str) else str(raw)
    if not re.fullmatch(r"-?\d+", text):
        problems.add(pointer, f"{raw!r} is not a whole number.")
        return None
    low, high = bounds
    # More than 20 digits is beyond any bound (and than Python converts from text at once).
    if len(text.lstrip("-0")) > 20 or not low <= int(text) <= high:
        problems.add(pointer, range_message(low, high))
        return None
    return int(text)


def range_message(low: int, high: int) -> str:
    if low == 1:
        return f"Give a number above zero (at most {high:,})."
    return f"Give a number from {low:,} to {high:,}."
