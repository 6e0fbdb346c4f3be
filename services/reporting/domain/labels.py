"""Vietnamese wording shared by the drafted narrative and the DOCX."""

from __future__ import annotations

REPORT_TITLE = "Báo cáo kết quả thực hiện Đề án Văn hóa công vụ năm {year}"
SUMMARY = "Kết quả thực hiện Đề án Văn hóa công vụ năm {year}"

CATEGORY_LABELS = {
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành quá hạn",
    "open_in_deadline": "Chưa hoàn thành, còn trong hạn",
    "open_overdue": "Chưa hoàn thành, quá hạn",
}

# The four content areas of Decision 1847/QĐ-TTg, in the decision's order.
AREA_LABELS = {
    "attitude": "Tinh thần, thái độ làm việc",
    "conduct": "Chuẩn mực giao tiếp, ứng xử",
    "ethics": "Đạo đức, lối sống",
    "dress": "Trang phục",
}

SEVERITY_LABELS = {"minor": "Nhẹ", "moderate": "Trung bình", "serious": "Nghiêm trọng"}

SECTION_TITLES = {
    "overview": "I. Đánh giá chung",
    "results": "II. Kết quả thực hiện",
    "limitations": "III. Tồn tại, hạn chế",
    "next_year": "IV. Phương hướng, nhiệm vụ năm {next_year}",
    "proposals": "V. Đề xuất, kiến nghị",
}

# Office convention (b/c = for their information); the Office edits the list.
DEFAULT_RECIPIENTS = ("Sở Nội vụ (b/c)", "UBND tỉnh (b/c)", "Lưu: VT, VP")
