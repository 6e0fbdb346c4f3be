"""Every field a draft leaves empty carries a warning naming it (importer.empty_fields).

Short excerpts written for the rule: whatever the reason a field stays empty, the clerk
is told, once per field.
"""

from __future__ import annotations

from services.directives.domain.directory import UnitDirectory
from services.directives.domain.importer import import_letter

from .test_importer_blind_letters import directory

__all__ = ["directory"]


def fields(text: str, directory: UnitDirectory) -> dict[str, list[str]]:
    """Warning codes by the field they name."""
    out: dict[str, list[str]] = {}
    for w in import_letter(text, directory).warnings:
        out.setdefault(w.field, []).append(w.code)
    return out


def test_a_letter_without_header_or_signature_flags_each_empty_field(
    directory: UnitDirectory,
) -> None:
    text = "V/v kiểm tra hồ sơ\n\n- Giao Văn phòng Sở rà soát hồ sơ lưu trữ.\n"
    warned = fields(text, directory)
    assert warned["number"] == ["no_number"]
    assert warned["date"] == ["no_date"]
    assert warned["signer"] == ["no_signer"]
    assert warned["assignments[0].deadline"] == ["no_deadline"]


def test_a_field_a_reader_already_flagged_is_not_flagged_twice(
    directory: UnitDirectory,
) -> None:
    text = (
        "Số:    /SXD-VP\nThanh Hóa, ngày    tháng 5 năm 2022\nV/v thử\n\n"
        "- Giao Văn phòng Sở kiểm tra, hoàn thành trước mùa mưa lũ.\n"
        "Nơi nhận:\n- Lưu: VT.\nGIÁM ĐỐC\nTrần Văn Bình\n"
    )
    warned = fields(text, directory)
    assert warned["number"] == ["blank_number"]
    assert warned["date"] == ["blank_date"]
    assert warned["assignments[0].deadline"] == ["unparsed_deadline"]
    assert "signer" not in warned


def test_a_dated_duty_is_not_flagged(directory: UnitDirectory) -> None:
    text = (
        "Số: 12/SXD-VP\nThanh Hóa, ngày 02 tháng 3 năm 2022\nV/v thử\n\n"
        "- Giao Văn phòng Sở kiểm tra hồ sơ, hoàn thành trước ngày 30/4/2022.\n"
        "Nơi nhận:\n- Lưu: VT.\nGIÁM ĐỐC\nTrần Văn Bình\n"
    )
    assert fields(text, directory) == {}
