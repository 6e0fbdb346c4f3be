"""Task tables of plans, as plain text: "STT | Nội dung | Đơn vị chủ trì | Đơn vị phối hợp |
Thời gian hoàn thành", one row a line, cells split by "|" (tab-separated tables arrive so
from `normalise`).

Rows are rewritten into the item-and-attributes form the outline already reads ("1.
<content>" then "- Đơn vị chủ trì: X", ...), so a table and a list assign alike. Columns
come in any order, with any others beside them ("Sản phẩm", "Ghi chú"). A lead cell left
empty under a row that has one is a merged cell (one unit leads several rows, its name
printed once): the row takes the lead, and the coordinators when their cell is empty too,
from the row above, and says so (`MERGED`, read back as a warning). A time cell left
empty under a row that has one is merged alike (several rows due together, the time
printed once, as Word's text copy of a vertically merged cell leaves it), and flagged the
same way: a blank that meant "no set time" is the clerk's to clear, a guess never silent.
An empty lead cell with none above keeps an empty lead, which comes back as
`no_lead_unit`; a row with nothing but content ("A | Công tác kiểm tra") heads a group.
Rows wrapped over several lines (PDF copies) are not rejoined, except in tables copied
one cell per line (`cell_lines`).
"""

from __future__ import annotations

import re

from .cell_lines import join_cell_lines
from .text import fold

_COLUMNS = (
    ("coordinating", re.compile(r"phoi hop")),
    ("lead", re.compile(r"chu tri|(?:don vi|co quan|bo phan) thuc hien")),
    ("time", re.compile(r"thoi gian|thoi han|tien do|hoan thanh")),
    ("number", re.compile(r"^(?:stt|tt|so tt)$")),
    ("content", re.compile(r"noi dung|nhiem vu|cong viec|ten|hoat dong")),
)
_LABELS = {
    "lead": "Đơn vị chủ trì",
    "coordinating": "Đơn vị phối hợp",
    "time": "Thời gian hoàn thành",
}


# Written after the label of a value taken from a merged cell (see the module docstring).
MERGED = "(ô gộp)"


def rewrite_tables(lines: list[str]) -> list[str]:
    out: list[str] = []
    columns: dict[str, int] | None = None
    above: dict[str, str] = {}  # the lead, coordinators and time of the row above
    for line in join_cell_lines(lines, _header):
        cells = [c.strip() for c in line.split("|")] if "|" in line else []
        if columns is not None and (cells or not line):
            # A blank line stays: the paragraph after the table is not its last cell's.
            out += _row(cells, columns, above) if cells else [""]
            continue
        columns = _header(cells) if len(cells) >= 3 else None
        above = {}
        if columns is None:
            out.append(line)
    return out


def _header(cells: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = fold(cell)
        name = next((n for n, rx in _COLUMNS if rx.search(key) and n not in found), None)
        if name is not None:
            found[name] = i
    return found if "lead" in found and "content" in found else None


def _row(cells: list[str], columns: dict[str, int], above: dict[str, str]) -> list[str]:
    def cell(name: str) -> str:
        i = columns.get(name)
        return cells[i].strip(" ;") if i is not None and i < len(cells) else ""

    content = cell("content")
    if not content or all(re.fullmatch(r":?-*:?", c) for c in cells):
        return []  # empty, or the "|---|---|" rule under a markdown header
    number = cell("number")
    numbered = re.fullmatch(r"\d{1,3}(?:\.\d{1,2})*", number) is not None
    if not any(cell(name) for name in _LABELS) and not (numbered and above):
        above.clear()  # a group's heading row: a merged cell does not run across it
        # The blank line ends the row above: its last cell ("Năm 2022") does not run on
        # into the heading, as a line wrapped mid-sentence would.
        return ["", content if content.endswith(":") else f"{content}:"]
    values = {name: cell(name) for name in _LABELS}
    merged = {
        name
        for name in _LABELS
        if not values[name] and above.get(name) and (name != "coordinating" or not values["lead"])
    }
    for name in merged:
        values[name] = above[name]
    above.update(values)
    marker = f"{number}." if numbered else "-"
    out = [f"{marker} {content.rstrip('.')}."]
    for name, label in _LABELS.items():
        value = values[name]
        if value or name == "lead":
            out.append(f"- {label}{' ' + MERGED if name in merged else ''}: {value}")
    return out
