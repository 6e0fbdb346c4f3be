"""Vietnamese for people: dates dd/mm/yyyy, Decree 30 document type names, statuses.

Codes stay English in the APIs; these are presentation only (Jinja filters). The
task wording is shared with the command line (`chidao.present`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chidao.present import STATUS_VI as TASK_STATUS
from chidao.present import deadline_text, vn_date
from shared.clock import VN_TZ
from shared.contracts.values import DOC_TYPE_ABBREVIATIONS, DocType

__all__ = ["TASK_STATUS", "deadline_text", "vn_date"]

# Decree 30/2020/NĐ-CP, Appendix III: the names as they are printed.
DOC_TYPE_NAMES: dict[str, str] = {
    DocType.OFFICIAL_LETTER: "Công văn",
    DocType.RESOLUTION: "Nghị quyết",
    DocType.DECISION: "Quyết định",
    DocType.DIRECTIVE: "Chỉ thị",
    DocType.REGULATION: "Quy chế",
    DocType.RULES: "Quy định",
    DocType.NOTICE: "Thông báo",
    DocType.GUIDANCE: "Hướng dẫn",
    DocType.PROGRAMME: "Chương trình",
    DocType.PLAN: "Kế hoạch",
    DocType.OPTION: "Phương án",
    DocType.SCHEME: "Đề án",
    DocType.REPORT: "Báo cáo",
    DocType.MINUTES: "Biên bản",
    DocType.SUBMISSION: "Tờ trình",
    DocType.TELEGRAM: "Công điện",
    DocType.INVITATION: "Giấy mời",
}

DIRECTIVE_STATUS = {"draft": "Dự thảo", "issued": "Đã ban hành", "revoked": "Đã thu hồi"}

URGENCY = {"normal": "Thường", "urgent": "Khẩn", "very_urgent": "Thượng khẩn", "flash": "Hỏa tốc"}

HISTORY_KIND = {
    "assigned": "Giao nhiệm vụ",
    "acknowledged": "Tiếp nhận",
    "progress_reported": "Báo cáo tiến độ",
    "completed": "Hoàn thành",
    "extension_requested": "Xin gia hạn",
    "extension_granted": "Cho gia hạn",
    "cancelled": "Hủy",
    "overdue": "Quá hạn",
}

# What a field path of an import warning is called on the draft form.
FIELD_LABELS = {
    "doc_type": "Loại văn bản",
    "number": "Số",
    "symbol": "Ký hiệu",
    "issuer": "Cơ quan ban hành",
    "place": "Địa danh",
    "date": "Ngày văn bản",
    "subject": "Trích yếu",
    "urgency": "Độ khẩn",
    "recipients": "Kính gửi",
    "references": "Căn cứ",
    "distribution": "Nơi nhận",
    "signer": "Người ký",
}


def doc_type_name(code: str | None) -> str:
    return DOC_TYPE_NAMES.get(code or "", code or "")


def doc_type_abbreviation(code: str) -> str:
    return DOC_TYPE_ABBREVIATIONS.get(DocType(code), "") if code in DOC_TYPE_NAMES else ""


def vn_datetime(value: str | dt.datetime | None) -> str:
    """``14:05 20/04/2020``, Vietnam's time."""
    if value is None:
        return ""
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is not None:
        when = when.astimezone(VN_TZ)
    return when.strftime("%H:%M %d/%m/%Y")


DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}"  # for <input pattern>: what people type


def parse_vn_date(text: str) -> str | None:
    """``30/6/2020`` or ``30/06/2020`` (as people write dates) → ``2020-06-30``; empty →
    None. Text inputs, not <input type=date>: that one shows the browser's own format
    (mm/dd/yyyy on an English system), and people here read and write dd/mm/yyyy."""
    text = text.strip()
    if not text:
        return None
    try:
        day, month, year = (int(part) for part in text.split("/"))
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(f"Ngày “{text}” không hợp lệ: hãy ghi theo dạng ngày/tháng/năm.") from None


def iso_day(value: str | dt.date | None) -> str:
    """For <input type=date>: yyyy-mm-dd."""
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat()


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",") + "%"


def days_overdue(task: dict[str, Any], today: dt.date) -> int:
    due = task.get("due_date")
    if not task.get("overdue") or not due:
        return 0
    return (today - dt.date.fromisoformat(due)).days


def reference(directive: dict[str, Any]) -> str:
    """``Số 05/TB-SXD``, or what the draft has of it."""
    if directive.get("reference"):
        return str(directive["reference"])
    number = directive.get("number") or "…"
    symbol = directive.get("symbol") or ""
    return f"{number}/{symbol}" if symbol else number


def filters() -> dict[str, Any]:
    return {
        "vn_date": vn_date,
        "vn_datetime": vn_datetime,
        "iso_day": iso_day,
        "doc_type_name": doc_type_name,
        "directive_status": lambda s: DIRECTIVE_STATUS.get(s, s),
        "task_status": lambda s: TASK_STATUS.get(s, s),
        "urgency": lambda s: URGENCY.get(s, s),
        "history_kind": lambda s: HISTORY_KIND.get(s, s),
        "deadline_text": deadline_text,
        "percent": percent,
        "reference": reference,
    }
