"""Vietnamese labels for the English codes, for whatever a person reads (API views,
the report). Codes stay English in data and events; these are presentation."""

from __future__ import annotations

from services.inspections.domain.model import Status
from services.inspections.domain.values import Role
from shared.contracts.events import InspectionArea, Severity

AREA_TITLES: dict[InspectionArea, str] = {
    InspectionArea.ATTITUDE: "Tinh thần, thái độ làm việc",
    InspectionArea.CONDUCT: "Chuẩn mực giao tiếp, ứng xử",
    InspectionArea.ETHICS: "Đạo đức, lối sống",
    InspectionArea.DRESS: "Trang phục",
}

SEVERITY_TITLES: dict[Severity, str] = {
    Severity.MINOR: "Nhẹ",
    Severity.MODERATE: "Trung bình",
    Severity.SERIOUS: "Nghiêm trọng",
}

ROLE_TITLES: dict[Role, str] = {
    Role.HEAD: "Trưởng đoàn",
    Role.DEPUTY: "Phó trưởng đoàn",
    Role.MEMBER: "Thành viên",
}

STATUS_TITLES: dict[Status, str] = {
    Status.PLANNED: "Đã lập kế hoạch",
    Status.COMPLETED: "Đã hoàn thành",
}
