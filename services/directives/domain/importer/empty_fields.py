"""The last pass over a draft: every field it leaves empty carries a warning naming it.

The readers warn where they stumble (a blank number, a deadline they cannot read, a lead
they cannot place), but a field can also stay empty because no reader recognised the
words at all: a deadline in a phrasing no rule knows, a signature block in an unusual
arrangement. The clerk must never have to guess which empty fields were checked, so this
pass adds a warning to each empty field that none of the readers warned about, whatever
the reason it is empty. It reads the finished draft only, never the letter.
"""

from __future__ import annotations

from shared.contracts.values import DeadlineKind, DirectiveContent, ImportWarning

from .text import Notes

__all__ = ["flag_empty_fields"]

# Field, code, message for the document's own fields.
_DOCUMENT_FIELDS = (
    ("number", "no_number", "Không tìm thấy số, ký hiệu văn bản; cần nhập tay."),
    ("date", "no_date", "Không tìm thấy ngày ban hành; cần nhập tay."),
    ("issuer", "no_issuer", "Không tìm thấy cơ quan ban hành; cần nhập tay."),
    ("signer", "no_signer", "Không tìm thấy chức danh và tên người ký."),
    ("subject", "no_subject", "Không tìm thấy trích yếu (V/v hoặc tên loại)."),
)


def flag_empty_fields(content: DirectiveContent, notes: Notes) -> None:
    """Add a warning to `notes` for each empty field of `content` no warning names yet."""
    empty = {
        "number": not content.number,
        "date": content.date is None,
        "issuer": not content.issuer,
        "signer": content.signer is None,
        "subject": not content.subject.strip(),
    }
    for name, code, message in _DOCUMENT_FIELDS:
        if empty[name] and not _warned(notes.items, name):
            notes.add(code, name, message)
    unnamed = content.signer is not None and not content.signer.name.strip()
    if unnamed and not _warned(notes.items, "signer"):
        notes.add("no_signer_name", "signer.name", "Không tìm thấy tên người ký.")
    for k, assignment in enumerate(content.assignments):
        where = f"assignments[{k}]"
        lead = assignment.lead_unit
        if lead.code is None and not _warned(notes.items, f"{where}.lead_unit"):
            notes.add(
                "no_lead_unit",
                f"{where}.lead_unit",
                f"Đơn vị chủ trì “{lead.name}” chưa có trong danh mục; cần chọn đơn vị.",
            )
        deadline = assignment.deadline
        if deadline.kind is DeadlineKind.NONE and not _warned(notes.items, f"{where}.deadline"):
            # The letter may state no deadline for this duty, or state it in words no rule
            # reads (in another sentence, column or paragraph): only the clerk can tell.
            said = f" (văn bản ghi “{deadline.text}”)" if deadline.text else ""
            notes.add(
                "no_deadline",
                f"{where}.deadline",
                f"Chưa xác định được thời hạn{said}; nếu văn bản có giao hạn thì cần nhập tay.",
            )


def _warned(warnings: list[ImportWarning], path: str) -> bool:
    """Whether a warning names `path` or a part of it ("signer" covers "signer.name")."""
    return any(w.field == path or w.field.startswith((f"{path}.", f"{path}[")) for w in warnings)
