"""Value types shared by the public events and the services' domains.

They are the vocabulary of a directive as Decree 30/2020 describes it. Being part of
the public contract, a change here changes `contracts/*.schema.json`: only add
optional fields; anything else is a new event version.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Value(BaseModel):
    """Base of every contract type: immutable. Unknown fields are ignored, not refused:
    a reader built against v1 must accept a v1 event that gained an optional field
    (the compatible evolution the contracts allow)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class UnitKind(StrEnum):
    LEADERSHIP = "leadership"  # Ban Giám đốc
    OFFICE = "office"  # Văn phòng Sở
    INSPECTORATE = "inspectorate"  # Thanh tra Sở
    DIVISION = "division"  # phòng chuyên môn
    AFFILIATED = "affiliated"  # đơn vị trực thuộc
    MASS_ORGANISATION = "mass_organisation"  # Công đoàn, Đoàn Thanh niên, Hội CCB
    EXTERNAL = "external"  # UBND tỉnh, Sở Nội vụ, ...


class Unit(Value):
    """One unit of an agency's directory."""

    code: str = Field(description="Stable short code, e.g. 'VP'.")
    name: str = Field(description="Official Vietnamese name, e.g. 'Văn phòng Sở'.")
    kind: UnitKind
    aliases: tuple[str, ...] = ()
    staff: int | None = Field(default=None, description="Head count, for coverage figures.")
    agency: str | None = Field(
        default=None,
        description="The agency this unit is, when it has its own directory on the "
        "platform: a province's department (unit 'SXD' of 'ubnd-thanhhoa' is the agency "
        "'sxd-thanhhoa'). Directives of the province addressed to the unit reach it.",
    )


class Actor(Value):
    """Who did it: the identity provider's stable subject id and the display name.
    Nothing else about the person travels in public events."""

    subject: str = Field(description="Stable subject id (the token's `sub`).")
    name: str = Field(description="Display name, e.g. 'Nguyễn Văn A'.")


class UnitRef(Value):
    """A unit as a document names it: `code` is None when the directory does not know it."""

    code: str | None = None
    name: str


class DeadlineKind(StrEnum):
    DATE = "date"  # one date, e.g. 30/6/2020
    YEARLY = "yearly"  # a day/month every year, e.g. "trước ngày 15/12 hằng năm"
    QUARTERLY = "quarterly"  # a day of the last month of each quarter
    MONTHLY = "monthly"  # a day of every month
    ONGOING = "ongoing"  # "thường xuyên": no date, never overdue
    NONE = "none"  # nothing written


class Deadline(Value):
    kind: DeadlineKind
    date: dt.date | None = Field(default=None, description="For kind=date.")
    day: int | None = Field(default=None, ge=1, le=31, description="For yearly/quarterly/monthly.")
    month: int | None = Field(default=None, ge=1, le=12, description="For yearly.")
    time: dt.time | None = Field(default=None, description="Time of day, when written.")
    text: str = Field(default="", description="The words of the document, as written.")

    @classmethod
    def none(cls) -> Deadline:
        return cls(kind=DeadlineKind.NONE)


class Assignment(Value):
    """One duty the directive gives: a lead unit (chủ trì), coordinating units (phối hợp)."""

    lead_unit: UnitRef
    coordinating_units: tuple[UnitRef, ...] = ()
    action: str
    deadline: Deadline = Field(default_factory=Deadline.none)


class DocumentRef(Value):
    """A parent document the directive implements, e.g. Kế hoạch số 84/KH-UBND."""

    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    date: dt.date | None = None
    issuer: str | None = None
    text: str = ""


DistributionPurpose = Literal["execute", "coordinate", "report", "file", "info"]


class DistributionEntry(Value):
    """One line of "Nơi nhận": execute (thực hiện / Như trên), coordinate (ph/h),
    report (b/c), file (Lưu), info (để biết)."""

    name: str
    code: str | None = None
    purpose: DistributionPurpose


class Signer(Value):
    authority: str | None = Field(default=None, description="TM., KT., TL., TUQ., Q. or none.")
    title: str
    name: str


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"  # Khẩn
    VERY_URGENT = "very_urgent"  # Thượng khẩn
    FLASH = "flash"  # Hỏa tốc


class DocType(StrEnum):
    """Document types of Decree 30/2020, Appendix III; the value is the English name,
    `DOC_TYPE_ABBREVIATIONS` gives the official abbreviation used in symbols."""

    OFFICIAL_LETTER = "official_letter"  # công văn: no abbreviation in the symbol
    RESOLUTION = "resolution"  # nghị quyết, NQ
    DECISION = "decision"  # quyết định, QĐ
    DIRECTIVE = "directive"  # chỉ thị, CT
    REGULATION = "regulation"  # quy chế, QC
    RULES = "rules"  # quy định, QyĐ
    NOTICE = "notice"  # thông báo, TB
    GUIDANCE = "guidance"  # hướng dẫn, HD
    PROGRAMME = "programme"  # chương trình, CTr
    PLAN = "plan"  # kế hoạch, KH
    OPTION = "option"  # phương án, PA
    SCHEME = "scheme"  # đề án, ĐA
    REPORT = "report"  # báo cáo, BC
    MINUTES = "minutes"  # biên bản, BB
    SUBMISSION = "submission"  # tờ trình, TTr
    TELEGRAM = "telegram"  # công điện, CĐ
    INVITATION = "invitation"  # giấy mời, GM


DOC_TYPE_ABBREVIATIONS: dict[DocType, str] = {
    DocType.OFFICIAL_LETTER: "",
    DocType.RESOLUTION: "NQ",
    DocType.DECISION: "QĐ",
    DocType.DIRECTIVE: "CT",
    DocType.REGULATION: "QC",
    DocType.RULES: "QyĐ",
    DocType.NOTICE: "TB",
    DocType.GUIDANCE: "HD",
    DocType.PROGRAMME: "CTr",
    DocType.PLAN: "KH",
    DocType.OPTION: "PA",
    DocType.SCHEME: "ĐA",
    DocType.REPORT: "BC",
    DocType.MINUTES: "BB",
    DocType.SUBMISSION: "TTr",
    DocType.TELEGRAM: "CĐ",
    DocType.INVITATION: "GM",
}


class DirectiveContent(Value):
    """What a directive says. The import returns it as a draft; `directive.issued`
    carries it with number, symbol and date filled in."""

    doc_type: DocType
    number: str | None = Field(default=None, description="'05', as printed; None until issued.")
    symbol: str | None = Field(default=None, description="'TB-SXD', the part after the slash.")
    issuer: str | None = Field(default=None, description="Issuing body, e.g. 'Sở Xây dựng'.")
    place: str | None = None
    date: dt.date | None = None
    subject: str
    urgency: Urgency = Urgency.NORMAL
    recipients: tuple[UnitRef, ...] = Field(default=(), description="Kính gửi.")
    references: tuple[DocumentRef, ...] = ()
    distribution: tuple[DistributionEntry, ...] = Field(default=(), description="Nơi nhận.")
    signer: Signer | None = None
    assignments: tuple[Assignment, ...] = ()


class ImportWarning(Value):
    """Something the importer could not resolve; shown to the clerk, never guessed away."""

    code: str = Field(description="Stable English code, e.g. 'blank_number'.")
    field: str = Field(
        description="The field it concerns, e.g. 'number' or 'assignments[1].lead_unit'."
    )
    message: str = Field(description="Vietnamese explanation for the clerk.")
