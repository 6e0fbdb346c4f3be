"""Lists of units inside running text.

Reads "Trưởng các phòng chuyên môn, Thủ trưởng các đơn vị trực thuộc", "Công đoàn Cơ
quan, Đoàn Thanh niên, Hội Cựu chiến binh và các phòng chuyên môn", "Chánh Văn phòng
Sở", "Sở Tài chính, Kho bạc Nhà nước tỉnh": known names and aliases, generic
addressees, and names the directory does not know (kept as written). The list ends
where the action begins, usually at a verb ("rà soát", "kiểm tra").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.contracts.values import Unit, UnitRef

from ..directory import TITLE_RE, UnitDirectory
from .group_words import BOARD_OF_RE, qualified_end
from .roles import DASH_ROLE_RE
from .standard_names import standard_end
from .text import UPPER, fold


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + "|".join(sorted(phrases, key=len, reverse=True)) + r")(?![\w])")


# "giao" (give a task), not "giao thông", "giáo dục", "giao dịch", "giao lưu".
GIVE = r"giao(?! (?:thong|duc|dich|luu|ket|thuong|tiep))"
# Verbs that open a duty; used to end unit lists and to split a bullet into duties.
VERB_RE = _words(
    "chu tri", "phoi hop", "chiu trach nhiem", "co trach nhiem", "thuc hien", "to chuc",
    "trien khai", "xay dung", "ra soat", "kiem tra", "giam sat", "tong hop", "bao cao", "tham muu",
    "huong dan", "theo doi", "don doc", "quan triet", "tuyen truyen", "pho bien", "nghien cuu",
    "bo sung", "de xuat", "lap", "chuan bi", "cap nhat", "bo tri", "hoan thanh", "hoan thien",
    "soan thao", "trinh", "gui", "tiep nhan", "giai quyet", "xu ly", "danh gia", "tham dinh",
    "thong ke", "cong bo", "cu", "can cu", "khan truong", "tang cuong", "dam bao", "bao dam",
    "phat dong", "duy tri", "thanh lap", "ban hanh", "dang tai", "cung cap", "rut kinh nghiem",
    "dang ky", "nop", "sua doi", "lua chon", "quan ly", "chi dao", "yeu cau", "de nghi",
    GIVE, "tap trung", "ho tro", "di doi", "khao sat", "day manh", "tham tra",
    "lam viec voi", "dieu tiet", "dieu tra",
    "tiep tuc", "nang cao", "van dong", "thanh tra", "kiem soat", "phan cong", "chu dong",
    "tap huan", "boi duong", "xac minh", "thu thap", "dua", "dinh ky", "thuong xuyen", "kip thoi",
    "nghiem tuc", "tich cuc", "phe duyet", "quy dinh", "du thao", "du tru", "chan chinh",
    "so hoa", "bien soan", "doi chieu", "la dau moi", "lam dau moi",
    # "là cơ quan thường trực", "là đơn vị tham mưu chính": a role the item gives its subject.
    r"la (?:co quan|don vi) (?:thuong truc|dau moi|tham muu|chu tri|chu quan|chuyen mon)",
    "keu goi", "so tan", "van hanh", "ung pho", "khac phuc", "dua tin", "phat song", "san sang",
    "tang thoi luong", "tuan tra", "phan luong", "cam bien", "niem yet", "thu hoi", "giai ngan",
    "quyet toan", "nghiem thu", "so ket", "tong ket", "chap hanh", "ban giao", "dieu dong",
    "huy dong", "ra quan", "cuong che", "chinh ly", "day nhanh", "cap phat", "lam sach",
    "tu van", "gioi thieu",
)  # fmt: skip
# Compared with diacritics: folded, "cán bộ" would read as "cần".
_FUNCTION_WORDS = frozenset(
    (
        "là", "về", "tại", "để", "trong", "theo", "với", "cho", "nhằm", "trước", "khi", "nếu",
        "thì", "đã", "sẽ", "đang", "cần", "phải", "có", "không", "được", "trên", "các",
        "những", "một", "ngày", "và", "hoặc", "sau", "từ", "đến", "kể", "như",
    )
)  # fmt: skip
_HEAD_RE = _words(
    "phong", "so", "ban", "trung tam", "vien", "ubnd", "uy ban", "cong an", "chi cuc", "cuc", "hoi",
    "doan", "cong doan", "thanh tra", "van phong", "truong", "bo", "kho bac", "ngan hang", "doi",
    "cong ty", "bao hiem", "bao", "dai", "tinh uy", "huyen uy", "thanh uy", "mat tran", "hoi dong",
    "tong cuc", "chi nhanh", "ban quan ly", "ubmttq", "tap doan", "chu dau tu", "hat", "hiep hoi",
    "tram", "buu dien", "lien doan", "to dan pho", "benh vien", "xi nghiep", "ban chi huy",
    "don vi su nghiep",
    # Bodies by their place in the budget: "các đơn vị dự toán (cấp tỉnh)", "các đơn vị sử
    # dụng ngân sách".
    "don vi du toan", "don vi su dung ngan sach",
    "doanh nghiep", "nha hat", "xom", "thon", "khoi", "huyen doan", "tinh doan", "thanh doan",
    # "Cảng vụ Hàng hải Kiên Giang"; "các lực lượng chức năng" (the forces of a sector).
    "cang vu", "luc luong",
    # Hamlets and neighbourhoods by region: "khóm", "ấp" (South), "buôn" (Central
    # Highlands), "khu phố".
    "khom", "ap", "buon", "khu pho",
    # Bodies that are not state offices: forest owners, national parks, nature reserves.
    "chu rung", "vuon quoc gia", "khu bao ton",
    "to cong tac", "doan kiem tra", "doan cong tac", "doan thanh tra",
    # Since 2025 the tax and statistics offices are named without "Cục": "Thuế tỉnh Khánh
    # Hòa", "Thống kê tỉnh Lào Cai", "Thuế cơ sở 3". Only before their place ("Thuế giá
    # trị gia tăng" is a tax).
    "thue(?= (?:tinh|thanh pho|co so))", "thong ke(?= (?:tinh|thanh pho))",
)  # fmt: skip
# The same heads with their diacritics (folding makes "Bảo vệ" look like "Báo").
_RAW_HEAD_RE = re.compile(
    r"(?:phòng|sở|ban|trung tâm|viện|ubnd|[ủu][ỷy] ban|công an|chi cục|cục|hội|đoàn|công đoàn"
    r"|thanh tra|văn phòng|trường|bộ|kho bạc|ngân hàng|đội|công ty|bảo hiểm|báo|đài"
    r"|(?:tỉnh|huyện|thành) [ủu][ỷy]|mặt trận|hội đồng|tổng cục|chi nhánh|ban quản lý|ubmttq"
    r"|tập đoàn|chủ đầu tư|hạt|hiệp hội|trạm|bưu điện|liên đoàn|tổ dân phố|bệnh viện|xí nghiệp"
    r"|đơn vị sự nghiệp|đơn vị dự toán|đơn vị sử dụng ngân sách"
    r"|ban chỉ huy|doanh nghiệp|nhà hát|xóm|thôn|khối|(?:huyện|tỉnh|thành) đoàn"
    r"|cảng vụ|lực lượng"
    r"|khóm|ấp|buôn|khu phố|chủ rừng|vườn quốc gia|khu bảo tồn"
    r"|tổ công tác|đoàn (?:kiểm tra|công tác|thanh tra)|thuế|thống kê)$"
)
_ORGS = r"(?:co quan|to chuc|don vi|phong|ban|dia phuong)"
_BOILERPLATE_RE = re.compile(rf"(?:cac )?(?:{_ORGS}(?:, | va ))*ca nhan(?: co)? lien quan(?![\w])")
_VAGUE_RE = re.compile(rf"(?:cac )?(?:{_ORGS}(?:, | va ))*{_ORGS}(?: co)? lien quan(?![\w])")
_SEP_RE = re.compile(r" ?(?:,|;| va| cung| &) ?")
# Local governments: "UBND các huyện, thị xã, thành phố" is one addressee (all of them),
# and "UBND huyện X" is not the provincial "UBND" the directory knows.
_LEVEL = r"(?:huyen|quan|thi xa|thanh pho|xa|phuong|thi tran|dac khu)"
# "UBND các huyện, thành, thị": after the first level, a list may shorten "thành phố" and
# "thị xã" to their first word (both are still places, never a body's name there).
_NEXT_LEVEL = rf"(?:{_LEVEL}|thanh|thi)"
_LOCAL_RE = re.compile(
    rf"(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan) cac {_LEVEL}"
    rf"(?:(?:, | va ){_NEXT_LEVEL})*(?![\w])"
)
# "UBND các huyện, thị xã Kiến Tường và thành phố Tân An": the group's last levels named
# by their places; one addressee as written (the districts, and those two).
_NAMED_LEVELS_RE = re.compile(
    r"(?: " + UPPER + r"[\w-]*)+(?:(?:, | và )(?:huyện|quận|thị xã|thành phố|xã|phường|thị trấn)"
    r"(?: " + UPPER + r"[\w-]*)+)*"
)
# "UBND các quận liên quan", "UBND các xã có liên quan": which ones, vaguely.
_CONCERNED_RE = re.compile(r" (?:co )?lien quan(?![\w])")
# "các Sở: Xây dựng, Tài chính": a kind of body and the names of several of them.
_KIND_LIST_RE = re.compile(r"cac (?P<kind>so|phong|chi cuc|trung tam|ban)\s*:\s*")
_KIND_WORD = {"so": "Sở", "phong": "Phòng", "chi cuc": "Chi cục", "trung tam": "Trung tâm",
              "ban": "Ban"}  # fmt: skip
_OF_ISSUER_RE = re.compile(r" (?:trực thuộc|thuộc|của) [Ss]ở$")
_OF_BODY_RE = re.compile(r" (?:trực thuộc|thuộc) (?=" + UPPER + r")")
_LEVEL_NAME_RE = re.compile(r"(?:huyện|quận|thị xã|thành phố|xã|phường|thị trấn)")
# One place of an enumeration: its separator, an optional level, a capitalised name.
_PLACE_ITEM_RE = re.compile(
    r"(?:\s*:\s*|\s+|,\s*|\s+và\s+)(?P<level>(?:huyện|quận|thị xã|thành phố|xã|phường"
    r"|thị trấn) )?(?P<name>" + UPPER + r"[\w-]*(?: " + UPPER + r"[\w-]*){0,3})"
)
_WHERE_RE = re.compile(
    r" (?:ven bien|mien nui|bien gioi|vung (?:cao|nui|trung du|thap|dong bang|ven bien)"
    r"|trong tinh|tren dia ban(?: tinh| huyen)?)(?![\w])"
)
_PLACES_RE = re.compile(rf" cac {_LEVEL}(?:(?:, | va ){_NEXT_LEVEL})*(?![\w])")
# "UBND thành phố Thủ Đức và các quận, huyện": one named local government and the others
# of a level, one addressee (a group) as written.
_NAMED_LOCAL_RE = re.compile(rf"(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan) {_LEVEL} ")
_AND_THE_OTHERS_RE = re.compile(rf" va cac {_LEVEL}(?:(?:, | va ){_NEXT_LEVEL})*(?![\w])")
# A district's or ward's office serves both its council and its committee.
_COUNCIL_OFFICE_RE = re.compile(
    rf"van phong (?:hdnd|hoi dong nhan dan) va (?:ubnd|uy ban nhan dan) {_LEVEL}(?![\w])"
)
_OPENER_RE = re.compile(r"(?:chu tri|phoi hop|co trach nhiem|la co quan|la don vi)(?![\w])")
_OPENER_AHEAD_RE = re.compile(
    r"(?:[^\s,;:.()]+ ){1,4}?(?=(?:chu tri|phoi hop voi|co trach nhiem|la co quan)(?![\w]))"
)
_NAMED_KIND_RE = re.compile(r"(?<=[pP]hòng) (?:" + UPPER + r"|khám)")
# Adverbs before the opener, and the passive "được đề nghị chủ trì": no words of a name.
_CAPITAL_NEXT_RE = re.compile(r" " + UPPER)
# What a management board manages, after "các" inside its name: "Ban Quản lý dự án đầu tư
# xây dựng các công trình giao thông", "Ban Quản lý các dự án", "Ban Quản lý các khu
# công nghiệp" (folded).
_MANAGED_RE = re.compile(r" (?:cong trinh|du an|khu)(?![\w])")
# "còn", "cũng" ("Trung tâm Y tế còn có trách nhiệm …"): "also", before the opener.
_ADVERB_RE = re.compile(
    r"(?:chu dong|tich cuc|kip thoi|khan truong|thuong xuyen|duoc|con|cung)(?![\w])"
)
_NOT_THIS_UNIT_RE = re.compile(rf" (?:cac|nhung|{_LEVEL})(?![\w])")
_REMAINING_RE = re.compile(r" con lai(?![\w])")
_LISTED_HEAD_RE = re.compile(
    r"(?:trung tâm|chi cục|phòng|trường|ban quản lý|bệnh viện) (?=" + UPPER + r")"
)
_PLURAL_RE = re.compile(r"cac (?=\w)")
_NAMED_LIST_RE = re.compile(r"cac (?:don vi|co quan|dia phuong)\s*:\s*")
# Compared with diacritics: folded, "Báo Cao Bằng" (a newspaper) reads as "báo cáo".
_NOT_BODY_RE = re.compile(r"(?i:báo cáo|ban hành)(?![\w])")
_MEMBER_RE = re.compile(r" (?:duoc giao nhiem vu|la thanh vien|thuoc dien)(?![\w])")
# "Các cơ quan, đơn vị, địa phương", "Các phòng, ban, ngành cấp huyện" (a district's own
# divisions and offices).
_GROUP_RE = re.compile(
    r"cac (?:co quan|don vi|dia phuong|so|nganh|to chuc|phong)"
    r"(?:(?:, | va )(?:co quan|don vi|dia phuong|so|ban|nganh|to chuc|phong))+(?![\w])"
)
_MASS_ORGS_RE = re.compile(
    r"cac (?:to chuc chinh tri ?- ?xa hoi|doan the(?: chinh tri ?- ?xa hoi)?)"
    rf"(?: (?:cap )?(?:tinh|{_LEVEL}))?(?![\w])"
)
# "chính quyền các địa phương (ven biển)", "chính quyền cơ sở": the local governments as one
# group, whichever level.
_AUTHORITIES_RE = re.compile(
    rf"chinh quyen (?:cac )?(?:dia phuong|co so|cac cap|cap xa|{_LEVEL})(?![\w])"
)
_BODIES_RE = re.compile(rf"cac {_ORGS}(?:(?:, | va ){_ORGS})*")
# "có dự án đi qua", "bị ảnh hưởng": the qualifier that says which ones.
_WHICH_RE = re.compile(r" (?:co|bi)(?= [^\W\d_])")
# Heads that name bodies by themselves ("Các chủ đầu tư"); "các phòng" needs its names.
_WHOLE_HEADS = frozenset(
    (
        "chu dau tu",
        "to dan pho",
        "xom",
        "thon",
        "khoi",
        "doanh nghiep",
        "don vi su nghiep",
        "don vi du toan",
        "don vi su dung ngan sach",
        "khom",
        "ap",
        "buon",
        "khu pho",
        "chu rung",
    )
)
# Bodies named by their head alone: "Huyện đoàn", "Tỉnh đoàn".
# Working groups a decision sets up ("Tổ công tác", "Đoàn kiểm tra") lead duties too.
_BODY_HEADS = frozenset(
    (
        "huyen doan", "tinh doan", "thanh doan",
        "to cong tac", "doan kiem tra", "doan cong tac", "doan thanh tra",
    )
)  # fmt: skip
# Nouns that look like verbs after the noun before them: "Ban Quản lý dự án đầu tư xây dựng
# huyện", "Phòng Giáo dục thường xuyên - Chuyên nghiệp", "Trung tâm Điều dưỡng người có công".
_TRINH_NOUNS = ("cong", "chuong", "qua", "quy", "lo", "tien", "hanh", "giao")
# "Công ty TNHH Khai thác công trình thủy lợi": "trình" (submit) ends a noun after
# "công", "chương", "quy", "lộ" ….
_COMPOUNDS = (("dau tu ", re.compile(r"xay dung(?![\w])")),
              ("giao duc ", re.compile(r"thuong xuyen(?![\w])")),
              ("nguoi ", re.compile(r"co cong(?![\w])")),
              ("cong ", re.compile(r"lap(?![\w])")),
              # "Phòng Quản lý chất lượng công trình xây dựng": the works built, a noun.
              ("cong trinh ", re.compile(r"xay dung(?![\w])")),
              # "Văn phòng đăng ký đất đai": the land registration office, a noun.
              ("van phong ", re.compile(r"dang ky(?![\w])")),
              # "Hội đồng tư vấn …": an advisory council, a noun ("tư vấn" is a verb
              # elsewhere: "Trung tâm Dịch vụ việc làm tư vấn, giới thiệu việc làm").
              ("hoi dong ", re.compile(r"tu van(?![\w])")),
              # "Phòng Quản lý quy hoạch và xây dựng": planning and building, fields.
              ("quy hoach va ", re.compile(r"xay dung(?![\w])")),
              *((f"{head} ", re.compile(r"trinh(?![\w])"))
                for head in _TRINH_NOUNS))  # fmt: skip


# "Ban Tuyên giáo Tỉnh ủy": "giáo" folds like the verb "giao" (give); with its tone it is
# a noun of the name.
_TONED_GIVE_RE = re.compile(r"gi[áàảãạ]o(?![\w])")


def _in_compound(folded: str, start: int) -> bool:
    return any(
        folded.endswith(head, 0, start) and rx.match(folded, start) for head, rx in _COMPOUNDS
    )


# "..., thị xã, thành phố", "..., xã Nghi Yên": places, not words of a unit's name.
_LEVEL_WORD_RE = re.compile(rf"(?:{_LEVEL}|tinh|huyen)(?![\w])")
_PLACE_END_RE = re.compile(
    r"(?<![\w])(?:huyện|quận|thị xã|thành phố|xã|phường|thị trấn|tỉnh)(?: " + UPPER + r"[\w-]*)+ $"
)
_PAREN_RE = re.compile(r" ?\([^()]{0,160}\)")
# Compared with diacritics: folded, "cùng cấp" (same level) reads as "cung cấp" (provide).
_SAME_LEVEL_RE = re.compile(r" cùng cấp(?![\w])")
# Words no unit name holds in lower case that still open what its subject does: "thông báo"
# (not a duty verb: the issuer "thông báo để … biết" too), "còn" ("Trung tâm Y tế còn có
# trách nhiệm …").
_NOT_NAME_RE = re.compile(r"(?:thong bao|con)(?![\w])")


@dataclass(frozen=True)
class Named:
    """A unit as the text names it: `unit` is None when the directory does not know it."""

    written: str
    unit: Unit | None = None
    generic: bool = False
    vague: bool = False
    unresolved: bool = False  # not even a unit name: an addressee phrase kept as written

    def ref(self) -> UnitRef:
        if self.unit is not None:
            return UnitRef(code=self.unit.code, name=self.unit.name)
        return UnitRef(name=self.written)


# The kind of body an issuer is, by which its own units name it ("thuộc Ban").
_OWN_KIND_RE = re.compile(r"(?:so|ban|chi cuc|cuc|trung tam|vien)(?![\w])")


class Scanner:
    """Scans one text (kept with its fold, so matches map back to the words as written)."""

    def __init__(self, text: str, directory: UnitDirectory) -> None:
        self.text = text
        self.folded = fold(text)
        self.directory = directory
        self._agency = fold(directory.name).removeprefix("so ")
        agency = re.escape(self._agency)
        province = re.escape(fold(directory.province))
        # "… thuộc Sở", "… của Sở Xây dựng", "… thuộc Ban" (a Ban Dân tộc's own units), "…
        # thuộc Thanh tra tỉnh": the words that place a unit in the issuer.
        kind = _OWN_KIND_RE.match(fold(directory.name))
        kinds = f"so|{kind.group()}" if kind else "so"
        of = "(?:truc thuoc |thuoc |cua )"
        self._qualifier = re.compile(
            rf"(?: {of}?(?:{kinds}))?(?: {of}?{agency})?(?: (?:tinh )?{province})?(?![\w])"
        )

    def units(self, pos: int = 0) -> tuple[list[Named], int]:
        """The unit list starting at `pos` (after spaces) and where it ends."""
        found: list[Named] = []
        pos = self._skip(pos)
        item = self._one(pos)
        while item is not None:
            # "Trưởng các phòng, Thủ trưởng các đơn vị thuộc Sở": the office is named twice.
            known = {n.unit.code for n in found if n.unit is not None}
            found += [n for n in item[0] if n.unit is None or n.unit.code not in known]
            pos = item[1]
            sep = _SEP_RE.match(self.folded, pos)
            if sep is None:
                break
            nxt = self._skip(sep.end())
            item = self._one(nxt)
            if item is None and _LISTED_HEAD_RE.match(self.text, nxt):
                # "..., các trường THPT, trung tâm GDNN-GDTX": lower case inside a list.
                item = self._unknown(nxt, after_title=True)
        return found, pos

    def starts_with_unit(self, pos: int) -> bool:
        return self._one(self._skip(pos)) is not None

    def _skip(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in " :":
            pos += 1
        return pos

    def _one(self, pos: int) -> tuple[list[Named], int] | None:
        folded = self.folded
        m = _BOILERPLATE_RE.match(folded, pos)
        if m is not None:
            return [], m.end()
        title = TITLE_RE.match(folded, pos)
        found = self._unit(title.end(), after_title=True) if title is not None else None
        if found is None:
            found = self._unit(pos, after_title=False)
        return self._and_the_others(found)

    def _and_the_others(
        self, found: tuple[list[Named], int] | None
    ) -> tuple[list[Named], int] | None:
        """ "UBND thành phố Thủ Đức và các quận, huyện": a named local government and all
        the others of a level are one addressee, a group kept whole as written."""
        if found is None or len(found[0]) != 1 or found[0][0].unit is not None:
            return found
        (named,), end = found
        start = end - len(named.written)
        others = _AND_THE_OTHERS_RE.match(self.folded, end)
        if self.text[start:end] != named.written or others is None:
            return found
        if not _NAMED_LOCAL_RE.match(self.folded, start):
            return found
        return [Named(self.text[start : others.end()], generic=True)], others.end()

    def _unit(self, pos: int, *, after_title: bool) -> tuple[list[Named], int] | None:
        local = _LOCAL_RE.match(self.folded, pos) or _COUNCIL_OFFICE_RE.match(self.folded, pos)
        if local is not None:
            listed = self._places(pos, local.end())
            if listed is not None:
                return listed
            named_levels = _NAMED_LEVELS_RE.match(self.text, local.end())
            if named_levels is not None:
                return [Named(self.text[pos : named_levels.end()])], named_levels.end()
            # "UBND các huyện, thị xã ven biển", "UBND các xã biên giới": which ones.
            where = _WHERE_RE.match(self.folded, local.end())
            concerned = _CONCERNED_RE.match(self.folded, local.end())
            end = self._which(where.end() if where else local.end())
            end = concerned.end() if concerned else end
            # "UBND các xã, thị trấn còn lại": the others than those an item named before.
            remaining = _REMAINING_RE.match(self.folded, end)
            end = remaining.end() if remaining else end
            return [Named(self.text[pos:end])], end
        named_list = _NAMED_LIST_RE.match(self.folded, pos)
        after = named_list.end() if named_list else 0
        if named_list is not None and self.text[after : after + 1].isupper():
            # "Các đơn vị: Phòng Kinh tế và Hạ tầng, Trạm Thú y huyện": the names after the
            # colon are the addressees, not every unit of the issuer.
            named, end = self.units(after)
            if named:
                return named, end
        generic = self.directory.generic_at(self.folded, pos)
        if generic is not None and _NAMED_KIND_RE.match(self.text, generic[1]):
            # "các phòng Giáo dục và Đào tạo", "các Phòng khám đa khoa": bodies of that
            # kind named by what follows, not the issuer's own divisions.
            generic = None
        if generic is not None:
            units, end, vague = generic
            end = self._tail(end)
            remaining = _REMAINING_RE.match(self.folded, end)
            if remaining is not None:
                # "các phòng còn lại": which ones depends on the rest of the letter.
                return [Named(self.text[pos : remaining.end()], vague=True)], remaining.end()
            end = self._member(end)
            if not units:
                # A group of an agency whose units are not known here: kept as written,
                # with the words that say which ("…, đơn vị dự toán cấp tỉnh").
                end = self._member(self._words_after(end))
                return [Named(self.text[pos:end], generic=True, vague=vague)], end
            written = self.text[pos:end]
            return [Named(written, u, generic=True, vague=vague) for u in units], end
        mass = _MASS_ORGS_RE.match(self.folded, pos)
        if mass is not None:
            # "các tổ chức chính trị - xã hội", "các đoàn thể": a group kept as written.
            return [Named(self.text[pos : mass.end()], generic=True, vague=True)], mass.end()
        authorities = _AUTHORITIES_RE.match(self.folded, pos)
        if authorities is not None:
            # "chính quyền các địa phương ven biển": a group kept as written, with the words
            # that say which.
            where = _WHERE_RE.match(self.folded, authorities.end())
            end = self._which(where.end() if where else authorities.end())
            return [Named(self.text[pos:end], generic=True, vague=True)], end
        kinds = _KIND_LIST_RE.match(self.folded, pos)
        if kinds is not None:
            listed = self._kind_list(kinds)
            if listed is not None:
                return listed
        members = _BODIES_RE.match(self.folded, pos)
        if members is not None and _MEMBER_RE.match(self.folded, members.end()):
            # "Các đơn vị được giao nhiệm vụ (tại Kế hoạch này)": the bodies the letter gives
            # duties to, kept as written (which ones is for the clerk to check).
            end = self._member(members.end())
            return [Named(self.text[pos:end], generic=True, vague=True)], end
        vague_m = _VAGUE_RE.match(self.folded, pos)
        if vague_m is not None:
            return [Named(self.text[pos : vague_m.end()], vague=True)], vague_m.end()
        group = _GROUP_RE.match(self.folded, pos)
        if group is not None and not self.directory.units:
            # "Các cơ quan, đơn vị, địa phương" to an issuer without a directory here: a
            # group kept as written (and flagged), with its qualifier.
            end = self._member(self._words_after(group.end()))
            return [Named(self.text[pos:end], generic=True, vague=True)], end
        known = self.directory.unit_at(self.folded, pos)
        if known is not None:
            alias = self.folded[pos : known[1]]
            # "Giám đốc các sở", "UBND huyện Nga Sơn": a short name that goes on is another body.
            other = alias.count(" ") <= 1 and _NOT_THIS_UNIT_RE.match(self.folded, known[1])
            if other:
                return self._unknown(pos, after_title=after_title)
            if after_title or self.text[pos].isupper() or alias.count(" ") >= 2:
                end = self._tail(known[1])
                return [Named(self.text[pos:end], known[0])], end
        return self._unknown(pos, after_title=after_title)

    def _force(self, head: re.Match[str]) -> bool:
        """ "lực lượng Kiểm lâm", "lực lượng Công an": a force is written in lower case
        before the capitalised name of its sector."""
        return (
            head.group() == "luc luong"
            and _CAPITAL_NEXT_RE.match(self.text, head.end()) is not None
        )

    def _verb_at(self, pos: int) -> bool:
        return VERB_RE.match(self.folded, pos) is not None

    def _places(self, pos: int, end: int) -> tuple[list[Named], int] | None:
        """ "UBND các huyện Hoằng Hóa, Quảng Xương và thị xã Nghi Sơn", "UBND các xã: Hải
        Hà, Hải Bình": a compressed enumeration of named local governments, read as each
        of them ("UBND huyện Hoằng Hóa", …)."""
        head = self.text[pos:end]
        if re.search(r",| và ", head):
            return None  # "UBND các huyện, thành phố Long Khánh": whose names, unclear
        level = _LEVEL_NAME_RE.search(head)
        body = re.match(r"(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan)", self.folded[pos:])
        if level is None or body is None:
            return None
        council = self.text[pos : pos + body.end()]
        cursor = end + (1 if self.text[end : end + 1] == ":" else 0)
        found: list[Named] = []
        current = level.group()
        while True:
            m = _PLACE_ITEM_RE.match(self.text, cursor)
            # The first place follows the group at once ("UBND các huyện Hoằng Hóa"); a
            # comma there starts another addressee ("UBND các huyện, Sở Xây dựng").
            first = not found and m is not None and m.group().lstrip()[:1] in (",", "v")
            if m is None or first or _HEAD_RE.match(fold(m.group("name"))):
                break
            if m.group("level"):
                current = m.group("level").strip()
            found.append(Named(f"{council} {current} {m.group('name')}"))
            cursor = m.end()
        if len(found) < 2:
            return None
        return found, cursor

    def _kind_list(self, m: re.Match[str]) -> tuple[list[Named], int] | None:
        """ "các Sở: Xây dựng, Tài chính, Tài nguyên và Môi trường", "các phòng: Tài
        chính - Kế hoạch, Kinh tế và Hạ tầng": each name is one body of that kind."""
        kind = _KIND_WORD[m.group("kind")]
        cursor = m.end()
        found: list[Named] = []
        while cursor < len(self.text) and self.text[cursor].isupper():
            name_end = self._listed_name(kind, cursor)
            written = f"{kind} {self.text[cursor:name_end].strip()}"
            found.append(Named(written, self.directory.match(written)))
            sep = re.match(r",\s*| và (?=" + UPPER + r")", self.text[name_end:])
            if sep is None:
                cursor = name_end
                break
            cursor = name_end + sep.end()
        return (found, cursor) if len(found) >= 2 else None

    def _listed_name(self, kind: str, start: int) -> int:
        """Where one name of a kind list ends: the longest name the directory knows, else
        the next comma, ";" or lower-case verb."""
        folded = fold(f"{kind} ") + self.folded[start:]
        known = self.directory.unit_at(folded, 0)
        offset = len(kind) + 1
        if known is not None and known[1] > offset:
            return start + known[1] - offset
        end = start
        for word in re.finditer(r"(\s*)([^\s,;]+)", self.text[start:]):
            at = start + word.start(2)
            word_text = word.group(2)
            stop = VERB_RE.match(self.folded, at) or word_text in _FUNCTION_WORDS
            if at > start and word_text[0].islower() and stop and word_text != "và":
                break
            if at > start and self.text[start + word.start() : at].strip():
                break
            end = start + word.end(2)
            nxt = self.text[end : end + 1]
            if nxt in (",", ";", "") or nxt == ":":
                break
        return end

    def _words_after(self, end: int) -> int:
        """ "Các sở, ban, ngành, đơn vị dự toán cấp tỉnh": lower-case words up to the verb."""
        cursor = end
        for _ in range(4):
            of = _OF_BODY_RE.match(self.text, cursor)
            body = self._one(of.end()) if of is not None else None
            if body is not None:
                # "Các cơ quan, đơn vị thuộc UBND huyện": the body they belong to ends it.
                return body[1]
            word = re.match(r" ([^\W\d_]+)", self.text[cursor:])
            if word is None or not word.group(1).islower() or word.group(1) in _FUNCTION_WORDS:
                break
            if VERB_RE.match(self.folded, cursor + 1) or _MEMBER_RE.match(self.folded, cursor):
                break
            cursor += word.end()
        return cursor

    def _member(self, end: int) -> int:
        """ "các phòng, đơn vị được giao nhiệm vụ", "Các sở, ngành là thành viên Ban Chỉ
        đạo": the qualifier says which members of the group."""
        m = _MEMBER_RE.match(self.folded, end)
        if m is None:
            return end
        cursor = m.end()
        for _ in range(5):
            word = re.match(r" ([^\W\d_]+)", self.text[cursor:])
            if word is None or word.group(1) in _FUNCTION_WORDS:
                break
            if word.group(1).islower() and VERB_RE.match(self.folded, cursor + 1):
                break
            cursor += word.end()
        return cursor

    def _which(self, end: int) -> int:
        """ "UBND các xã có dự án", "UBND các phường có liên quan": the group's qualifier
        ("có" and a few words, up to the verb) belongs to it."""
        m = _WHICH_RE.match(self.folded, end)
        if m is None or VERB_RE.match(self.folded, end + 1):
            return end  # "UBND các xã có trách nhiệm ...": the verb, not a qualifier
        cursor = m.end()
        for _ in range(4):
            word = re.match(r" ([^\W\d_]+)", self.text[cursor:])
            if word is None or VERB_RE.match(self.folded, cursor + 1):
                break
            if word.group(1) in _FUNCTION_WORDS:
                return end  # "UBND các xã có nhiều ...": a sentence, not a qualifier
            cursor += word.end()
        return cursor if cursor > m.end() else end

    def _field_run(self, start: int) -> int | None:
        """ "Phòng Đấu thầu, thẩm định và giám sát đầu tư tham mưu ...": after a comma, the
        fields of a name may be verbs too; they are when joined by "và" and followed by the
        duty's verb or the end of the list. Returns where the name ends."""
        cursor, joined, prev_va = start, False, True
        for word in re.finditer(r"([^\W\d_]+)( ?)", self.text[start:]):
            at = start + word.start()
            if at != cursor or not word.group(1).islower():
                break
            if word.group(1) in _FUNCTION_WORDS and word.group(1) != "và":
                return None
            if VERB_RE.match(self.folded, at) and not prev_va:
                return at - 1 if joined else None
            joined = joined or word.group(1) == "và"
            prev_va = word.group(1) == "và" or (prev_va and at == start)
            cursor = start + word.end()
            if not word.group(2):
                break
        # The name ends the list, or a clause ("…, phương tiện và người lái: …").
        following = self.text[cursor:].lstrip()[:1]
        if joined and following in ("", ",", ";", ".", ")", ":"):
            return len(self.text[:cursor].rstrip())
        return None

    def _goes_on(self, start: int) -> bool:
        """ "Phòng Tổng hợp, quy hoạch", "Phòng Quản lý vận tải, phương tiện và người lái":
        after a comma, a lower-case word that is no verb, function word or unit goes on
        with the name (unit names list their fields this way)."""
        word = re.match(r"\w+", self.text[start:])
        return (
            word is not None
            and word.group() not in _FUNCTION_WORDS
            # "các trường THPT, trung tâm GDNN-GDTX": another body of the list.
            and _LISTED_HEAD_RE.match(self.text, start) is None
            and VERB_RE.match(self.folded, start) is None
            and _LEVEL_WORD_RE.match(self.folded, start) is None
            and self._one(start) is None
        )

    def _levels_on(self, previous: int, start: int) -> bool:
        """After a lower-case level word, a comma and another level word not naming a
        place ("quận, huyện", not "huyện, xã Yên Định")."""
        level = _LEVEL_WORD_RE.match(self.folded, start)
        return (
            previous < start
            and self.text[previous].islower()
            and self.text[start].islower()
            and _LEVEL_WORD_RE.fullmatch(self.folded, previous, start - 2) is not None
            and level is not None
            and re.match(r" " + UPPER, self.text[level.end() :]) is None
        )

    def _place_goes_on(self, start: int) -> bool:
        """After a proper name, a level word ("Ủy ban MTTQ Việt Nam tỉnh Lào Cai") or "và"
        before another name ("… huyện Hoằng Hóa và thị xã Nghi Sơn") goes on with it."""
        if _LEVEL_WORD_RE.match(self.folded, start):
            return True
        if re.match(r"và (?=" + UPPER + r")", self.text[start:]):
            return True
        joined = self.folded.startswith("va ", start)
        return joined and _LEVEL_WORD_RE.match(self.folded, start + 3) is not None

    def _tail(self, end: int) -> int:
        m = self._qualifier.match(self.folded, end)
        # "… chuyên môn xây dựng kế hoạch": a verb in lower case, not "(Sở) Xây dựng".
        verb = self._agency and self.folded.startswith(f" {self._agency}", end)
        if m is not None and not (verb and self.text[end + 1 : end + 2].islower()):
            end = m.end()
        # "Phòng Y tế cùng cấp": the body of the addressee's own level, one name.
        same = _SAME_LEVEL_RE.match(self.text, end)
        end = same.end() if same else end
        paren = _PAREN_RE.match(self.folded, end)
        return paren.end() if paren else end

    def _unknown(
        self, pos: int, *, after_title: bool, in_plural: bool = False
    ) -> tuple[list[Named], int] | None:
        plural = _PLURAL_RE.match(self.folded, pos)
        if plural is not None:
            # "Các phòng Giáo dục và Đào tạo", "các trường THPT": a group of bodies this
            # directory does not hold, kept whole as written.
            found = self._unknown(plural.end(), after_title=True, in_plural=True)
            if found is None:
                return None
            # "các Trung tâm Y tế có giường bệnh": the qualifier says which of them; "… trên
            # địa bàn tỉnh", "các chủ rừng là tổ chức": so do its kind and area.
            end = qualified_end(self.text, self.folded, self._which(found[1]), self._verb_at)
            return [Named(self.text[pos:end], generic=True)], end
        board = BOARD_OF_RE.match(self.folded, pos)
        if board is not None and (after_title or self.text[pos].isupper()):
            # "Ban Giám hiệu các trường học", "(Trưởng) ban điều hành các khóm": the board
            # heading each member of a group, one addressee as written.
            group = self._unknown(board.end(), after_title=True)
            if group is not None and group[0][0].generic:
                return [Named(self.text[pos : group[1]], generic=True)], group[1]
        head = _HEAD_RE.match(self.folded, pos)
        if head is None or not (after_title or self.text[pos].isupper() or self._force(head)):
            return None
        if _RAW_HEAD_RE.match(self.text[pos : head.end()].lower()) is None:
            return None  # "Bảo vệ", "Đổi mới" fold like "Báo", "Đội": not a body
        if _NOT_BODY_RE.match(self.text, pos):
            return None  # "Báo cáo tháng:", "Ban hành ...": a heading or a verb, not a body
        base = end = cursor = head.end()
        words = 0
        titled = 0  # capitalised words in a row just read ("Lào Cai", "Khánh Hòa")
        previous = start = base  # where the word before this one starts, and this one
        fields = False  # a lower-case field listed after a comma ("Phòng Tổng hợp, quy hoạch")
        # "Phòng GD&ĐT", "Sở NN&PTNT": "&" joins an abbreviation's parts.
        # "Đắk R'La", "Ea H’Leo": Central Highlands names hold an apostrophe.
        for word in re.finditer(r"( ?, | )([\w/.&-]+(?:['’]\w+)*)", self.text[base:]):
            if base + word.start() != cursor:
                break  # words must follow on: "Văn phòng UBND tỉnh; Kho bạc ..." is two
            if DASH_ROLE_RE.match(self.folded, base + word.start()):
                break  # "Phòng Y tế - cơ quan thường trực …": a role, not the name
            cursor = base + word.end()
            previous, start = start, base + word.start(2)
            capital = word.group(2)[0].isupper()
            # "Ủy ban MTTQ Việt Nam Thành phố": the city the letter capitalises as its own
            # ("Thành phố", "Thị xã") is a place word going on, not a sentence after a name.
            city = self.text[previous].isupper() and _LEVEL_WORD_RE.match(self.folded, previous)
            # "UBND huyện Đakrông và đơn vị quản lý …": a place word and its proper name end
            # a name too, however short the name.
            placed = titled >= 1 and _PLACE_END_RE.search(self.text, base, start) is not None
            if (
                word.group(2)[0].islower()
                and (titled >= 2 or placed)
                and not self._place_goes_on(start)
                and not city
            ):
                # "Báo Lào Cai mở chuyên mục", "Công ty … Cấp thoát nước Khánh Hòa ưu tiên":
                # a name ends with its proper name (a place, a person); what follows in
                # lower case is the sentence, whatever its verb.
                break
            # A kind of body inside the name ("Thanh tra Sở Giao thông vận tải") is no
            # proper name.
            proper_word = word.group(2).istitle() and not _RAW_HEAD_RE.match(word.group(2).lower())
            titled = titled + 1 if proper_word else 0
            if word.group(1) != " " and (capital and self._one(start) is not None):
                break
            if word.group(1) != " " and self._levels_on(previous, start):
                # "Phòng Y tế quận, huyện": the body of each level, its place a list of
                # levels.
                end = base + word.end(2)
                continue
            fields = fields or (word.group(1) != " " and not capital)
            if word.group(1) != " " and not capital and not self._goes_on(start):
                # A name lists its fields after a comma ("Phòng Đấu thầu, thẩm định và giám
                # sát đầu tư"); a bare head has none ("các chủ đầu tư, kiểm soát chi và …").
                run = self._field_run(start) if words else None
                if run is not None:
                    end, words = run, words + 1
                break
            if _in_compound(self.folded, start):
                end = base + word.end(2)
                continue
            same = _SAME_LEVEL_RE.match(self.text, start - 1)
            if same is not None and word.group(1) == " ":
                end = same.end()  # "Phòng Y tế cùng cấp": the name ends with its level
                break
            if not capital and (
                (VERB_RE.match(self.folded, start) and not _TONED_GIVE_RE.match(self.text, start))
                or word.group(2) in _FUNCTION_WORDS
                or _NOT_NAME_RE.match(self.folded, start)
            ):
                # "Sở Tài nguyên và Môi trường": "và" joins words of one name, not two units.
                if self.folded.startswith("va ", start) and self._one(start + 3) is None:
                    continue
                # "Ban Quản lý các Khu công nghiệp": "các" before a name's capital word.
                if word.group(2) == "các" and _CAPITAL_NEXT_RE.match(self.text, start + 3):
                    continue
                if word.group(2) == "các" and _MANAGED_RE.match(self.folded, start + 3):
                    continue
                # "Ban Quản lý dự án đầu tư xây dựng thành phố chủ trì": a name may hold a
                # verb; it goes on when the duty's opener follows within a few words.
                ahead = _OPENER_AHEAD_RE.match(self.folded, start)
                # "Công an phường chủ động phối hợp với …": an adverb before the opener.
                adverb = _ADVERB_RE.match(self.folded, start)
                if ahead is not None and not _OPENER_RE.match(self.folded, start) and not adverb:
                    end = ahead.end() - 1  # without the space before the opener
                    words += 1
                elif fields and self.text.startswith("và ", previous):
                    # "Phòng Tổ chức, biên chế và tổ chức phi chính phủ": a name that lists
                    # its fields after a comma closes the list with "và" and one more
                    # field, whatever it begins with.
                    run = self._field_run(previous)
                    end = run if run is not None else end
                break
            # "Phòng A Sở B": a known name after a few words is another unit; right after
            # the head it is the body this one belongs to ("Thanh tra Sở Giao thông vận
            # tải", "Văn phòng Sở Y tế", "Công đoàn Sở Tài chính").
            if capital and words and self.directory.unit_at(self.folded, start) is not None:
                break
            end = base + word.end(2)
            words += 1
            if words >= 14 or word.group(2).endswith("."):
                break
        whole = head.group() in _BODY_HEADS or (in_plural and head.group() in _WHOLE_HEADS)
        if words == 0 and not whole:
            return None  # "Các chủ đầu tư", "các tổ dân phố": the plural head is enough
        end = len(self.text[:end].rstrip(".,"))
        # "Sở Tài chính cân đối, tham mưu …": a standard name ends before the duty's words.
        end = standard_end(self.text, self.folded, pos, end) or end
        places = _PLACES_RE.match(self.folded, end)
        if places is not None:
            # "Trung tâm Y tế các huyện, thị xã, thành phố": one body in each, a group.
            return [Named(self.text[pos : places.end()], generic=True)], places.end()
        # "Phòng Phổ biến, giáo dục pháp luật thuộc Sở": the unit is named without the
        # words that place it in the issuer.
        written = _OF_ISSUER_RE.sub("", self.text[pos:end])
        return [Named(written)], end
