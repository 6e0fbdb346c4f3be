"""Task tables copied out of a PDF one cell per line, joined back into rows.

A plan's table ("TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn
thành") often comes out of a PDF as one line per cell: the header's cells on lines of
their own, then each row as its number ("1") followed by one line per cell, an empty
cell as a blank line. Such a run is joined back into "|"-separated lines, which
`table.rewrite_tables` then reads as any other table.

The rows are found by their numbers: the lines between "n" and "n + 1" are row n's cells
(more lines than cells are the content cell wrapped over several lines). The last row
takes as many lines as the header has cells after the number; a group row ("I", "A")
is a number and its title.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_NUMBER_RE = re.compile(r"(\d{1,3})\.?")
_GROUP_RE = re.compile(r"[IVX]{1,4}\.?|[A-D]\.?")
# A heading after the table ("III. TỔ CHỨC THỰC HIỆN") is no cell of its last row.
_HEADING_RE = re.compile(r"(?:[IVX]{1,4}|\d{1,2}|[a-zđ])[.)/]\s+\S")
# A page foot copied from the PDF between two rows ("Trang 2/3", "- 2 -") is no cell: read
# as one, it shifts every later cell of its row by a column. (A bare "2" stays: it may be
# a row number.)
_PAGE_FOOT_RE = re.compile(r"(?i:trang)\s+\d{1,3}(?:\s*/\s*\d{1,3})?|-\s*\d{1,3}\s*-")


def join_cell_lines(
    lines: list[str], header: Callable[[list[str]], dict[str, int] | None]
) -> list[str]:
    """`lines` with every one-cell-per-line table joined into rows; `header` reads a
    table's header cells (the columns it found, or None when they are no task table)."""
    # (`outline` skips page feet anyway; here they would be read as cells.)
    lines = [line for line in lines if not _PAGE_FOOT_RE.fullmatch(line)]
    out: list[str] = []
    i = 0
    while i < len(lines):
        width = _header_width(lines, i, header)
        if width is None:
            out.append(lines[i])
            i += 1
            continue
        out.append(" | ".join(lines[i : i + width]))
        rows, i = _rows(lines, i + width, width)
        out += rows
    return out


def _header_width(
    lines: list[str], start: int, header: Callable[[list[str]], dict[str, int] | None]
) -> int | None:
    """How many lines from `start` are the header of a one-cell-per-line table: three
    cells or more, the first one the row number column, any extra columns among them,
    then a row number."""
    if not re.fullmatch(r"(?i)s?tt|số tt", lines[start]):
        return None
    end = start + 1
    while end < len(lines) and 0 < len(lines[end]) <= 40 and not _NUMBER_RE.fullmatch(lines[end]):
        end += 1
    width = end - start
    if width < 3 or end >= len(lines) or not _NUMBER_RE.fullmatch(lines[end]):
        return None
    # Columns no task table needs ("Ghi chú", "Sản phẩm", "Kinh phí") are cells too: the
    # header only has to name the content and the lead.
    found = header(lines[start:end])
    return width if found is not None else None


def _rows(lines: list[str], pos: int, width: int) -> tuple[list[str], int]:
    out: list[str] = []
    expected = 1
    while pos < len(lines):
        mark = lines[pos]
        number = _NUMBER_RE.fullmatch(mark)
        if number is not None and int(number.group(1)) == expected:
            end = _row_end(lines, pos + 1, width, expected + 1)
            cells = lines[pos + 1 : end]
            extra = len(cells) - (width - 1)
            if extra > 0:  # the content cell wrapped over several lines
                cells = [" ".join(cells[: extra + 1]), *cells[extra + 1 :]]
            out.append(" | ".join([number.group(1), *cells]))
            expected += 1
            pos = end
        elif _GROUP_RE.fullmatch(mark) and pos + 1 < len(lines) and lines[pos + 1]:
            out.append(f"{mark} | {lines[pos + 1]}")
            pos += 2
        else:
            break
    # The blank line after a table ends it for `rewrite_tables` too.
    return [*out, ""], pos


def _row_end(lines: list[str], pos: int, width: int, following: int) -> int:
    """Where the row whose cells start at `pos` ends: at the next row's number, else after
    its cells (a blank line standing for an empty cell)."""
    limit = min(len(lines), pos + 3 * width)
    for k in range(pos + 1, limit):
        number = _NUMBER_RE.fullmatch(lines[k])
        if (number is not None and int(number.group(1)) == following) or (
            _GROUP_RE.fullmatch(lines[k]) and k + 1 < len(lines) and lines[k + 1]
        ):
            return k
    end = pos
    while end < len(lines) and end < pos + width - 1 and not _HEADING_RE.match(lines[end]):
        end += 1
    return end
