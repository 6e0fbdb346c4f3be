"""Plain-text letter importer: a Decree 30/2020 document in, a draft directive out.

`import_letter` reads the header (number, date, type, subject, addressees), the cited
documents, the duties of the body and the foot (Nơi nhận, signer). It guesses nothing
silently: whatever it cannot resolve comes back as an `ImportWarning` for the clerk.
Pure: no I/O, no clock; the unit directory is an argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from shared.contracts.values import (
    Assignment,
    DirectiveContent,
    DocType,
    ImportWarning,
    UnitRef,
)

from ..directory import UnitDirectory
from ..errors import NotADirective
from .annex import annex_body, annex_start
from .assignments import Duty, read_assignments
from .closing import closing_start, foot_columns, read_closing
from .empty_fields import flag_empty_fields
from .header import TYPE_NAMES, Header, read_header
from .issuer import empty_directory, pick_directory, read_issuer
from .references import read_references
from .text import Notes, fold, normalise
from .units import Named, Scanner

__all__ = ["ImportResult", "LeadSource", "import_letter", "read_letter"]


@dataclass(frozen=True)
class LeadSource:
    """How the letter wrote the lead of one assignment: the words, and whether they were
    a group phrase ("các phòng, đơn vị thuộc Sở") the importer expanded into its units."""

    written: str
    group: bool
    coordinating: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    content: DirectiveContent
    warnings: list[ImportWarning] = field(default_factory=list)
    # One per assignment, same order: provenance for the clerk's review and the scorer.
    sources: list[LeadSource] = field(default_factory=list)


def read_letter(
    text: str,
    directories: Sequence[UnitDirectory],
    fallback: UnitDirectory,
    on_date: Callable[[dt.date], tuple[Sequence[UnitDirectory], UnitDirectory]] | None = None,
) -> tuple[UnitDirectory, ImportResult]:
    """Import a letter with its issuer's directory, chosen among `directories`.

    With `on_date`, a letter that prints its date (or at least its year) is read with
    the directories in force on that day (`on_date` gives them and the fallback):
    a 2020 letter names 2020 units even after a reorganisation. An undated letter is
    read with `directories` (the newest versions).

    An issuer without a directory here gets an empty one (its group phrases are kept as
    written, and flagged); a letter that names no issuer at all is read with `fallback`
    (the clerk's agency), and flagged.
    """
    head = read_header(normalise(text))
    day = head.date or (dt.date(head.year, 12, 31) if head.year else None)
    if on_date is not None and day is not None:
        directories, fallback = on_date(day)
    issuer = read_issuer(head, directories)
    directory = pick_directory(issuer, head, text, directories)
    extra = Notes()
    if directory is None and issuer is not None:
        directory = empty_directory(issuer)
        extra.add(
            "no_directory",
            "issuer",
            f"Chưa có danh mục đơn vị của “{issuer.name}”; các cụm như “các phòng, đơn vị” "
            "được giữ nguyên, cần chọn đơn vị.",
        )
    elif directory is None:
        directory = fallback
        extra.add(
            "issuer_unknown",
            "issuer",
            f"Không rõ cơ quan ban hành; đã đọc theo danh mục của {fallback.name} "
            f"{fallback.province}.",
        )
    result = import_letter(text, directory)
    result.warnings[:0] = extra.items
    return directory, result


def import_letter(text: str, directory: UnitDirectory) -> ImportResult:
    """Draft directive content from the text of a letter; raises NotADirective."""
    lines = normalise(foot_columns(text))
    head = read_header(lines)
    notes = Notes()
    notes.extend(head.notes)
    foot_at = closing_start(lines, head.body_start)
    annex_at = annex_start(lines, foot_at)
    body = lines[head.body_start : foot_at] + annex_body(lines[annex_at:])
    body_text = " ".join(line for line in body if line)
    references = read_references(f"{head.subject or ''} {body_text}", head.symbol)
    years = [r.date.year for r in references if r.date]
    year = head.year or (max(years) if years else None)

    # The signing date, when printed, dates "05 ngày làm việc kể từ ngày ký".
    duties = read_assignments(body, directory, head.date or year, head.addressees)
    doc_type = _doc_type(head, notes)
    # Without any header, only a duty given to a unit of the directory shows a directive:
    # news and reports also say "X yêu cầu các chủ đầu tư ...".
    if doc_type is None and not any(d.lead is not None and d.lead.unit for d in duties):
        raise NotADirective(["subject line (V/v or type title)", "assignment"])
    if doc_type is None:
        notes.add("doc_type_assumed", "doc_type", "Không rõ loại văn bản; tạm coi là công văn.")
    if not duties and not head.number_line and head.title_type is None:
        raise NotADirective(["assignment", "number/symbol line", "type title"])

    recipients = _recipients(head, directory, notes)
    closing = read_closing(lines[foot_at:annex_at], directory, recipients)
    notes.extend(closing.notes)
    assignments = [_assignment(duty, i, notes) for i, duty in enumerate(duties)]
    if not assignments:
        notes.add("no_assignments", "assignments", "Không tìm thấy nhiệm vụ giao; cần nhập tay.")
    content = DirectiveContent(
        doc_type=doc_type or DocType.OFFICIAL_LETTER,
        number=head.number,
        symbol=head.symbol,
        issuer=_issuer(head, directory, body_text),
        place=head.place,
        date=head.date,
        subject=head.subject or "",
        urgency=head.urgency,
        recipients=tuple(recipients),
        references=tuple(references),
        distribution=tuple(closing.distribution),
        signer=closing.signer,
        assignments=tuple(assignments),
    )
    flag_empty_fields(content, notes)
    return ImportResult(content=content, warnings=notes.items, sources=_sources(duties))


def _sources(duties: list[Duty]) -> list[LeadSource]:
    out: list[LeadSource] = []
    for duty in duties:
        lead = duty.lead
        written = lead.written if lead is not None else duty.lead_written
        coords = tuple(dict.fromkeys(n.written for n in duty.coordinating))
        out.append(LeadSource(written, bool(lead and lead.generic), coords))
    return out


def _doc_type(head: Header, notes: Notes) -> DocType | None:
    by_symbol = head.symbol_type
    found = head.title_type or by_symbol
    if head.title_type and by_symbol and head.title_type is not by_symbol:
        notes.add(
            "type_mismatch",
            "doc_type",
            f"Tên loại văn bản ({head.title_type.value}) khác ký hiệu “{head.symbol}”; "
            "đã theo tên loại.",
        )
    if found is None and head.subject_line:
        found = DocType.OFFICIAL_LETTER
    if found is None and head.subject:
        notes.add("doc_type_assumed", "doc_type", "Không rõ loại văn bản; tạm coi là công văn.")
        found = DocType.OFFICIAL_LETTER
    if found is not None and found is not DocType.OFFICIAL_LETTER and head.subject_line:
        notes.add(
            "subject_line_on_non_letter",
            "subject",
            "Trích yếu “V/v” chỉ dùng cho công văn (Nghị định 30/2020), "
            f"nhưng đây là {TYPE_NAMES[found]}.",
        )
    return found


def _issuer(head: Header, directory: UnitDirectory, body_text: str) -> str | None:
    printed = read_issuer(head, [directory])
    if printed is not None and fold(printed.body) == fold(directory.name):
        # A configured department goes by its directory name ("Sở Xây dựng"), its province
        # being the deployment's; any other issuer in full, with its locality.
        own_department = directory.code and printed.level == "department"
        return directory.name if own_department else printed.name
    if printed is not None:
        # Another body: as the directory calls it when it knows it ("UBND tỉnh").
        known = next(filter(None, map(directory.match, reversed(head.issuing_lines))), None)
        return known.name if known is not None else printed.name
    abbreviation = head.symbol_issuer
    if abbreviation and fold(abbreviation) == fold(directory.short_name):
        return directory.name
    for line in reversed(head.issuing_lines):
        if fold(line) == fold(directory.name):
            return directory.name
        unit = directory.match(line)
        if unit is not None:
            return unit.name
    if fold(directory.name) in fold(body_text):
        return directory.name
    if head.issuing_lines:
        return _sentence_case(head.issuing_lines[-1])
    return None


def _sentence_case(caps: str) -> str:
    words = caps.lower().split()
    return " ".join(w.capitalize() if i < 2 else w for i, w in enumerate(words))


def _recipients(head: Header, directory: UnitDirectory, notes: Notes) -> list[UnitRef]:
    refs: list[UnitRef] = []
    for text in head.addressees:
        text = text.strip().lstrip("-+• ").rstrip(" ;.,")
        named, end = Scanner(text, directory).units()
        if not named or end < len(text):
            named = [Named(text)] if not named else [*named, Named(text[end:].strip(" ,;"))]
        for n in named:
            if not n.written.strip() and n.unit is None:
                continue
            ref = n.ref()
            if ref in refs:
                continue
            if n.unit is None:
                notes.add(
                    "unknown_unit",
                    f"recipients[{len(refs)}]",
                    f"“{n.written}” không có trong danh mục đơn vị; giữ nguyên tên.",
                )
            refs.append(ref)
    return refs


def _assignment(duty: Duty, index: int, notes: Notes) -> Assignment:
    where = f"assignments[{index}]"
    lead = duty.lead
    if lead is None or lead.unresolved or (lead.vague and lead.unit is None):
        written = lead.written if lead else duty.lead_written
        notes.add(
            "no_lead_unit",
            f"{where}.lead_unit",
            f"Không xác định được đơn vị chủ trì (“{written}”); cần chọn đơn vị.",
        )
        lead_ref = UnitRef(name=written)
    else:
        _unit_notes(lead, f"{where}.lead_unit", notes)
        lead_ref = lead.ref()
    coordinating: list[UnitRef] = []
    warned: set[str] = set()
    for named in duty.coordinating:
        ref = named.ref()
        if ref in coordinating or ref == lead_ref:
            continue
        # One warning per phrase: "các phòng chuyên môn liên quan" expands to six units.
        if named.written not in warned:
            _unit_notes(named, f"{where}.coordinating_units[{len(coordinating)}]", notes)
            warned.add(named.written)
        coordinating.append(ref)
    notes.extend(duty.notes, where)
    return Assignment(
        lead_unit=lead_ref,
        coordinating_units=tuple(coordinating),
        action=duty.action,
        deadline=duty.deadline,
    )


def _unit_notes(named: Named, where: str, notes: Notes) -> None:
    if named.vague and named.unit is None:
        notes.add("vague_unit", where, f"“{named.written}” không chỉ rõ đơn vị nào; cần chọn.")
    elif named.vague:
        notes.add(
            "vague_unit",
            where,
            f"“{named.written}” được hiểu là tất cả các đơn vị cùng loại; cần rà lại.",
        )
    elif named.unit is None:
        notes.add(
            "unknown_unit", where, f"“{named.written}” không có trong danh mục đơn vị; giữ nguyên."
        )
