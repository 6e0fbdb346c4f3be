"""Who speaks in a letter, and who is a body under its issuer.

"Sở Xây dựng trân trọng kính mời", "Giám đốc Sở yêu cầu:", "UBND tỉnh giao": the letter's
own voice, never a lead. "Phòng Quản lý đô thị yêu cầu đơn vị quản lý đường bộ …": a unit
under the issuer passing its duty on to bodies it oversees; the duty is the unit's.
"""

from __future__ import annotations

import re

from shared.contracts.values import UnitKind

from ..directory import TITLE_RE, UnitDirectory
from .text import UPPER, fold
from .units import Named

__all__ = ["SPEAKING_RE", "is_issuer", "passes_on", "proper"]

# "Văn phòng Sở thông báo để các phòng biết", "Sở Xây dựng trân trọng kính mời": the
# issuer speaking, not a duty.
SPEAKING_RE = re.compile(r"thong bao|tran trong|kinh (?:moi|gui|de nghi)|xin|cam on|nhan duoc")


_CAPITAL_OR_DIGIT = "(?:" + UPPER + "|[0-9])"
_PROPER_RE = re.compile(
    r"(?:(?:Thủ trưởng|Giám đốc|Chủ tịch|Trưởng|Chánh) )?"
    r"(?:Sở|Phòng|Ban|Trung tâm|Chi cục|Cục|Văn phòng|Thanh tra|Đài|Báo|Công an|UBND|Ủy ban"
    r"|Uỷ ban|Kho bạc|Bảo hiểm|Hội|Đoàn|Viện|Trường|Bộ|Ngân hàng|Công ty|Liên đoàn|Mặt trận"
    r"|Bệnh viện|Hạt|Đội|Trạm|Quỹ|Tổng|Liên minh|Điện lực|Hội đồng|Cảng vụ|Khu bảo tồn|Khu|Thuế"
    r"|Thống kê|Vườn quốc gia|Các|các)"
    r" (?:"
    + _CAPITAL_OR_DIGIT
    + r"|tỉnh|huyện|thị|xã|phường|thành|sở|phòng|đơn|ban|chi|trung|cơ|địa|các"
    # "Ủy ban nhân dân các xã": the committee's full name.
    r"|nhân dân|chủ đầu tư|tổ dân phố|bệnh viện|trường)"
)


def proper(named: Named) -> bool:
    """A unit name, not a sentence that happens to open like one ("Ban hành kèm theo")."""
    if named.unit is not None or named.generic:
        return True
    return _PROPER_RE.match(named.written) is not None and not SPEAKING_RE.search(
        fold(named.written)
    )


# Bodies whose "yêu cầu", "chỉ đạo" is the letter's own voice (the issuer or its council),
# not a unit passing a duty on.
_VOICE_RE = re.compile(r"(?:ubnd|uy ban|hdnd|hoi dong|ban chi dao|ban chi huy|thuong truc)")
_LOCAL_GROUP_RE = re.compile(r" cac ")


# The local level a committee or council is named at, and how high it stands.
_LOCAL_LEVEL_RE = re.compile(
    r"(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan) (?P<level>xa|phuong|thi tran|dac khu"
    r"|huyen|quan|thi xa)(?![\w])"
)
_RANK = {"xa": 0, "phuong": 0, "thi tran": 0, "dac khu": 0, "huyen": 1, "quan": 1, "thi xa": 1}
_ISSUER_RANK = {"commune": 0, "district": 1}


def _bare_and_voice(named: Named, directory: UnitDirectory) -> tuple[str, bool]:
    """The subject's words without a leading head title (folded), and whether they are
    the letter's own voice (a committee, a council, a steering board). "UBND các huyện"
    is no voice of the letter: a group of bodies under it; nor is "UBND xã Kim Hải" in a
    district's letter (a committee a level below the issuer's)."""
    written = fold(named.written)
    title = TITLE_RE.match(written)
    bare = written[title.end() :] if title else written
    local = _LOCAL_LEVEL_RE.match(bare)
    below = local is not None and _RANK[local.group("level")] < _ISSUER_RANK.get(directory.level, 2)
    return bare, bool(_VOICE_RE.match(bare)) and not _LOCAL_GROUP_RE.search(bare) and not below


def passes_on(subject: list[Named], directory: UnitDirectory) -> bool:
    """Whether every subject is a unit under the issuer (not the issuer speaking)."""
    issuer = fold(directory.name)
    for named in subject:
        bare, voice = _bare_and_voice(named, directory)
        leadership = named.unit is not None and named.unit.kind is UnitKind.LEADERSHIP
        own = issuer.startswith(bare) or (
            bare.startswith(issuer) and not _named_apart(named, issuer)
        )
        if not proper(named) or voice or leadership or own:
            return False
    return bool(subject)


def _named_apart(named: Named, issuer: str) -> bool:
    """ "UBND thành phố Thủ Đức" under an issuer named "Ủy ban nhân dân thành phố" without
    its place: the issuer's words then a proper name name another body."""
    title = TITLE_RE.match(fold(named.written))
    after = named.written[(title.end() if title else 0) + len(issuer) :]
    return re.match(r" " + UPPER, after) is not None


def is_issuer(subject: list[Named], directory: UnitDirectory) -> bool:
    """Whether the subject is the issuer itself or its council ("Sở X ban hành Kế hoạch
    như sau:", "UBND tỉnh yêu cầu:"): the letter's voice, whose items are no duty of its
    own."""
    issuer = fold(directory.name)
    for named in subject:
        bare, voice = _bare_and_voice(named, directory)
        if not (voice or bare.startswith(issuer) or issuer.startswith(bare)):
            return False
    return bool(subject)
