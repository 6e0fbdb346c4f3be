"""The body of a document as a tree of numbered and bulleted items.

Decree 30/2020 bodies nest "I." (part), "Điều 1." (article), "1." and "1.1." (items),
"a)" (points), "-" and "+" (indents). Nesting is inferred from the order the markers
first appear, as a reader does: a marker kind not seen yet opens a deeper level, one
already open closes the levels below it. Paragraphs wrapped mid-sentence are rejoined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import is_caps

# Each kind in the forms drafters type it: "I." / "I/" / "I)", "1." / "1)" / "1/" and
# "1.1." / "1.1", "a)" / "a." / "a/", and the bullets word processors paste ("", "➢").
_MARKERS = (
    ("roman", re.compile(r"^([IVX]{1,4})(?:[.)]\s*(?=[^\s\d/.])|/\s+(?=\S))")),
    ("article", re.compile(r"^Điều\s+\d+\s*[.:]?\s*")),
    ("number", re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)(?:[.)]|/(?=\s))\s+(?=\S)")),
    ("number", re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\s+(?=[^\W\d_])")),
    ("letter", re.compile(r"^[a-zđ](?:\)\s*|[./]\s+)(?=\S)")),
    ("dash", re.compile(r"^[-–—‐‑⁃]\s*(?=[^\s-])")),
    ("plus", re.compile(r"^\+\s*(?=\S)")),
    ("dot", re.compile(r"^[•●▪◦·*○■□◆❖➢►▶→✓√‣\uf0b7\uf0a7\uf0d8\uf076]\s*(?=\S)")),
)


# "Đơn vị chủ trì: ...", "Thời gian thực hiện: ...": attributes of the item above them.
# The time may name what it times in a word of one or two syllables ("Thời gian kiểm tra:",
# "Thời gian tổ chức:"). A table's value taken from a merged cell says so after its label
# ("(ô gộp)", see table).
ATTR_RE = re.compile(
    r"(?i)(?P<label>(?:đơn vị|cơ quan|bộ phận)\s+(?:chủ trì|phối hợp|thực hiện)|chủ trì|phối hợp"
    r"|thời (?:gian|hạn)(?:\s+[^\W\d_]+){0,2}"
    r"|tiến độ(?:\s+thực hiện)?)(?P<merged>\s*\(ô gộp\))?\s*:\s*"
)


_PAGE_NUMBER_RE = re.compile(r"(?:-\s*)?\d{1,3}(?:\s*-)?|(?i:trang)\s+\d{1,3}(?:/\d{1,3})?")
_HYPHEN_RE = re.compile(r"[^\W\d_]-$")


@dataclass
class Node:
    kind: str
    text: str
    children: list[Node] = field(default_factory=list)


def _marker(line: str) -> tuple[str, str]:
    for kind, rx in _MARKERS:
        m = rx.match(line)
        if m is not None:
            if kind == "number":
                kind = f"number{m.group(1).count('.')}"
            return kind, line[m.end() :]
    return "para", line


def paragraphs(lines: list[str]) -> list[tuple[str, str]]:
    """(marker kind, text) per paragraph, wrapped lines rejoined."""
    out: list[tuple[str, str]] = []
    joinable = False
    after_semicolon = False  # the line before ended with ";"
    for line in _without_page_breaks(lines):
        if _PAGE_NUMBER_RE.fullmatch(line):
            continue  # a page foot copied from a PDF, possibly mid-sentence
        if not line or re.fullmatch(r"[-_=*.…\s]{3,}", line):
            joinable = after_semicolon = False
            continue
        kind, text = _marker(line)
        # "…; khu vực bãi biển;\nthời gian cao điểm từ …": after ";" a line in lower case
        # goes on with the item (a new paragraph opens with a capital or a marker).
        if after_semicolon and text[:1].islower():
            joinable = True
        if kind == "para" and joinable and out and not _heading(line):
            last = out[-1][1]
            # "kỹ thu-" + "ật": a word hyphenated at the line end is one word again.
            hyphen = _HYPHEN_RE.search(last) and text[:1].islower()
            out[-1] = (out[-1][0], f"{last[:-1]}{text}" if hyphen else f"{last} {text}")
        else:
            out.append((kind, text))
        joinable = not _heading(line) and not re.search(r"[.;:!?]$", line)
        after_semicolon = line.endswith(";") and not _heading(line)
    return out


def _without_page_breaks(lines: list[str]) -> list[str]:
    """The lines with each page break ("", "2", "") taken out: a sentence a page break
    cuts goes on after it, so the blank lines around the page number end no paragraph."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and not lines[j].strip():
            j += 1
        k = j + 1
        while k < len(lines) and not lines[k].strip():
            k += 1
        page = j > i and j < len(lines) and _PAGE_NUMBER_RE.fullmatch(lines[j].strip())
        if page and k > j + 1 and out:
            i = k  # blank lines, a page number, blank lines: one page break
            continue
        out.append(lines[i])
        i += 1
    return out


def _heading(line: str) -> bool:
    """A line in capitals is a heading; "IV/2023." wrapped off "trong Quý" is not."""
    return is_caps(line) and sum(c.isalpha() for c in line) >= 4


def outline(lines: list[str]) -> list[Node]:
    """The body as a forest; paragraphs without a marker sit at the outermost level."""
    root = Node("root", "")
    stack: list[Node] = [root]
    for kind, text in paragraphs(lines):
        node = Node(kind, text)
        open_kinds = [n.kind for n in stack]
        if kind == "para" and ATTR_RE.match(text) and len(stack) > 1:
            stack[-1].children.append(Node("attr", text))
            continue
        if kind == "para":
            del stack[1:]
        elif kind in open_kinds:
            del stack[open_kinds.index(kind) :]
        stack[-1].children.append(node)
        stack.append(node)
    return root.children
