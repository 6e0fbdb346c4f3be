"""The foot of a document: "Nơi nhận" and the signature block.

Reads "Nơi nhận:" followed by "- Như trên;", "- Công đoàn cơ quan (ph/h);", "- Giám đốc,
các Phó GD Sở (b/c);", "- Lưu: VT, VP, hmv." and the signature block: an optional
authority line ("KT. GIÁM ĐỐC", "TL. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN", "Q. GIÁM ĐỐC"),
the title in capitals ("PHÓ GIÁM ĐỐC"), then the name. Flattened two-column layouts
put the signature before or after "Nơi nhận"; both orders are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shared.contracts.values import DistributionEntry, DistributionPurpose, Signer, UnitRef

from ..directory import UnitDirectory
from .text import Notes, fold, is_caps
from .units import Scanner

AUTHORITY_RE = re.compile(r"^(TM|KT|TL|TUQ|Q)\s*\.\s*(.*)$")
SIGNER_TITLE_RE = re.compile(
    r"^(?:pho )?(?:giam doc|chu tich|chanh van phong|chanh thanh tra|truong phong|vien truong"
    r"|bi thu|truong ban|thu truong|tong giam doc)$"
)
_PURPOSES: tuple[tuple[re.Pattern[str], DistributionPurpose], ...] = (
    (re.compile(r"\((?:ph ?/ ?h|p ?/ ?h|phoi hop|de phoi hop)\)"), "coordinate"),
    (re.compile(r"\((?:b ?/ ?c|bao cao|de bao cao)\)"), "report"),
    (re.compile(r"\((?:d ?/ ?b|de biet|biet|de b ?/ ?c)\)"), "info"),
    (re.compile(r"\((?:t ?/ ?h|th ?/ ?h|thuc hien|de thuc hien|de t ?/ ?h)\)"), "execute"),
)
_NAME_RE = re.compile(r"^(?:[A-ZÀ-ỸĐ][a-zà-ỹđ]*)(?:\s+[A-ZÀ-ỸĐ][a-zà-ỹđ]*){1,5}$")
_RECORDS_DESK = {"vt", "van thu"}


@dataclass
class Closing:
    distribution: list[DistributionEntry] = field(default_factory=list)
    signer: Signer | None = None
    notes: Notes = field(default_factory=Notes)


def foot_columns(text: str) -> str:
    """Unzip a two-column foot copied with tabs: "Nơi nhận:<tab>KT. GIÁM ĐỐC", "- Như
    trên;<tab>PHÓ GIÁM ĐỐC", ..., "<tab>Phạm Hữu Lợi". The left column (the list) stays in
    place; the right one (the signature block) follows it, its lines in order."""
    out: list[str] = []
    right: list[str] = []
    in_foot = False
    for line in text.splitlines():
        left, tab, rest = line.partition("\t")
        if not tab and in_foot:
            left, tab, rest = _spaced(line)
        if not tab and in_foot:
            left, tab, rest = _run_together(line)
        head = left.strip()
        if not tab and fold(head).startswith("noi nhan"):
            left, tab, rest = _after_label(line)
            head = left.strip()
        if fold(head).startswith("noi nhan"):
            in_foot = True
        if in_foot and tab and rest.strip():
            if head:
                out.append(left)
            right += [cell for cell in rest.split("\t") if cell.strip()]
            continue
        if in_foot and (head.startswith(("-", "+", "•")) or (not head and right)):
            out.append(line)
            continue
        out += right
        right = []
        in_foot = False if head else in_foot
        out.append(line)
    return "\n".join(out + right)


# Columns copied as runs of spaces: "- Như trên;       PHÓ CHÁNH VĂN PHÒNG", "      Lê Văn A".
_SPACED_RE = re.compile(r"^(.*?)\s{2,}(\S.*?)\s*$")


def _right_cell(cell: str) -> bool:
    cell = cell.strip()
    return is_caps(cell) or AUTHORITY_RE.match(cell) is not None or bool(_NAME_RE.match(cell))


def _spaced(line: str) -> tuple[str, str, str]:
    m = _SPACED_RE.match(line)
    if m is None or not _right_cell(m.group(2)):
        return line, "", ""
    return m.group(1), "\t", m.group(2)


def _signature_cell(cell: str) -> bool:
    """An authority line, a signer's title in capitals or a person's name."""
    if AUTHORITY_RE.match(cell) or _NAME_RE.match(cell):
        return True
    return is_caps(cell) and SIGNER_TITLE_RE.match(fold(cell)) is not None


def _run_together(line: str) -> tuple[str, str, str]:
    """Columns a PDF extraction ran together with one space: "- Như trên; PHÓ GIÁM ĐỐC",
    "- Lưu: VT, TH. Nguyễn Văn A". An item of the list ends at its ";" or ".", so what
    follows it on the line, when it is a line of a signature block, is the right column."""
    if not line.lstrip().startswith(("-", "+", "•")):
        return line, "", ""
    for m in re.finditer(r"[;.]\s+(?=\S)", line):
        if _signature_cell(line[m.end() :].strip()):
            return line[: m.start() + 1], "\t", line[m.end() :].strip()
    return line, "", ""


def _after_label(line: str) -> tuple[str, str, str]:
    """ "Nơi nhận: GIÁM ĐỐC": the columns run together after the label."""
    label, colon, rest = line.partition(":")
    if colon and rest.strip() and is_caps(rest.strip()) and len(rest.strip()) > 3:
        return label + colon, "\t", rest.strip()
    return line, "", ""


def closing_start(lines: list[str], start: int) -> int:
    """Where the foot begins: "Nơi nhận" or the signature block, whichever comes first."""
    for i in range(start, len(lines)):
        line = lines[i]
        if fold(line).startswith("noi nhan") or AUTHORITY_RE.match(line):
            return i
        if is_caps(line) and SIGNER_TITLE_RE.match(fold(line)):
            return i
    return len(lines)


def read_closing(lines: list[str], directory: UnitDirectory, recipients: list[UnitRef]) -> Closing:
    closing = Closing()
    rest: list[str] = []
    in_list = False
    for line in lines:
        folded = fold(line)
        if folded.startswith("noi nhan"):
            in_list = True
            first = re.sub(r"^\S+\s+\S+\s*:?\s*", "", line)
            if first:
                _entry(closing, first, directory, recipients)
        elif in_list and re.match(r"[-+•]", line):
            _entry(closing, line, directory, recipients)
        elif line:
            in_list = False
            rest.append(line)
    closing.signer = _signer(rest)
    if closing.signer is None:
        closing.notes.add("no_signer", "signer", "Không tìm thấy chức danh và tên người ký.")
    return closing


def _entry(
    closing: Closing, line: str, directory: UnitDirectory, recipients: list[UnitRef]
) -> None:
    text = line.strip().lstrip("-+• ").rstrip(" ;.,")
    folded = fold(text)
    purpose: DistributionPurpose | None = None
    for rx, value in _PURPOSES:
        m = rx.search(folded)
        if m is not None:
            purpose = value
            text, folded = text[: m.start()].strip(), folded[: m.start()].strip()
            break
    entries = closing.distribution
    if folded.startswith("nhu tren"):
        entries.append(DistributionEntry(name="Như trên", purpose=purpose or "execute"))
    elif re.match(r"nhu (?:dieu|khoan|muc) ", folded):
        entries.append(DistributionEntry(name=text, purpose=purpose or "execute"))
    elif re.match(r"luu\b", folded):
        for token in re.split(r"[,;]", re.sub(r"^\S+\s*:?\s*", "", text)):
            token = token.strip(" .")
            unit = directory.match(token) if token else None
            if unit is not None:
                entries.append(DistributionEntry(name=unit.name, code=unit.code, purpose="file"))
            elif fold(token) in _RECORDS_DESK:
                entries.append(DistributionEntry(name=token, purpose="file"))
            # Anything else short is the drafter's initials ("hmv"), not a recipient.
    elif text:
        named, end = Scanner(text, directory).units()
        if not named or end < len(text.rstrip(" ;.,")):
            named_refs = [UnitRef(name=text)]
            closing.notes.add(
                "unknown_unit",
                f"distribution[{len(entries)}]",
                f"“{text}” không có trong danh mục đơn vị; giữ nguyên tên như văn bản ghi.",
            )
        else:
            named_refs = [n.ref() for n in named]
        codes = {r.code for r in recipients if r.code}
        for ref in named_refs:
            default: DistributionPurpose = "execute" if ref.code in codes else "info"
            entry = DistributionEntry(name=ref.name, code=ref.code, purpose=purpose or default)
            if entry not in entries:
                entries.append(entry)


def _signer(lines: list[str]) -> Signer | None:
    authority: str | None = None
    titles: list[str] = []
    name: str | None = None
    for line in lines:
        m = AUTHORITY_RE.match(line)
        if m is not None:
            authority = f"{m.group(1)}."
            titles = [m.group(2)] if m.group(2) else []
        elif is_caps(line) and not fold(line).startswith("noi nhan") and len(line.split()) <= 8:
            titles.append(line)
        elif titles and _NAME_RE.match(line):
            name = line
            break
    if not titles:
        return None
    # "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC": the signer is the last title, the first is whom for.
    return Signer(authority=authority, title=_title_case(titles[-1]), name=name or "")


def _title_case(caps: str) -> str:
    words = caps.lower().split()
    out = [w.capitalize() if i == 0 else w for i, w in enumerate(words)]
    for i in range(1, len(out)):
        if fold(out[i - 1]) in ("pho", "chanh", "tong") or (i == 1 and fold(out[0]) == "tm."):
            out[i] = out[i].capitalize()
    return " ".join(out)
