"""Closing lines that only ask for the letter to be carried out.

"Yêu cầu các đơn vị nghiêm túc thực hiện Chỉ thị này", "Các đơn vị, địa phương quan tâm
phối hợp thực hiện", a decision's last article "Chánh Văn phòng …, Giám đốc các sở … chịu
trách nhiệm thi hành Quyết định này": the closing line asks for the letter itself to be
carried out; it gives no task of its own to track (corpus README: not an assignment).
"""

from __future__ import annotations

import re

from shared.contracts.values import DeadlineKind

from .deadlines import Found
from .text import fold, split_top
from .units import VERB_RE

__all__ = ["bare_closing"]

_GROUP = r"(?:co quan|don vi|dia phuong|phong|ban|nganh)"
_MANNER = (
    r"(?:nghiem tuc|khan truong|chu dong|kip thoi|quan tam|to chuc|phoi hop|trien khai"
    r"|chi dao|chiu trach nhiem|co trach nhiem|tot|nghiem|dung|day du|hieu qua|co hieu qua)"
)
# "căn cứ chức năng, nhiệm vụ", "căn cứ nhiệm vụ được giao tại Mục III": by each one's
# own remit, which the letter gave already.
_BY_REMIT = (
    r"(?:can cu (?:vao )?(?:chuc nang,? )?nhiem vu(?: (?:duoc )?(?:giao|phan cong))?"
    r"(?: tai [^,;]{1,40}?)?,? )"
)
# "… thực hiện bảo đảm chất lượng, đúng thời hạn": how well, still no task of its own.
_QUALITY = (
    r"(?:,? (?:bao dam|dam bao) (?:chat luong|hieu qua|tien do|dung (?:thoi han|tien do))"
    r"(?:,? (?:chat luong|hieu qua|tien do|dung (?:thoi han|tien do|quy dinh)))*)?"
)
_CARRY_OUT = (
    rf"{_BY_REMIT}?(?:{_MANNER}[ ,]+)*(?:thuc hien|thi hanh)(?:[ ,]+{_MANNER})*"
    r"(?: noi dung)?"
    r"(?: (?:(?:chi thi|ke hoach|thong bao|cong van|cong dien|quyet dinh|van ban)(?: nay)?"
    rf"|cac noi dung (?:tren|neu tren)|noi dung nay|thoi gian quy dinh|quy dinh))?{_QUALITY}"
    r"[ ./]*"
)
# "Đề nghị các đơn vị khẩn trương …": the issuer asking (the line's subject is its own).
_ASK = r"(?:(?:yeu cau|de nghi) )?"
_CLOSING_RE = re.compile(
    rf"{_ASK}(?:(?:thu truong |truong |giam doc |chu tich )?cac {_GROUP}"
    rf"(?:(?:, | va ){_GROUP})* )?{_CARRY_OUT}"
)
_CARRY_OUT_RE = re.compile(_CARRY_OUT)
_ASK_RE = re.compile(_ASK)
# Words of the addressees a closing line may name before its "thực hiện" (a few names).
_NAMES_AT_MOST = 16
# "…; người đứng đầu chịu trách nhiệm trước UBND tỉnh về kết quả …", "Chủ tịch UBND thị xã
# chịu trách nhiệm trước UBND tỉnh nếu để chậm trễ": who answers for the duty, no duty.
_ANSWERS_FOR_RE = re.compile(r"(?:[^;]{0,80} )?chiu trach nhiem truoc ")
# "…; trong quá trình thực hiện nếu có khó khăn, vướng mắc, kịp thời báo cáo UBND tỉnh để
# được hướng dẫn": where to turn with problems while carrying the letter out, no task.
_IF_STUCK_RE = re.compile(
    r"(?:(?:trong )?qua trinh (?:to chuc )?thuc hien,? )?(?:neu )?co (?:phat sinh )?"
    r"kho khan,? vuong mac"
)


def bare_closing(text: str, found: Found) -> bool:
    """Whether a duty's text only asks for the letter to be carried out."""
    if found.deadline.kind is not DeadlineKind.NONE:
        return False
    # Each part: "nghiêm túc triển khai thực hiện; người đứng đầu chịu trách nhiệm trước …".
    parts = [fold(text[a:b]).strip(" ,") for a, b in split_top(text)]
    return all(_closing(p) or _ANSWERS_FOR_RE.match(p) or _IF_STUCK_RE.match(p) for p in parts if p)


def _closing(part: str) -> bool:
    if _CLOSING_RE.fullmatch(part):
        return True
    # "Tổ dân phố, bản khẩn trương triển khai thực hiện", "các cơ quan, đơn vị, khóm
    # nghiêm túc thực hiện": whoever the line names (words without a verb of their own,
    # so no task), the line only asks to carry the letter out.
    asked = _ASK_RE.match(part)
    begin = asked.end() if asked else 0
    for word in re.finditer(r"(?:^| )(?=\w)", part[begin:]):
        at = begin + word.end()
        if VERB_RE.match(part, at):
            named = part[begin:at].rstrip()
            # "…, tổ chức thực hiện": after a comma, the next clause of a task whose verb the
            # list does not know ("phân bổ kinh phí, tổ chức thực hiện"), not a closing line.
            few = 0 < len(named.split()) <= _NAMES_AT_MOST and not named.endswith(",")
            return few and bool(_CARRY_OUT_RE.fullmatch(part, at))
    return False
