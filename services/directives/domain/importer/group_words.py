"""What a group of bodies is called by, beyond its plural head.

A letter addresses bodies that are not state offices by kind: "Các trường THPT trên địa
bàn tỉnh", "Các chủ rừng là tổ chức trên địa bàn tỉnh", "Ban Giám hiệu các trường học trên
địa bàn phường", "Trưởng ban điều hành các khóm". The words that say which of them ("là
tổ chức": the legal kind of owner; "trên địa bàn …": the area) and the board that heads
each of them are part of the name as written (corpus README: a group phrase is kept whole).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .text import UPPER

__all__ = ["BOARD_OF_RE", "qualified_end"]

# "là tổ chức", "là hộ gia đình, cá nhân", "là doanh nghiệp": the legal kind of the
# members (Law on Forestry, Investment Law: owners, investors that are organisations).
_KIND_RE = re.compile(
    r" la (?:to chuc|ca nhan|ho gia dinh|doanh nghiep|don vi su nghiep)"
    r"(?:(?:, | va | hoac )(?:to chuc|ca nhan|ho gia dinh))*(?![\w])"
)
# "trên địa bàn (tỉnh | huyện Lương Sơn | phường)", "đóng trên địa bàn tỉnh": the area.
_AREA_RE = re.compile(
    r" (?:dong )?tren dia ban(?: (?:toan )?(?:tinh|thanh pho|huyen|quan|thi xa|xa|phuong"
    r"|thi tran|dac khu))?(?![\w])"
)
_PROPER_NAME_RE = re.compile(r"(?: " + UPPER + r"[\w-]*)+")
# The board at the head of each member of a group: "Ban Giám hiệu các trường", "Ban điều
# hành các khu phố", "Ban Giám đốc các bệnh viện" (folded, before "các").
BOARD_OF_RE = re.compile(r"ban (?:giam hieu|giam doc|dieu hanh|lanh dao|quan tri) (?=cac )")


# "đang hoạt động trong các khu công nghiệp, khu kinh tế", "đang kinh doanh tại …": which
# members, by where they work.
_ACTIVE_RE = re.compile(r" dang (?:hoat dong|san xuat|kinh doanh)(?: (?:trong|tai|o))?(?![\w])")
_ACTIVE_WORDS = 12


def qualified_end(text: str, folded: str, end: int, is_verb: Callable[[int], bool]) -> int:
    """Where a plural group's name ends once its kind, activity and area words are taken
    in; `is_verb(pos)` tells where the duty's verb starts (the name ends before it)."""
    kind = _KIND_RE.match(folded, end)
    end = kind.end() if kind else end
    active = _ACTIVE_RE.match(folded, end)
    if active is not None:
        end = _words_up_to_verb(text, active.end(), is_verb)
    area = _AREA_RE.match(folded, end)
    if area is None:
        return end
    place = _PROPER_NAME_RE.match(text, area.end())
    has_level = area.group().rstrip().split()[-1] != "ban"
    return place.end() if place and has_level else area.end()


def _words_up_to_verb(text: str, end: int, is_verb: Callable[[int], bool]) -> int:
    """ "… trong các khu công nghiệp, khu kinh tế khẩn trương …": the place words, up to
    the verb (a few at most: a sentence without one is no name)."""
    cursor = end
    for _ in range(_ACTIVE_WORDS):
        word = re.match(r",? ([^\W\d_]+)", text[cursor:])
        if word is None or is_verb(cursor + word.start(1)):
            return cursor
        cursor += word.end()
    return end
