"""Names of the bodies every province, district and ward has by law.

A reader knows these names whole, in any province: in "Sở Tài chính cân đối, tham mưu …"
or "Phòng Quản lý đô thị rút ngắn thời gian …" the name is "Sở Tài chính", "Phòng Quản lý
đô thị", and the lower-case words after it are the duty, whatever their verb (the verb
list cannot hold every verb). Only the standard names of a province's departments
(Decree 24/2014, 107/2020 and the 2025 merger) and of a district's or ward's offices
(Decree 37/2014, 108/2020, the 2025 two-tier local government) are here.
"""

from __future__ import annotations

import re

from .text import fold

__all__ = ["standard_end"]

_NAMES = (
    # A province's departments (before and after the 2025 merger).
    "Sở Nội vụ", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Nông nghiệp và Môi trường",
    "Sở Giao thông vận tải", "Sở Xây dựng", "Sở Tài nguyên và Môi trường",
    "Sở Thông tin và Truyền thông", "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa và Thể thao", "Sở Du lịch",
    "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Ngoại vụ",
    "Sở Dân tộc và Tôn giáo",
    # A district's offices, and a 2025 ward's or commune's.
    "Phòng Nội vụ", "Phòng Tư pháp", "Phòng Tài chính - Kế hoạch",
    "Phòng Tài nguyên và Môi trường", "Phòng Lao động - Thương binh và Xã hội",
    "Phòng Văn hóa và Thông tin", "Phòng Giáo dục và Đào tạo", "Phòng Y tế",
    "Phòng Kinh tế", "Phòng Quản lý đô thị", "Phòng Kinh tế và Hạ tầng",
    "Phòng Nông nghiệp và Phát triển nông thôn", "Phòng Dân tộc",
    "Phòng Kinh tế, Hạ tầng và Đô thị", "Phòng Văn hóa - Xã hội",
)  # fmt: skip
# Longest first: "Phòng Kinh tế, Hạ tầng và Đô thị" before "Phòng Kinh tế".
_FOLDED = sorted({fold(n) for n in _NAMES}, key=len, reverse=True)
# What may follow a name and still be part of it: a place ("Sở Y tế tỉnh", "Phòng Y tế
# quận, huyện"), the body it belongs to, "và" (a longer name or another body), "cùng cấp"
# (the body of the same level as the addressee: "Phòng Y tế cùng cấp").
_GOES_ON_RE = re.compile(
    r" (?:tinh|huyen|quan|thi xa|thanh pho|xa|phuong|thi tran|dac khu|thuoc|truc thuoc|cua"
    r"|va|cac)(?![\w])"
)
# Compared with diacritics: folded, "cùng cấp" reads as "cung cấp" (provide).
_SAME_LEVEL_RE = re.compile(r" cùng cấp(?![\w])")


def standard_end(text: str, folded: str, pos: int, end: int) -> int | None:
    """Where a standard name that the words `text[pos:end]` start with ends, when a
    lower-case word that is no part of it follows (else None)."""
    for name in _FOLDED:
        stop = pos + len(name)
        if stop >= end or not folded.startswith(name, pos):
            continue
        if folded[stop] != " " or _GOES_ON_RE.match(folded, stop):
            return None
        if _SAME_LEVEL_RE.match(text, stop):
            return None
        nxt = text[stop + 1 : stop + 2]
        return stop if nxt.isalpha() and nxt.islower() else None
    return None
