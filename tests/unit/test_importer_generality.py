"""Reading rules stated for the grammar of Decree 30 letters, not for one letter's words.

Each test is a short excerpt written for the rule it checks (not a corpus letter), in the
style of test_importer_conventions. A row is (lead, coordinators, deadline).
"""

from __future__ import annotations

import datetime as dt

import pytest

from services.directives.domain.directory import UnitDirectory, load_directory

from .test_importer_blind_letters import ROOT, directory, row
from .test_importer_conventions import commune, read

__all__ = ["commune", "directory"]  # the module-scoped fixtures, shared
D = dt.date


def test_a_cell_keeps_every_name_it_holds(directory: UnitDirectory) -> None:
    """A "phối hợp" cell holds names only: a body no rule knows ("Tổ dân phố"), a group
    with its qualifier ("Các đơn vị tham gia biểu diễn") is kept as written."""
    body = """TT\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian
1\tTuyên truyền tới hộ kinh doanh\tVăn phòng Sở\tTổ dân phố\tTrước 30/4/2023
2\tTổng duyệt chương trình\tThanh tra Sở\tCác đơn vị tham gia biểu diễn\tQuý II/2023
3\tKiểm tra hồ sơ\tThanh tra Sở\tVăn phòng Sở; Các thành viên Tổ công tác\tNăm 2023
"""
    a = read(body, directory).content.assignments
    assert [row(x) for x in a] == [
        ("VP", ["Tổ dân phố"], ("date", D(2023, 4, 30))),
        ("TTr", ["Các đơn vị tham gia biểu diễn"], ("date", D(2023, 6, 30))),
        ("TTr", ["VP", "Các thành viên Tổ công tác"], ("date", D(2023, 12, 31))),
    ]


def test_coordinators_named_inside_the_action(directory: UnitDirectory) -> None:
    """ "phối hợp với Y" anywhere in the duty, not only right after its lead."""
    body = """1. Thanh tra Sở chỉ đạo các tổ kiểm tra phối hợp với Văn phòng Sở rà soát hồ sơ.
2. Phòng Quản lý nhà và thị trường bất động sản kiểm tra các dự án nhà ở; phối hợp với \
Thanh tra Sở xử lý vi phạm.
"""
    a = read(body, directory).content.assignments
    assert [row(x) for x in a] == [("TTr", ["VP"], ("none",)), ("QLN", ["TTr"], ("none",))]


def test_a_later_clause_dating_a_coordinated_verb_keeps_the_coordinators(
    directory: UnitDirectory,
) -> None:
    """Two deadlines make two duties; the second keeps the coordinators when it dates a
    verb of the first ("kiểm tra, đề xuất …; đề xuất … trước …"), not when it adds one."""
    body = """1. Phòng Kế hoạch - Tài chính chủ trì, phối hợp với Văn phòng Sở kiểm tra, đề xuất \
kinh phí. Việc kiểm tra hoàn thành trước ngày 15/7/2023; đề xuất kinh phí trình Giám đốc Sở \
trước ngày 20/7/2023.
2. Giao Thanh tra Sở chủ trì, phối hợp với Văn phòng Sở kiểm tra hồ sơ, hoàn thành trước \
ngày 30/9/2023; tổng hợp, báo cáo Giám đốc Sở trước ngày 15/10/2023.
"""
    a = read(body, directory).content.assignments
    assert [row(x) for x in a] == [
        ("KHTC", ["VP"], ("date", D(2023, 7, 15))),
        ("KHTC", ["VP"], ("date", D(2023, 7, 20))),
        ("TTr", ["VP"], ("date", D(2023, 9, 30))),
        ("TTr", [], ("date", D(2023, 10, 15))),
    ]


def test_a_head_right_before_a_known_body_is_part_of_it() -> None:
    """ "Thanh tra Sở Giao thông vận tải" to a province that knows the department: the
    inspectorate of that department, one name."""
    province = load_directory(ROOT / "services/directives/directories/ubnd-thanhhoa.yaml")
    body = "1. Giao Công an tỉnh phối hợp với Thanh tra Sở Giao thông vận tải kiểm tra xe.\n"
    a = read(body, province).content.assignments
    assert [(x.lead_unit.name, [u.name for u in x.coordinating_units]) for x in a] == [
        ("Công an tỉnh", ["Thanh tra Sở Giao thông vận tải"])
    ]


def test_item_markers_in_every_typed_form(directory: UnitDirectory) -> None:
    """ "I/", "1/", "1.1" without its dot, "a." and pasted bullets nest as their
    standard forms do ("\uf0b7" is the Symbol-font bullet Word pastes)."""
    body = """I/ NHIỆM VỤ CỤ THỂ
1/ Văn phòng Sở:
a. Rà soát hồ sơ lưu trữ, hoàn thành trước ngày 30/4/2023.
b. Tổng hợp báo cáo trước ngày 15/5/2023.
2/ Thanh tra Sở:
\uf0b7 Kiểm tra công trình, hoàn thành trong quý III/2023.
2.1 Phòng Quy hoạch - Kiến trúc rà soát quy hoạch, hoàn thành trong tháng 8/2023.
"""
    a = read(body, directory).content.assignments
    assert [row(x) for x in a] == [
        ("VP", [], ("date", D(2023, 4, 30))),
        ("VP", [], ("date", D(2023, 5, 15))),
        ("TTr", [], ("date", D(2023, 9, 30))),
        ("QHKT", [], ("date", D(2023, 8, 31))),
    ]


def test_heads_titles_of_every_kind(directory: UnitDirectory) -> None:
    """A duty addressed to a head is its body's: "Người đứng đầu", "Tổng Giám đốc",
    "Chỉ huy trưởng", and a head named after the kind of body it heads ("Cục trưởng Cục
    Thuế", "Hạt trưởng Hạt Kiểm lâm")."""
    body = """1. Người đứng đầu các phòng, đơn vị thuộc Sở quán triệt nội dung Chỉ thị.
2. Cục trưởng Cục Thuế tỉnh rà soát nguồn thu, hoàn thành trước ngày 30/6/2023.
3. Hạt trưởng Hạt Kiểm lâm huyện Như Xuân kiểm tra hiện trường.
4. Đồng chí Chánh Văn phòng Sở tổng hợp kết quả.
"""
    a = read(body, directory).content.assignments
    assert [x.lead_unit.code for x in a[:-3]] == [
        "VP", "TTr", "KHTC", "QLHDXD", "KTVLXD", "QLN", "QHKT", "HTKT", "TTKD", "VQHKT"
    ]  # fmt: skip
    assert [row(x) for x in a[-3:]] == [
        ("Cục Thuế tỉnh", [], ("date", D(2023, 6, 30))),
        ("Hạt Kiểm lâm huyện Như Xuân", [], ("none",)),
        ("VP", [], ("none",)),
    ]


def test_a_decisions_execution_article_is_no_duty(directory: UnitDirectory) -> None:
    """ "… chịu trách nhiệm thi hành Quyết định này" asks for the decision itself to be
    carried out (corpus README: a closing line is not an assignment)."""
    body = """Điều 1. Giao Văn phòng Sở rà soát hồ sơ, hoàn thành trước ngày 30/6/2023.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Chánh Văn phòng Sở, Trưởng các phòng, đơn vị thuộc Sở chịu trách nhiệm thi hành Quyết \
định này./.
"""
    a = read(body, directory).content.assignments
    assert [row(x) for x in a] == [("VP", [], ("date", D(2023, 6, 30)))]


@pytest.mark.parametrize(
    "closing",
    [
        "Trưởng các phòng, đơn vị thuộc Sở căn cứ nhiệm vụ được giao tại Mục II nghiêm túc "
        "triển khai thực hiện./.",
        "Các phòng, đơn vị thuộc Sở căn cứ chức năng, nhiệm vụ tổ chức thực hiện nghiêm túc "
        "Kế hoạch này./.",
        "Yêu cầu các cơ quan, đơn vị triển khai thực hiện nghiêm túc./.",
        "Yêu cầu các phòng, đơn vị thuộc Sở nghiêm túc triển khai thực hiện; người đứng đầu "
        "chịu trách nhiệm trước Giám đốc Sở về kết quả thực hiện./.",
    ],
)
def test_closing_lines_in_their_usual_forms_are_no_duty(
    directory: UnitDirectory, closing: str
) -> None:
    """A line asking for the letter itself to be carried out, by each one's remit, in any
    order of its adverbs, or saying who answers for it, gives no duty (corpus README)."""
    body = f"1. Giao Văn phòng Sở rà soát hồ sơ, hoàn thành trước ngày 30/6/2023.\n{closing}\n"
    a = read(body, directory).content.assignments
    assert [row(x) for x in a] == [("VP", [], ("date", D(2023, 6, 30)))]


def test_the_issuers_own_voice_leads_no_heading(commune: UnitDirectory) -> None:
    """ "…, Ủy ban nhân dân phường ban hành Kế hoạch như sau:" then headings and aims: the
    issuer speaking gives none of them as its own duty; the table rows lead themselves."""
    body = """Căn cứ Kế hoạch số 12/KH-UBND của UBND tỉnh; Ủy ban nhân dân phường ban hành Kế \
hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
- Nâng cao ý thức giữ gìn vệ sinh.
II. THỜI GIAN, ĐỊA ĐIỂM
- Thời gian: từ ngày 01/4/2025 đến ngày 30/4/2025.
III. PHÂN CÔNG NHIỆM VỤ
TT\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian
1\tRa quân dọn vệ sinh\tCông an phường\tTổ dân phố\tTrước 05/4/2025
"""
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [("Công an phường", ["Tổ dân phố"], ("date", D(2025, 4, 5)))]


def test_a_cell_per_line_table_with_an_extra_column(commune: UnitDirectory) -> None:
    """A table copied one cell per line with a column no task table needs ("Ghi chú"),
    an empty cell as a blank line; a lead cell listing a name's fields after a comma."""
    body = """STT
Nội dung công việc
Đơn vị chủ trì
Đơn vị phối hợp
Thời gian thực hiện
Ghi chú
1
Rà soát hồ sơ
Văn phòng
Các phòng thuộc Ủy ban nhân dân phường
Quý II/2025

2
Theo dõi việc thực hiện kết luận
Phòng Giám sát, kiểm tra và xử lý sau thanh tra

Tháng 11/2025
Theo kế hoạch
"""
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Văn phòng", ["Các phòng thuộc Ủy ban nhân dân phường"], ("date", D(2025, 6, 30))),
        ("Phòng Giám sát, kiểm tra và xử lý sau thanh tra", [], ("date", D(2025, 11, 30))),
    ]


def test_a_group_placed_in_an_issuer_that_is_no_department() -> None:
    """ "Các phòng, đơn vị thuộc Ban" in a letter of a Ban: the words that place the group
    in its issuer belong to it, whatever kind of body the issuer is."""
    ban = UnitDirectory(
        code="", name="Ban Dân tộc", short_name="BDT", province="Lâm Đồng", units=(),
        level="department",
    )  # fmt: skip
    body = "1. Giao Văn phòng Ban kiểm tra hồ sơ.\nCác phòng, đơn vị thuộc Ban rà soát hồ sơ.\n"
    a = read(body, ban).content.assignments
    assert [row(x)[0] for x in a] == ["Văn phòng Ban", "Các phòng, đơn vị thuộc Ban"]


def test_merged_lead_cells_and_columns_in_any_order(directory: UnitDirectory) -> None:
    """Columns in any order with an extra one; a lead (and coordinators) cell merged
    over two rows is printed once: the second row takes them, with a warning. A group's
    heading row stops the merge."""
    body = """TT\tThời gian\tNội dung\tSản phẩm\tPhối hợp\tChủ trì
1\tTrước 30/4/2023\tRà soát hồ sơ\tDanh sách\tThanh tra Sở\tVăn phòng Sở
2\tQuý II/2023\tKiểm tra hồ sơ\tBáo cáo\t\t
B\t\tCông tác khác\t\t\t
3\tNăm 2023\tTổng kết\tBáo cáo\t\t
"""
    r = read(body, directory)
    a = r.content.assignments
    assert [row(x) for x in a[:2]] == [
        ("VP", ["TTr"], ("date", D(2023, 4, 30))),
        ("VP", ["TTr"], ("date", D(2023, 6, 30))),
    ]
    assert a[2].lead_unit.code is None  # no merge across the heading row "B"
    warned = {(w.code, w.field) for w in r.warnings}
    assert ("merged_cell", "assignments[1].lead_unit") in warned
    assert ("no_lead_unit", "assignments[2].lead_unit") in warned


def test_an_item_whose_subject_is_given_a_role_first(directory: UnitDirectory) -> None:
    """ "X là cơ quan thường trực … . Chỉ đạo Y …; tổng hợp … hằng tháng. Đồng thời chủ
    trì, phối hợp với Z … trước ngày …": the later sentences keep X as subject (a
    sentence opening with "chỉ đạo" directs Y, it is not Y's duty), each sentence with a
    deadline of its own is a duty, and the role alone is none."""
    body = """1. Văn phòng Sở là cơ quan thường trực Ban Chỉ đạo cải cách hành chính. Chỉ đạo \
bộ phận một cửa rà soát thủ tục; tổng hợp, báo cáo Giám đốc Sở trước ngày 25 hằng tháng. \
Đồng thời chủ trì, phối hợp với Thanh tra Sở tham mưu kinh phí, hoàn thành trước ngày \
15/12/2023.
2. Phòng Kế hoạch - Tài chính là đơn vị tham mưu chính về ngân sách. Đơn vị chủ trì, phối \
hợp với Văn phòng Sở rà soát dự toán. Dự toán phải trình Giám đốc Sở trước ngày 30/9/2023.
3. Thanh tra Sở kiểm tra hồ sơ, hoàn thành trước ngày 15/10/2023; đồng thời tổng hợp kiến \
nghị gửi Sở trước ngày 30/10/2023.
"""
    a = read(body, directory).content.assignments
    assert [row(x) for x in a] == [
        ("VP", [], ("none",)),
        ("VP", [], ("monthly", 25)),
        ("VP", ["TTr"], ("date", D(2023, 12, 15))),
        ("KHTC", ["VP"], ("date", D(2023, 9, 30))),
        ("TTr", [], ("date", D(2023, 10, 15))),
        ("TTr", [], ("date", D(2023, 10, 30))),
    ]


def test_a_noun_made_with_a_verb_does_not_end_a_name(commune: UnitDirectory) -> None:
    """ "công trình", "chương trình", "quy trình": "trình" (submit) inside a noun."""
    body = "1. Công ty TNHH Khai thác công trình thủy lợi Bình Định vận hành các hồ chứa.\n"
    a = read(body, commune).content.assignments
    assert [row(x)[0] for x in a] == ["Công ty TNHH Khai thác công trình thủy lợi Bình Định"]


def test_a_name_ends_with_its_proper_name_whatever_verb_follows(
    commune: UnitDirectory,
) -> None:
    """After a place or a person's name, lower-case words are the sentence, not the name
    ("mở", "ưu tiên" are in no verb list); a level word or "và" + a name goes on."""
    body = """1. Báo Lào Cai mở chuyên mục tuyên truyền.
2. Công ty TNHH MTV Cấp thoát nước Khánh Hòa ưu tiên bố trí phương tiện.
3. Ủy ban MTTQ Việt Nam tỉnh Lào Cai vận động Nhân dân.
4. Thanh tra Sở Giao thông vận tải kiểm tra xe.
"""
    a = read(body, commune).content.assignments
    assert [row(x)[0] for x in a] == [
        "Báo Lào Cai",
        "Công ty TNHH MTV Cấp thoát nước Khánh Hòa",
        "Ủy ban MTTQ Việt Nam tỉnh Lào Cai",
        "Thanh tra Sở Giao thông vận tải",
    ]


def test_giao_thong_is_no_task_given(commune: UnitDirectory) -> None:
    """ "các sở: Giao thông vận tải, …" in a preamble: "giao" of "giao thông" hands no
    task; "Giao Ban Quản lý …" does."""
    body = """Tham gia có lãnh đạo các sở: Giao thông vận tải, Xây dựng. Đồng chí Chủ tịch \
kết luận như sau:
1. Đánh giá chung
Dự án đạt khoảng 71% khối lượng.
2. Giao Ban Quản lý dự án đầu tư xây dựng huyện bàn giao mặt bằng trong tháng 8/2025.
"""
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Ban Quản lý dự án đầu tư xây dựng huyện", [], ("date", D(2025, 8, 31)))
    ]


def test_a_page_foot_inside_a_cell_per_line_table_is_no_cell(commune: UnitDirectory) -> None:
    """ "Trang 2/3" (or "- 2 -") copied from the PDF between two rows: read as a cell it
    would shift the lead into the coordinators' column."""
    body = """TT
Nội dung
Thời gian
Chủ trì
Phối hợp
1
Kiểm tra cầu tạm
Quý IV/2025
Phòng Quản lý chất lượng
Đội Kiểm tra
Trang 2/3
2
Sửa biển báo
- 3 -
Tháng 11/2025
Đội Kiểm tra
Phòng Quản lý chất lượng
"""
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Phòng Quản lý chất lượng", ["Đội Kiểm tra"], ("date", D(2025, 12, 31))),
        ("Đội Kiểm tra", ["Phòng Quản lý chất lượng"], ("date", D(2025, 11, 30))),
    ]


def test_what_a_board_manages_is_part_of_its_name(commune: UnitDirectory) -> None:
    """ "các công trình", "các dự án", "các khu …" after "các" inside a name: what the board
    manages ("công trình xây dựng" a noun), not a list of other bodies; the name's verb
    ("chỉ đạo nhà thầu") is the duty of the board, not of the contractor."""
    body = """1. Ban Quản lý dự án các công trình xây dựng huyện chỉ đạo nhà thầu đẩy nhanh thi \
công, hoàn thành trước ngày 15/12/2024.
2. Ban Quản lý các dự án nông nghiệp tỉnh rà soát hồ sơ trong tháng 11/2024.
"""
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Ban Quản lý dự án các công trình xây dựng huyện", [], ("date", D(2024, 12, 15))),
        ("Ban Quản lý các dự án nông nghiệp tỉnh", [], ("date", D(2024, 11, 30))),
    ]


def test_a_role_in_brackets_after_the_subject(commune: UnitDirectory) -> None:
    """ "X (chủ đầu tư): Chỉ đạo nhà thầu …": the bracket says X's role; X leads, not the
    contractor it directs."""
    body = """1. Ban Quản lý dự án đầu tư xây dựng huyện (chủ đầu tư): Chỉ đạo nhà thầu tăng \
ca, hoàn thành trước ngày 30/6/2023.
2. Trung tâm Văn hóa huyện (cơ quan thường trực) tổ chức hội diễn trong tháng 9/2023.
"""
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Ban Quản lý dự án đầu tư xây dựng huyện", [], ("date", D(2023, 6, 30))),
        ("Trung tâm Văn hóa huyện", [], ("date", D(2023, 9, 30))),
    ]


def test_the_remaining_local_governments_are_one_group(commune: UnitDirectory) -> None:
    """ "UBND các xã, thị trấn còn lại": the others than those named before, one group
    with its "còn lại" (not a unit "Còn lại" leading the rest of the sentence)."""
    body = """1. UBND các xã Định Hòa, Định Long tiêu hủy lợn bệnh trong tháng 9/2023.
2. UBND các xã, thị trấn còn lại kiểm soát vận chuyển lợn trước ngày 30/9/2023.
"""
    a = read(body, commune).content.assignments
    assert [(row(x)[0], x.action) for x in a][2:] == [
        ("UBND các xã, thị trấn còn lại", "Kiểm soát vận chuyển lợn")
    ]


def test_bodies_named_without_cuc_since_2025(commune: UnitDirectory) -> None:
    """ "Thuế tỉnh …", "Thống kê tỉnh …" (the 2025 names of the tax and statistics
    offices) are bodies; "Thuế giá trị gia tăng …" is no body."""
    body = """1. Đề nghị Thuế tỉnh Gia Lai rà soát số thu, gửi trước ngày 15/10/2025.
2. Thống kê tỉnh Gia Lai cung cấp số liệu dân số trong tháng 10/2025.
3. Thuế giá trị gia tăng được tính theo quy định.
"""
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Thuế tỉnh Gia Lai", [], ("date", D(2025, 10, 15))),
        ("Thống kê tỉnh Gia Lai", [], ("date", D(2025, 10, 31))),
    ]


def test_a_time_label_naming_what_it_times(commune: UnitDirectory) -> None:
    """ "Thời gian kiểm tra: …", "Thời gian tổ chức: …" under an item: its time, as
    "Thời gian thực hiện: …" is."""
    body = """1. Thành lập đoàn kiểm tra liên ngành, kiểm tra các bếp ăn tập thể.
Chủ trì: Phòng Y tế;
Thời gian kiểm tra: từ ngày 10/01/2022 đến ngày 25/01/2022.
2. Tổ chức hội thi tuyên truyền.
Chủ trì: Phòng Văn hóa - Thông tin;
Thời gian tổ chức: tháng 3/2022.
"""
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Phòng Y tế", [], ("date", D(2022, 1, 25))),
        ("Phòng Văn hóa - Thông tin", [], ("date", D(2022, 3, 31))),
    ]


def test_bodies_named_after_cac_don_vi_and_a_colon(commune: UnitDirectory) -> None:
    """ "Các đơn vị: A, B, C …", "các cơ quan: …": the names after the colon lead, each
    one (not the group, nor none)."""
    body = """1. Các đơn vị: Phòng Kinh tế, Trạm Khuyến nông huyện căn cứ chức năng, nhiệm vụ \
kiểm tra các cơ sở giết mổ trước ngày 20/12/2023.
"""
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Phòng Kinh tế", [], ("date", D(2023, 12, 20))),
        ("Trạm Khuyến nông huyện", [], ("date", D(2023, 12, 20))),
    ]


def test_local_groups_with_short_levels_places_and_qualifiers(commune: UnitDirectory) -> None:
    """ "UBND các huyện, thành, thị" (short for thành phố, thị xã), "UBND các huyện, thị xã
    Ba Hồ, thành phố Nam Sơn" (the last levels named), "UBND các xã bị ảnh hưởng", "UBND
    các phường liên quan": one addressee each, kept whole as written."""
    body = """1. Chủ tịch UBND các huyện, thành, thị:
a) Kiện toàn tổ kiểm tra, hoàn thành trước ngày 15/4/2024.
b) Chỉ đạo UBND cấp xã lập danh sách hộ nghèo.
2. UBND các huyện, thị xã Ba Hồ, thành phố Nam Sơn rà soát đường giao thông.
3. Phòng Y tế phối hợp với UBND các xã bị ảnh hưởng bố trí điểm cấp nước.
4. Giao Phòng Kinh tế chủ trì, phối hợp với UBND các phường liên quan rà soát cống.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("UBND các huyện, thành, thị", [], ("date", D(2024, 4, 15))),
        ("UBND các huyện, thành, thị", [], ("none",)),
        ("UBND các huyện, thị xã Ba Hồ, thành phố Nam Sơn", [], ("none",)),
        ("Phòng Y tế", ["UBND các xã bị ảnh hưởng"], ("none",)),
        ("Phòng Kinh tế", ["UBND các phường liên quan"], ("none",)),
    ]


def test_often_describing_a_place_is_no_deadline(commune: UnitDirectory) -> None:
    """ "các điểm thường xuyên ngập" says where, not how often: the report's deadline in
    the next sentence dates the whole item (one duty)."""
    body = """1. Giao Phòng Kinh tế rà soát các điểm thường xuyên ngập úng, đề xuất giải pháp. \
Báo cáo UBND phường trước ngày 20/9/2023.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Kinh tế", [], ("date", D(2023, 9, 20))),
    ]


def test_a_long_role_note_after_a_heading_subject(commune: UnitDirectory) -> None:
    """ "1. Phòng X (cơ quan thường trực Ban Chỉ đạo …):" heads the items below, however
    long its bracketed role; a preamble's addressees ("Yêu cầu các cơ quan, đơn vị …")
    do not."""
    body = """Yêu cầu các cơ quan, đơn vị, địa phương thực hiện tốt các nội dung sau. Cụ thể:
1. Phòng Kinh tế (cơ quan thường trực Ban Chỉ đạo các chương trình mục tiêu của phường):
- Tham mưu UBND phường kiện toàn Ban Chỉ đạo;
- Chủ trì kiểm tra tiến độ các công trình, hoàn thành trước ngày 15/10/2024.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Kinh tế", [], ("none",)),
        ("Phòng Kinh tế", [], ("date", D(2024, 10, 15))),
    ]


def test_a_heading_committee_directing_its_staff_leads(commune: UnitDirectory) -> None:
    """ "1. Ủy ban nhân dân các xã: - Chỉ đạo công chức địa chính …": the committee the
    heading names directs, so it leads (written in full as in "UBND" short)."""
    body = """1. Ủy ban nhân dân các xã, phường:
- Chỉ đạo công chức địa chính phối hợp với Văn phòng Đăng ký đất đai chỉnh lý hồ sơ \
địa chính; hoàn thành trước ngày 30/9/2025.
2. Giao Sở Tài chính đẩy nhanh thẩm tra quyết toán dự án hoàn thành.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Ủy ban nhân dân các xã, phường", ["Văn phòng Đăng ký đất đai"], ("date", D(2025, 9, 30))),
        ("Sở Tài chính", [], ("none",)),
    ]


def test_whom_the_subject_answers_to_then_its_duty(commune: UnitDirectory) -> None:
    """ "X chịu trách nhiệm trước … nếu để …. Yêu cầu X thống kê …": the first sentence
    says whom X answers to (no duty); the duty is the sentence after it."""
    body = """3. Chủ tịch UBND các khu phố chịu trách nhiệm trước Chủ tịch UBND phường nếu để \
xảy ra lấn chiếm. Yêu cầu UBND các khu phố kiểm tra, lập biên bản các trường hợp vi phạm, \
gửi trước ngày 12/6/2024.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("UBND các khu phố", [], ("date", D(2024, 6, 12))),
    ]
    assert r.content.assignments[0].action.startswith("Yêu cầu UBND các khu phố kiểm tra")


def test_closing_lines_in_their_other_forms(commune: UnitDirectory) -> None:
    """A line that only asks to carry the letter out gives no duty, whoever it names
    ("Khu phố, tổ dân phố khẩn trương …"), however it asks ("Đề nghị các đơn vị …") and
    however well ("… bảo đảm chất lượng, đúng thời hạn")."""
    body = """1. Phòng Kinh tế rà soát các hộ kinh doanh, hoàn thành trước ngày 10/5/2024.
2. Thủ trưởng các phòng, đơn vị căn cứ nhiệm vụ được giao, chủ động tổ chức thực hiện \
bảo đảm chất lượng, đúng thời hạn.
3. Khu phố, tổ dân phố khẩn trương triển khai thực hiện.
Ủy ban nhân dân phường đề nghị các đơn vị khẩn trương triển khai thực hiện./.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Kinh tế", [], ("date", D(2024, 5, 10))),
    ]


def test_a_task_whose_verb_is_unknown_is_no_closing_line(commune: UnitDirectory) -> None:
    """ "Công an phường X phân loại hồ sơ, tổ chức thực hiện": after the comma, the same task goes
    on; the words before are no addressees."""
    body = """1. Công an phường Nam Sơn phân loại hồ sơ, tổ chức thực hiện.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [("Công an phường Nam Sơn", [], ("none",))]


def test_names_end_before_informing_and_also(commune: UnitDirectory) -> None:
    """A unit name ends before "thông báo, vận động …" (informing, one verb of the duty)
    and before "còn có trách nhiệm" (also); hamlets and neighbourhoods ("các khóm", "các
    ấp") are bodies named by their head."""
    body = """1. Trưởng các tổ dân phố thông báo, vận động hộ dân dọn vệ sinh trước ngày 30/4/2024.
2. Trung tâm Y tế phường còn có trách nhiệm rà soát cơ số thuốc.
3. Trưởng các khóm phối hợp kiểm tra, vận động Nhân dân chấp hành.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("các tổ dân phố", [], ("date", D(2024, 4, 30))),
        ("Trung tâm Y tế phường", [], ("none",)),
        ("các khóm", [], ("none",)),
    ]


def test_deadlines_as_of_new_year_and_quarter_lists(commune: UnitDirectory) -> None:
    """ "(tính đến ngày 31/8)" dates the figures, not the duty; "xã đạt chuẩn nông thôn mới
    năm 2023" is no yearly recurrence ("mới", not "mỗi"); "Quý III, IV/2022" ends with its
    last quarter."""
    body = """1. Phòng Nội vụ thống kê số cán bộ (tính đến ngày 31/8/2025); gửi UBND phường trong \
tháng 9/2025.
2. Phòng Kinh tế hoàn thiện hồ sơ công nhận xã đạt chuẩn nông thôn mới năm 2023, gửi \
UBND phường trong Quý III/2023.
3. Phòng Văn hóa kiểm tra các điểm di tích trong Quý III, IV/2022.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Nội vụ", [], ("date", D(2025, 9, 30))),
        ("Phòng Kinh tế", [], ("date", D(2023, 9, 30))),
        ("Phòng Văn hóa", [], ("date", D(2022, 12, 31))),
    ]


def test_the_unit_heard_at_the_meeting_is_given_nothing(commune: UnitDirectory) -> None:
    """ "Sau khi nghe Phòng X báo cáo …, Chủ tịch kết luận như sau:": Phòng X reported; the
    conclusion that names no one ("1. Thống nhất …") is no duty of it."""
    body = """Sau khi nghe Phòng Quản lý đô thị báo cáo tình hình lấn chiếm lòng đường (từ ngày \
01/7/2025 đến nay phát hiện 214 trường hợp) và ý kiến của các đại biểu, Chủ tịch UBND phường \
kết luận như sau:
1. Thống nhất ra quân lập lại trật tự đô thị trên toàn địa bàn phường.
2. Giao Công an phường chủ trì kiểm tra, xử lý vi phạm trước ngày 30/11/2025.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Công an phường", [], ("date", D(2025, 11, 30))),
    ]


def test_the_issuer_announcing_its_own_meeting_assigns_nothing(commune: UnitDirectory) -> None:
    """ "UBND phường sẽ tổ chức họp … vào ngày …": the issuer's own meeting, no duty; a
    task it takes on with a deadline ("… sẽ tổng hợp, báo cáo … trước ngày …") stays one."""
    body = """1. Giao Công an phường kiểm tra, xử lý vi phạm trước ngày 30/11/2025.
UBND phường sẽ tổ chức họp kiểm điểm tiến độ vào ngày 05/12/2025.
UBND phường sẽ tổng hợp, báo cáo UBND thành phố trước ngày 10/12/2025.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Công an phường", [], ("date", D(2025, 11, 30))),
        ("UBND phường", [], ("date", D(2025, 12, 10))),
    ]


def test_a_date_given_with_its_weekday_and_time_of_day(commune: UnitDirectory) -> None:
    """ "vào sáng Chủ nhật ngày 31/8/2025", "trước 17 giờ chiều thứ Sáu, ngày 12/5/2023":
    the part of the day and the weekday do not hide the date."""
    body = """1. Đề nghị Ủy ban MTTQ Việt Nam phường vận động Nhân dân tổng vệ sinh vào sáng Chủ \
nhật ngày 31/8/2025.
2. Công an phường báo cáo UBND phường trước 17 giờ chiều thứ Sáu, ngày 12/9/2025.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Ủy ban MTTQ Việt Nam phường", [], ("date", D(2025, 8, 31))),
        ("Công an phường", [], ("date", D(2025, 9, 12))),
    ]


def test_a_bare_plural_head_lists_no_fields(commune: UnitDirectory) -> None:
    """ "phối hợp chặt chẽ với các chủ đầu tư, kiểm soát chi và thanh toán …": after a bare
    head ("các chủ đầu tư") the words after the comma are the duty, not the name's fields
    (as in "Phòng Đấu thầu, thẩm định và giám sát đầu tư")."""
    body = """1. Kho bạc Nhà nước tỉnh phối hợp chặt chẽ với các chủ đầu tư, kiểm soát chi và \
thanh toán kịp thời.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Kho bạc Nhà nước tỉnh", ["các chủ đầu tư"], ("none",)),
    ]


def test_a_task_named_first_then_given(commune: UnitDirectory) -> None:
    """ "Công tác X giao Phòng Y chủ trì. Trung tâm Z phối hợp, …": the topic is the task,
    Phòng Y leads it, and the unit the next sentence says "phối hợp" coordinates it."""
    body = """1. Công tác kiểm tra an toàn thực phẩm giao Phòng Y tế chủ trì. Công an phường \
phối hợp, bố trí lực lượng tại các chợ trước ngày 20/1/2025.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Y tế", ["Công an phường"], ("date", D(2025, 1, 20))),
    ]


def test_a_lower_case_accented_verb_is_no_capital(commune: UnitDirectory) -> None:
    """A name goes on with capitalised words only; "đăng", "ưu tiên" begin with accented
    lower-case letters, which are no capitals (the verb after the name ends it)."""
    body = """1. Văn phòng HĐND và UBND phường đăng tải Kế hoạch trên Trang thông tin điện tử \
phường trước ngày 10/3/2025.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Văn phòng HĐND và UBND phường", [], ("date", D(2025, 3, 10))),
    ]


@pytest.fixture(scope="module")
def city() -> UnitDirectory:
    """A city committee whose directory name carries no place (as a city names itself)."""
    return UnitDirectory(
        code="", name="Ủy ban nhân dân thành phố", short_name="", province="Hải Phòng",
        units=(), level="province",
    )  # fmt: skip


def test_a_named_local_government_and_the_others_of_a_level(city: UnitDirectory) -> None:
    """ "UBND thành phố Thủy Nguyên và các quận, huyện": one named local government and all
    the others of a level are one addressee, a group kept whole, as a heading over its
    sub-items and as a coordinator; it is no other name of the issuer."""
    body = """1. Sở Y tế chủ trì, phối hợp với Ủy ban nhân dân thành phố Thủy Nguyên và các \
quận, huyện giám sát ca bệnh.
2. Chủ tịch Ủy ban nhân dân thành phố Thủy Nguyên và các quận, huyện:
a) Chỉ đạo Ủy ban nhân dân phường, xã tổ chức vệ sinh môi trường.
b) Bố trí kinh phí phòng, chống dịch, hoàn thành trước ngày 30/6/2024.
"""
    r = read(body, city)
    group = "Ủy ban nhân dân thành phố Thủy Nguyên và các quận, huyện"
    assert [row(x) for x in r.content.assignments] == [
        ("Sở Y tế", [group], ("none",)),
        (group, [], ("none",)),
        (group, [], ("date", D(2024, 6, 30))),
    ]


def test_where_to_turn_with_problems_is_no_duty(commune: UnitDirectory) -> None:
    """ "…; trong quá trình thực hiện nếu có khó khăn, vướng mắc, kịp thời báo cáo …": the
    closing line asks for the letter to be carried out and says where to turn, no task."""
    body = """1. Công an phường tuần tra, kiểm soát địa bàn trước ngày 15/4/2025.
Thủ trưởng các cơ quan, đơn vị nghiêm túc thực hiện Công văn này; trong quá trình thực \
hiện nếu có khó khăn, vướng mắc, kịp thời báo cáo UBND phường để được hướng dẫn.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Công an phường", [], ("date", D(2025, 4, 15))),
    ]


def test_a_capitalised_city_goes_on_with_the_name(city: UnitDirectory) -> None:
    """ "Ủy ban MTTQ Việt Nam Thành phố": a city the letter capitalises as its own is a
    place word of the name (the lower-case "phố" does not end it)."""
    body = """1. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố vận động Nhân dân tham gia \
vệ sinh môi trường.
"""
    r = read(body, city)
    assert [row(x) for x in r.content.assignments] == [
        ("Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố", [], ("none",)),
    ]


def test_a_committee_a_level_below_heads_its_own_items(commune: UnitDirectory) -> None:
    """ "UBND huyện Đông Anh:", "UBND các xã An Lạc, Yên Phú:" over sub-items: a committee a
    level below the issuer's is a body the letter gives duties to, not the issuer's own
    voice ("UBND tỉnh yêu cầu:" in the province's letter)."""
    district = UnitDirectory(
        code="", name="Ủy ban nhân dân huyện", short_name="", province="Thanh Hóa",
        units=(), level="district",
    )  # fmt: skip
    body = """1. UBND các xã An Lạc, Yên Phú:
- Tuyên truyền, vận động nhân dân chấp hành chủ trương thu hồi đất.
- Bàn giao mặt bằng cho chủ đầu tư trước ngày 31/5/2024.
2. Chủ tịch UBND xã Tân Lập:
- Di dời các hộ dân ra khỏi vùng ngập trước ngày 03/6/2024.
"""
    r = read(body, district)
    assert [row(x) for x in r.content.assignments] == [
        ("UBND xã An Lạc", [], ("none",)),
        ("UBND xã Yên Phú", [], ("none",)),
        ("UBND xã An Lạc", [], ("date", D(2024, 5, 31))),
        ("UBND xã Yên Phú", [], ("date", D(2024, 5, 31))),
        ("UBND xã Tân Lập", [], ("date", D(2024, 6, 3))),
    ]


def test_a_body_of_each_level_and_a_toned_giao(commune: UnitDirectory) -> None:
    """ "Phòng Y tế quận, huyện": after a level word, ", huyện" lists the levels of the
    body (one in each); "Ban Tuyên giáo Tỉnh ủy": "giáo" (with its tone) is no "giao"."""
    body = """1. Trung tâm Y tế quận chủ trì, phối hợp với Phòng Y tế quận, huyện và Ban \
Tuyên giáo Tỉnh ủy tổ chức chiến dịch diệt lăng quăng.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Trung tâm Y tế quận", ["Phòng Y tế quận, huyện", "Ban Tuyên giáo Tỉnh ủy"], ("none",)),
    ]


def test_forces_and_a_port_authority_are_bodies(commune: UnitDirectory) -> None:
    """ "các lực lượng chức năng", "Cảng vụ Hàng hải Quảng Ninh": kinds of body a duty is
    coordinated with."""
    body = """1. Đội Quản lý thị trường chủ trì, phối hợp với các lực lượng chức năng kiểm tra \
hàng hóa trước ngày 15/01/2025.
2. Sở Xây dựng phối hợp với Cảng vụ Hàng hải Quảng Ninh tạm dừng tàu khách khi có bão.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Đội Quản lý thị trường", ["các lực lượng chức năng"], ("date", D(2025, 1, 15))),
        ("Sở Xây dựng", ["Cảng vụ Hàng hải Quảng Ninh"], ("none",)),
    ]


def test_this_task_given_to_carry_out_with_coordinators(commune: UnitDirectory) -> None:
    """ "<task> trước ngày … . Việc này giao X thực hiện, phối hợp với Y …": the task named
    first is X's, done with Y."""
    body = """1. Vật tư phòng dịch phải được cấp đủ cho các thôn trước ngày 10/9/2025. Việc này \
giao Văn phòng HĐND và UBND phường thực hiện, phối hợp với Trạm Y tế phường kiểm tra \
chủng loại.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Văn phòng HĐND và UBND phường", ["Trạm Y tế phường"], ("date", D(2025, 9, 10))),
    ]


def test_a_later_subject_acting_with_others_does_its_own_duty(commune: UnitDirectory) -> None:
    """ "A, B chuẩn bị lực lượng …; B phối hợp với chính quyền … hướng dẫn …": acting with
    others than the item's leads, B does a duty of its own ("… ; B phối hợp với A thực
    hiện" would coordinate A's)."""
    body = """1. Công an phường, Ban Chỉ huy Quân sự phường chuẩn bị lực lượng sẵn sàng sơ tán; \
Ban Chỉ huy Quân sự phường phối hợp với chính quyền các thôn ven biển hướng dẫn tàu thuyền \
vào nơi tránh trú.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Công an phường", [], ("none",)),
        ("Ban Chỉ huy Quân sự phường", [], ("none",)),
        ("Ban Chỉ huy Quân sự phường", [], ("none",)),
    ]


def test_fields_listed_after_a_comma_close_with_va(commune: UnitDirectory) -> None:
    """ "Phòng Tổ chức, biên chế và tổ chức phi chính phủ": a name listing its fields after
    a comma closes the list with "và" and one more field, even one that opens like a verb
    ("tổ chức"); the name ends at the duty's verb."""
    body = """1. Phòng Nội vụ chủ trì, phối hợp với Phòng Tổ chức, biên chế và tổ chức phi chính \
phủ tổng hợp kết quả rà soát trước ngày 25/9/2025.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        (
            "Phòng Nội vụ",
            ["Phòng Tổ chức, biên chế và tổ chức phi chính phủ"],
            ("date", D(2025, 9, 25)),
        ),
    ]


def test_the_given_unit_also_reports_weekly(commune: UnitDirectory) -> None:
    """ "<task> trước … . Việc này giao X thực hiện. X đồng thời là đầu mối tổng hợp, báo
    cáo … hằng tuần": the weekly report ("đồng thời": also) is another duty of X."""
    body = """1. Vật tư phòng dịch phải được cấp đủ cho các thôn trước ngày 10/9/2025. Việc này \
giao Văn phòng HĐND và UBND phường thực hiện. Văn phòng HĐND và UBND phường đồng thời là đầu \
mối tổng hợp tình hình, báo cáo Sở Y tế vào thứ Năm hằng tuần.
"""
    r = read(body, commune)
    rows = [row(x) for x in r.content.assignments]
    assert [(lead, coords) for lead, coords, _ in rows] == [
        ("Văn phòng HĐND và UBND phường", []),
        ("Văn phòng HĐND và UBND phường", []),
    ]
    assert rows[0][2] == ("date", D(2025, 9, 10))


def test_dong_thoi_opens_another_duty_of_the_same_unit(commune: UnitDirectory) -> None:
    """ "X lập danh sách …, hoàn thành trước … . Đồng thời, X phối hợp với Y tổ chức …":
    "Đồng thời," (also) opens one more duty, with its own coordinators and no deadline."""
    body = """1. Phòng Văn hóa - Xã hội lập danh sách hộ nghèo bị ảnh hưởng, hoàn thành trước \
ngày 12/11/2025. Đồng thời, Phòng Văn hóa - Xã hội phối hợp với Trạm Y tế phường tổ chức \
phun hóa chất khử khuẩn.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Văn hóa - Xã hội", [], ("date", D(2025, 11, 12))),
        ("Phòng Văn hóa - Xã hội", ["Trạm Y tế phường"], ("none",)),
    ]


def test_a_condition_then_another_subject_is_another_duty(commune: UnitDirectory) -> None:
    """ "… . Khi phát hiện lợn ốm, chết, Công an phường báo cáo ngay …": a later sentence
    opening with a condition, then a subject of its own, is another duty."""
    body = """1. Phòng Kinh tế phường tổ chức tiêm phòng cho đàn lợn, hoàn thành trước ngày \
05/9/2025. Khi phát hiện lợn ốm, chết không rõ nguyên nhân, Công an phường báo cáo ngay cho \
UBND phường.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Kinh tế phường", [], ("date", D(2025, 9, 5))),
        ("Công an phường", [], ("none",)),
    ]


def test_a_labelled_time_in_a_later_sentence_dates_the_duty(commune: UnitDirectory) -> None:
    """ "… . Thời gian ra quân đồng loạt: sáng Chủ nhật, ngày 16/11/2025.": a time labelled
    by the duty's own words dates it."""
    body = """1. Đoàn Thanh niên phường phát động ra quân tổng vệ sinh môi trường sau lũ. Các tổ \
dân phố cùng tham gia. Thời gian ra quân đồng loạt: sáng Chủ nhật, ngày 16/11/2025.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Đoàn Thanh niên phường", [], ("date", D(2025, 11, 16))),
    ]


def test_a_standard_name_ends_before_the_duty(commune: UnitDirectory) -> None:
    """ "Sở Tài chính cân đối, …", "Phòng Quản lý đô thị rút ngắn …": the names every
    province and district has are known whole; the lower-case words after one are the
    duty, whatever its verb (a place after it still goes on: "Sở Y tế tỉnh")."""
    body = """1. Giám đốc Sở Tài chính cân đối, tham mưu bổ sung kinh phí trước ngày 31/7/2025.
2. Phòng Quản lý đô thị rút ngắn thời gian thẩm định hồ sơ thiết kế.
3. Sở Y tế tỉnh chủ trì, phối hợp với Phòng Kinh tế, Hạ tầng và Đô thị xác định chủng loại \
vật tư.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Sở Tài chính", [], ("date", D(2025, 7, 31))),
        ("Phòng Quản lý đô thị", [], ("none",)),
        ("Sở Y tế tỉnh", ["Phòng Kinh tế, Hạ tầng và Đô thị"], ("none",)),
    ]


def test_a_condition_then_the_lead_named_short_is_a_next_duty(commune: UnitDirectory) -> None:
    """ "Trung tâm Y tế phường cấp phát thuốc … . Sau khi cấp phát, Trung tâm hướng dẫn …":
    after a condition, the item's lead named again by its head noun ("Trung tâm"), or a
    group's lead by its member ("Tổ trưởng tổ dân phố" for "Các tổ dân phố"), does a next
    duty of its own."""
    body = """1. Về phòng dịch: Trung tâm Y tế phường tổ chức cấp phát thuốc sát khuẩn cho các \
tổ dân phố. Việc cấp phát xong trước ngày 10/9/2025. Sau khi cấp phát, Trung tâm hướng dẫn \
các hộ gia đình phun khử khuẩn; thời gian phun trong tháng 10/2025.
2. Các tổ dân phố vận động hộ gia đình ký cam kết, hoàn thành trước ngày 15/9/2025. Khi \
phát hiện người có triệu chứng sốt, Tổ trưởng tổ dân phố báo cáo ngay cho Trạm Y tế phường.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Trung tâm Y tế phường", [], ("date", D(2025, 9, 10))),
        ("Trung tâm Y tế phường", [], ("date", D(2025, 10, 31))),
        ("Các tổ dân phố", [], ("date", D(2025, 9, 15))),
        ("Các tổ dân phố", [], ("none",)),
    ]


def test_budget_units_are_a_group_subject(commune: UnitDirectory) -> None:
    """ "Các đơn vị dự toán và UBND các xã …", "Các đơn vị sử dụng ngân sách": bodies named
    by their place in the budget are a group subject of their own, not words the opener's
    addressees ("các cơ quan, đơn vị, địa phương") take over."""
    body = """Đề nghị các cơ quan, đơn vị, địa phương thực hiện một số nội dung sau:
1. Các đơn vị dự toán và UBND các xã, phường báo cáo ước thực hiện chi ngân sách trước \
ngày 10/11/2025.
2. Các đơn vị sử dụng ngân sách rà soát các khoản chi mua sắm tài sản.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Các đơn vị dự toán", [], ("date", D(2025, 11, 10))),
        ("UBND các xã, phường", [], ("date", D(2025, 11, 10))),
        ("Các đơn vị sử dụng ngân sách", [], ("none",)),
    ]


def test_local_authorities_coordinate_as_a_group(commune: UnitDirectory) -> None:
    """ "phối hợp với chính quyền các địa phương ven biển", "… chính quyền cơ sở": the local
    governments are a coordinator, kept as written with the words that say which."""
    body = """1. Công an phường phối hợp với chính quyền các địa phương ven biển hướng dẫn tàu \
thuyền vào nơi tránh trú.
2. Phòng Kinh tế phường phối hợp với chính quyền cơ sở kiểm đếm thiệt hại.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Công an phường", ["chính quyền các địa phương ven biển"], ("none",)),
        ("Phòng Kinh tế phường", ["chính quyền cơ sở"], ("none",)),
    ]


def test_a_deadline_named_in_a_later_sentence_dates_the_duty(commune: UnitDirectory) -> None:
    """ "Hạn nộp … là ngày 12/10/2025": a sentence naming the deadline ("hạn", "thời hạn")
    and what it is for, then its date, dates the duty."""
    body = """1. Phòng Văn hóa - Xã hội rà soát danh sách hộ nghèo. Trong quá trình rà soát, \
phối hợp với các tổ dân phố để đối chiếu. Hạn nộp danh sách về Ủy ban nhân dân phường là \
ngày 12/10/2025.
2. Công an phường rà soát nhân khẩu; thời hạn hoàn thành là ngày 30/10/2025.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Văn hóa - Xã hội", ["các tổ dân phố"], ("date", D(2025, 10, 12))),
        ("Công an phường", [], ("date", D(2025, 10, 30))),
    ]


def test_a_range_ends_on_its_last_day_whatever_the_hour(commune: UnitDirectory) -> None:
    """ "Từ ngày 03/11 đến 16 giờ 30 ngày 14/11/2025", "từ ngày … đến hết ngày …": a range
    is due on its end, not its start, whatever hour it names."""
    body = """TT\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian
1\tTiếp nhận hồ sơ đăng ký\tVăn phòng phường\t\tTừ ngày 03/11/2025 đến 16 giờ 30 ngày 14/11/2025
2\tKiểm tra cơ sở kinh doanh\tCông an phường\t\ttừ ngày 01/12/2025 đến hết ngày 19/12/2025
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Văn phòng phường", [], ("date", D(2025, 11, 14))),
        ("Công an phường", [], ("date", D(2025, 12, 19))),
    ]


def test_ngoai_ra_opens_another_duty_of_the_lead_named_short(commune: UnitDirectory) -> None:
    """ "X cập nhật … hằng ngày. Ngoài ra, Trung tâm báo cáo … vào thứ Hai hằng tuần":
    "Ngoài ra," (besides) then the lead named again by its head noun opens one more duty
    of that lead, with a deadline of its own."""
    body = """1. Trung tâm Văn hóa - Thể thao phường cập nhật lịch sử dụng nhà văn hóa trên \
trang thông tin điện tử hằng ngày. Ngoài ra, Trung tâm tổng hợp ý kiến phản ánh của người \
dân, gửi Văn phòng phường vào thứ Hai hằng tuần.
"""
    r = read(body, commune)
    assert [row(x)[:2] for x in r.content.assignments] == [
        ("Trung tâm Văn hóa - Thể thao phường", []),
        ("Trung tâm Văn hóa - Thể thao phường", []),
    ]


def test_an_empty_time_cell_is_merged_with_the_row_above(commune: UnitDirectory) -> None:
    """Rows due together print their time once, in a cell merged over them: a time cell
    left empty under a row that has one takes that time, and says so (the last row too:
    a blank that meant "no set time" is the clerk's to clear). A group's heading row ends
    the merge."""
    body = """TT\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành
1\tKiểm kê tài sản công của phường cũ\tPhòng Kinh tế phường\tVăn phòng phường\tTrước 15/10/2025
2\tKiểm kê hồ sơ lưu trữ của phường cũ\tVăn phòng phường\tPhòng Kinh tế phường\t
II\tNhóm nhiệm vụ sau kiểm kê\t\t\t
3\tĐề xuất phương án xử lý tài sản dôi dư\tPhòng Kinh tế phường\tVăn phòng phường\t
4\tSắp xếp lại trụ sở làm việc\tVăn phòng phường\tPhòng Kinh tế phường\tQuý IV/2025
5\tTheo dõi việc sử dụng trụ sở\tVăn phòng phường\tPhòng Kinh tế phường\t
"""
    r = read(body, commune)
    vp, kt = "Văn phòng phường", "Phòng Kinh tế phường"
    assert [row(x) for x in r.content.assignments] == [
        (kt, [vp], ("date", D(2025, 10, 15))),
        (vp, [kt], ("date", D(2025, 10, 15))),
        (kt, [vp], ("none",)),
        (vp, [kt], ("date", D(2025, 12, 31))),
        (vp, [kt], ("date", D(2025, 12, 31))),
    ]
    merged = [w.field for w in r.warnings if w.code == "merged_cell"]
    assert merged == ["assignments[1].deadline", "assignments[4].deadline"]


def test_a_range_written_with_a_dash_ends_on_its_last_day(commune: UnitDirectory) -> None:
    """ "Từ 02/10 - 20/10/2025": a range of days joined by a dash is due on its end, not
    on its start (which has no year of its own)."""
    body = """1. Công an phường ra quân kiểm tra các cơ sở kinh doanh karaoke từ 02/10 - \
20/10/2025.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Công an phường", [], ("date", D(2025, 10, 20))),
    ]


def test_before_an_event_the_letter_dates(commune: UnitDirectory) -> None:
    """ "hoàn tất trước ngày hội diễn 22/11/2025", "trước Lễ ra quân (ngày 04/10/2025)":
    due before an event, named with its date: the event's date is the deadline."""
    body = """1. Đoàn Thanh niên phường chuẩn bị sân khấu, hoàn tất trước ngày hội diễn 22/11/2025.
2. Trạm Y tế phường chuẩn bị cơ số thuốc trước Lễ ra quân (ngày 04/10/2025).
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Đoàn Thanh niên phường", [], ("date", D(2025, 11, 22))),
        ("Trạm Y tế phường", [], ("date", D(2025, 10, 4))),
    ]


def test_a_due_month_after_when_the_work_applies_from(commune: UnitDirectory) -> None:
    """ "… áp dụng từ năm 2027; hoàn thành trong tháng 9/2026": the start the work
    applies from is no deadline, but does not hide the due month after it (a start alone,
    "từ Quý III/2026", still dates nothing)."""
    body = """1. Phòng Văn hóa - Xã hội xây dựng bộ tiêu chí khu phố văn hóa áp dụng từ năm \
2027; hoàn thành trong tháng 9/2026.
2. Phòng Kinh tế phường tổ chức thu phí vệ sinh theo mức mới từ Quý III/2026.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Văn hóa - Xã hội", [], ("date", D(2026, 9, 30))),
        ("Phòng Kinh tế phường", [], ("none",)),
    ]


def test_a_target_by_the_end_of_a_year(commune: UnitDirectory) -> None:
    """ "phấn đấu đến hết năm 2025 …", "đến cuối năm 2025": a target due at the year's end;
    figures counted "tính đến hết năm" are as of then, no deadline."""
    body = """1. Trung tâm Phục vụ hành chính công phường rà soát quy trình tiếp nhận hồ sơ; \
phấn đấu đến cuối năm 2025 tỷ lệ hồ sơ trực tuyến đạt trên 80%.
2. Phòng Văn hóa - Xã hội thống kê số hộ nghèo tính đến hết năm 2024.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Trung tâm Phục vụ hành chính công phường", [], ("date", D(2025, 12, 31))),
        ("Phòng Văn hóa - Xã hội", [], ("none",)),
    ]


def test_a_group_heading_row_does_not_run_into_the_time_above(commune: UnitDirectory) -> None:
    """A row "II | Nhóm …" heading the next rows ends the row above it: that row's time
    cell ("Năm 2025", the whole year, due 31/12) is read alone."""
    body = """TT\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian
I\tNhóm nhiệm vụ về đô thị\t\t\t
1\tChỉnh trang vỉa hè các tuyến phố chính\tPhòng Kinh tế phường\t\tNăm 2025
II\tNhóm nhiệm vụ về môi trường\t\t\t
2\tNạo vét kênh thoát nước\tĐoàn Thanh niên phường\t\tQuý IV/2025
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Kinh tế phường", [], ("date", D(2025, 12, 31))),
        ("Đoàn Thanh niên phường", [], ("date", D(2025, 12, 31))),
    ]


def test_a_sentence_goes_on_across_a_page_break(commune: UnitDirectory) -> None:
    """A PDF copy cuts an item at a page break (blank line, page number, blank line): the
    item goes on after it, and a "Thời gian thực hiện:" line below still dates it."""
    body = """1. Đoàn Thanh niên phường tổ chức ra quân dọn dẹp vệ sinh các tuyến phố, khơi thông \
cống rãnh

3

tại các khu dân cư hay bị ngập úng; vận động hộ gia đình phân loại rác tại nguồn.
Thời gian thực hiện: từ ngày 06/10/2025 đến hết ngày 31/10/2025.
2. Công an phường tăng cường tuần tra ban đêm.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Đoàn Thanh niên phường", [], ("date", D(2025, 10, 31))),
        ("Công an phường", [], ("none",)),
    ]


def test_a_lower_case_line_after_a_semicolon_goes_on_with_the_item(
    commune: UnitDirectory,
) -> None:
    """ "…; \\nthời gian cao điểm từ … đến …": a line opening in lower case after a line
    ending in ";" is the same item's next clause, not a paragraph of its own."""
    body = """1. Phòng Kinh tế phường chủ trì kiểm tra các chợ tạm, chợ cóc trên địa bàn;
thời gian cao điểm từ ngày 10/01/2026 đến ngày 15/02/2026.
2. Công an phường bảo đảm trật tự tại các điểm vui chơi.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Kinh tế phường", [], ("date", D(2026, 2, 15))),
        ("Công an phường", [], ("none",)),
    ]


def test_a_sentence_opening_with_a_later_time_is_a_step_of_its_own(
    commune: UnitDirectory,
) -> None:
    """ "… . Sau đợt kiểm tra, tổng hợp … trong 03 ngày làm việc kể từ ngày ký": a sentence
    opening with when it comes, after the work before it, is a later step with its own
    deadline; the work before it keeps none it did not state."""
    body = """1. Phòng Kinh tế phường kiểm tra điều kiện an toàn thực phẩm tại các bếp ăn tập \
thể; lấy mẫu thực phẩm gửi xét nghiệm. Sau đợt kiểm tra, tổng hợp kết quả \
báo cáo Chủ tịch UBND phường trong 03 ngày làm việc kể từ ngày ký văn bản này.
"""
    r = read(body, commune)
    a = r.content.assignments
    assert [row(x) for x in a] == [
        ("Phòng Kinh tế phường", [], ("none",)),
        ("Phòng Kinh tế phường", [], ("date", D(2023, 3, 8))),
    ]
    assert a[1].action.startswith("Tổng hợp kết quả")


def test_a_residential_area_often_flooded_is_no_ongoing_duty(commune: UnitDirectory) -> None:
    """ "các khu dân cư thường xuyên bị ngập": what often happens in a place, not how often
    the duty is done; the duty is due when its deadline says."""
    body = """1. Phòng Kinh tế phường rà soát các khu dân cư thường xuyên bị ngập khi mưa lớn; \
báo cáo Ủy ban nhân dân phường trong 03 ngày làm việc kể từ ngày ký văn bản này.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Kinh tế phường", [], ("date", D(2023, 3, 8))),
    ]


def test_a_group_keeps_its_kind_activity_and_area_words(commune: UnitDirectory) -> None:
    """ "Các phòng khám tư nhân trên địa bàn thị xã", "các chủ rừng là hộ gia đình, cá
    nhân", "Các hợp tác xã đang sản xuất trong vùng nguyên liệu mía": the words that say
    which members are part of the group's name as written."""
    body = """1. Các bệnh viện tư nhân trên địa bàn thị xã Hòa Minh rà soát danh sách bác sĩ \
trước ngày 12/10/2023.
2. Các chủ rừng là hộ gia đình, cá nhân xây dựng phương án bảo vệ rừng của mình.
3. Các doanh nghiệp đang sản xuất trong cụm công nghiệp phía Nam, khu chế biến nông sản \
khẩn trương rà soát hệ thống xử lý nước thải.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Các bệnh viện tư nhân trên địa bàn thị xã Hòa Minh", [], ("date", D(2023, 10, 12))),
        ("Các chủ rừng là hộ gia đình, cá nhân", [], ("none",)),
        (
            "Các doanh nghiệp đang sản xuất trong cụm công nghiệp phía Nam, khu chế biến nông sản",
            [],
            ("none",),
        ),
    ]


def test_a_board_heading_each_member_of_a_group(commune: UnitDirectory) -> None:
    """ "Ban Giám đốc các bệnh viện …", "Trưởng ban điều hành các ấp": the board that heads
    each member of a group is one addressee, kept whole as written."""
    body = """1. Ban Giám đốc các bệnh viện công lập trên địa bàn phường bố trí giường bệnh dự \
phòng.
2. Trưởng ban điều hành các ấp vận động người dân phát quang bụi rậm trước ngày 20/11/2023.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Ban Giám đốc các bệnh viện công lập trên địa bàn phường", [], ("none",)),
        ("ban điều hành các ấp", [], ("date", D(2023, 11, 20))),
    ]


def test_forest_owners_and_a_nature_reserve_lead(commune: UnitDirectory) -> None:
    """Bodies that are not state offices lead duties too: a nature reserve, a national
    park, the forest owners that are organisations."""
    body = """1. Giám đốc Khu bảo tồn thiên nhiên Hòn Mây, Thủ trưởng các chủ rừng là tổ chức \
trên địa bàn tỉnh bố trí lực lượng canh gác lửa rừng trước ngày 15/4/2023.
2. Vườn quốc gia Đá Bạc phối hợp với Hạt Kiểm lâm thị xã tuần tra rừng.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Khu bảo tồn thiên nhiên Hòn Mây", [], ("date", D(2023, 4, 15))),
        ("các chủ rừng là tổ chức trên địa bàn tỉnh", [], ("date", D(2023, 4, 15))),
        ("Vườn quốc gia Đá Bạc", ["Hạt Kiểm lâm thị xã"], ("none",)),
    ]


def test_an_abbreviation_joined_by_an_ampersand(commune: UnitDirectory) -> None:
    """ "Phòng VH&TT", "Sở KH&CN": "&" joins the parts of one abbreviated name."""
    body = """1. Về công tác thư viện, đề nghị Trưởng phòng VH&TT các huyện, thị xã chỉ đạo các \
thư viện mở cửa vào thứ Bảy.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("phòng VH&TT các huyện, thị xã", [], ("none",)),
    ]


def test_on_the_ground_of_this_plan_the_addressees_act(commune: UnitDirectory) -> None:
    """ "Căn cứ Kế hoạch này, X và Y xây dựng kế hoạch …": the letter itself as the
    ground, then the units that act on it ("Căn cứ Luật …" opens a preamble)."""
    body = """Căn cứ Kế hoạch này, Thủ trưởng các trường học và Trưởng các khu phố xây dựng kế \
hoạch của đơn vị, gửi về UBND phường trước ngày 08/12/2023.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("các trường học", [], ("date", D(2023, 12, 8))),
        ("các khu phố", [], ("date", D(2023, 12, 8))),
    ]


def test_office_names_holding_a_verb_and_investigating(commune: UnitDirectory) -> None:
    """ "Văn phòng đăng ký đất đai", "Phòng Quản lý quy hoạch và xây dựng": nouns, not the
    verbs "đăng ký", "xây dựng"; "điều tra" (investigate) ends a name before it."""
    body = """1. Phòng Kinh tế chủ trì, phối hợp với Chi nhánh Văn phòng đăng ký đất đai thị xã \
và Phòng Quản lý quy hoạch và xây dựng kiểm tra hồ sơ cấp phép.
2. Công an phường phối hợp với Đội Kiểm lâm cơ động điều tra các vụ chặt phá rừng.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        (
            "Phòng Kinh tế",
            ["Chi nhánh Văn phòng đăng ký đất đai thị xã", "Phòng Quản lý quy hoạch và xây dựng"],
            ("none",),
        ),
        ("Công an phường", ["Đội Kiểm lâm cơ động"], ("none",)),
    ]


def test_coordinators_after_a_semicolon_of_a_task_given_later(commune: UnitDirectory) -> None:
    """ "<task>. Nhiệm vụ này giao X chủ trì; Y phối hợp thực hiện.": Y coordinates."""
    body = """1. Các điểm tập kết rác tự phát phải được xóa bỏ. Nhiệm vụ này giao Đội Trật tự \
đô thị chủ trì; Ban Quản lý chợ phối hợp thực hiện. Thời hạn: trước ngày 30/6/2023.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Đội Trật tự đô thị", ["Ban Quản lý chợ"], ("date", D(2023, 6, 30))),
    ]


def test_a_closing_sentence_picks_the_lead_among_joint_units(commune: UnitDirectory) -> None:
    """ "A và B: phối hợp kiểm tra … . B chủ trì.": B leads, A coordinates; the closing
    sentence is no duty of its own."""
    body = """- Trạm Y tế phường và Đội Quản lý thị trường: phối hợp kiểm tra các cơ sở kinh \
doanh thực phẩm trong tháng 11/2023. Đội Quản lý thị trường chủ trì.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Đội Quản lý thị trường", ["Trạm Y tế phường"], ("date", D(2023, 11, 30))),
    ]


def test_a_role_given_in_the_passive_opens_the_duty(commune: UnitDirectory) -> None:
    """ "X được giao là đơn vị đầu mối về chuyên môn. Đơn vị có trách nhiệm …": X's duty
    is what follows the role."""
    body = """1. Trung tâm Y tế phường được giao là đơn vị đầu mối về chuyên môn. Đơn vị có \
trách nhiệm hướng dẫn các khu phố phun thuốc diệt muỗi; phối hợp với Hội Chữ thập đỏ phường \
cấp phát hóa chất trước ngày 25/8/2023.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Trung tâm Y tế phường", ["Hội Chữ thập đỏ phường"], ("date", D(2023, 8, 25))),
    ]


def test_a_periodic_report_restating_a_verb_keeps_the_coordinators(
    commune: UnitDirectory,
) -> None:
    """ "X chủ trì, phối hợp với Y theo dõi …, kịp thời báo cáo …; định kỳ báo cáo … hằng
    tháng": the periodic report restates the first clause's verb, done with Y too."""
    body = """- Phòng Kinh tế chủ trì, phối hợp với Chi cục Thuế khu vực theo dõi tiến độ thu \
ngân sách, kịp thời báo cáo UBND phường; định kỳ báo cáo kết quả trước ngày 20 hằng tháng.
"""
    r = read(body, commune)
    assert [row(x)[:2] for x in r.content.assignments] == [
        ("Phòng Kinh tế", ["Chi cục Thuế khu vực"]),
        ("Phòng Kinh tế", ["Chi cục Thuế khu vực"]),
    ]


def test_a_place_ends_a_name_before_lower_case_words(commune: UnitDirectory) -> None:
    """ "UBND xã Tân Phú và đơn vị thi công …": a place word and its proper name end a
    unit's name; "và" and lower-case words after it are not part of it."""
    body = """1. Phòng Kinh tế chủ trì, phối hợp với UBND xã Tân Phú và đơn vị thi công dọn dẹp \
đất đá trên tuyến đường.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Kinh tế", ["UBND xã Tân Phú"], ("none",)),
    ]


def test_an_item_line_naming_only_its_unit_heads_the_lines_below(
    commune: UnitDirectory,
) -> None:
    """ "2. Phòng Tư pháp" alone on its line, its duties on the next (wrapped) lines: the
    name is the item's heading, not the start of a longer name ("… Tư pháp Chủ trì")."""
    body = """III. TỔ CHỨC THỰC HIỆN
1. Phòng Tư pháp
Chủ trì, phối hợp với Đội Quản lý trật tự đô thị rà soát các bảng quảng cáo sai quy
định trên các tuyến phố, hoàn thành trước ngày 20/10/2023.
2. Trung tâm Văn hóa phường
Tham mưu tổ chức tuyên truyền về trật tự đô thị trong Quý IV/2023.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Tư pháp", ["Đội Quản lý trật tự đô thị"], ("date", D(2023, 10, 20))),
        ("Trung tâm Văn hóa phường", [], ("date", D(2023, 12, 31))),
    ]


def test_a_body_of_the_same_level_is_one_name(commune: UnitDirectory) -> None:
    """ "Phòng Tư pháp cùng cấp": the body of the addressee's own level; "cùng cấp" (same
    level) is part of the name, not "cung cấp" (provide) opening the duty."""
    body = """2. Trạm Y tế các xã, thị trấn:
- Phối hợp với Phòng Văn hóa - Xã hội cùng cấp tuyên truyền phòng, chống bệnh tay chân \
miệng tại các trường mầm non trong tháng 10/2023.
"""
    r = read(body, commune)
    assert [row(x)[1:] for x in r.content.assignments] == [
        (["Phòng Văn hóa - Xã hội cùng cấp"], ("date", D(2023, 10, 31))),
    ]
    assert r.content.assignments[0].action.startswith("Tuyên truyền")


def test_coordinators_named_without_voi(commune: UnitDirectory) -> None:
    """ "Phối hợp Đội X kiểm tra …" under a unit's heading: "với" left out, X coordinates
    the heading unit's duty all the same."""
    body = """1. Phòng Kinh tế:
- Phối hợp Đội Quản lý thị trường số 4 kiểm tra các cửa hàng kinh doanh phân bón trước \
ngày 15/11/2023.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Kinh tế", ["Đội Quản lý thị trường số 4"], ("date", D(2023, 11, 15))),
    ]


def test_the_subjects_of_a_later_phoi_hop_sentence_coordinate(commune: UnitDirectory) -> None:
    """ "Phòng X chủ trì … . Hội Y, Đoàn Z phối hợp, …" and "Trưởng các tổ dân phố có
    trách nhiệm phối hợp …": the subjects that "phối hợp" in a later sentence coordinate
    the item's duty."""
    body = """1. Phòng Văn hóa - Xã hội chủ trì rà soát các gia đình có hoàn cảnh khó khăn. Hội \
Chữ thập đỏ phường, Đoàn Thanh niên phường phối hợp, vận động quà tặng. Danh sách gửi UBND \
phường trước ngày 10/1/2024.
2. Trạm Y tế phường tổ chức tiêm vắc xin cho trẻ em. Trưởng các tổ dân phố có trách \
nhiệm phối hợp, thông báo lịch tiêm đến từng hộ gia đình.
"""
    r = read(body, commune)
    assert [row(x)[:2] for x in r.content.assignments] == [
        ("Phòng Văn hóa - Xã hội", ["Hội Chữ thập đỏ phường", "Đoàn Thanh niên phường"]),
        ("Trạm Y tế phường", ["các tổ dân phố"]),
    ]


def test_a_force_written_in_lower_case_before_its_sector(commune: UnitDirectory) -> None:
    """ "phối hợp với lực lượng Dân quân …": a force is named in lower case before the
    capitalised name of its sector; it coordinates as a body does."""
    body = """3. Công an phường chỉ đạo các tổ tuần tra phối hợp với lực lượng Dân quân tự vệ \
tuần tra, bảo đảm an ninh trật tự trong dịp Tết Nguyên đán.
"""
    r = read(body, commune)
    assert [row(x)[:2] for x in r.content.assignments] == [
        ("Công an phường", ["lực lượng Dân quân tự vệ"]),
    ]


def test_a_role_after_a_dash_is_neither_name_nor_duty(commune: UnitDirectory) -> None:
    """ "Phòng X - cơ quan thường trực Ban Chỉ đạo … có trách nhiệm …": the role after the
    dash is what X is; X leads, its duty starts after the role."""
    body = """1. Phòng Văn hóa - Xã hội - cơ quan thường trực Ban Chỉ đạo phong trào toàn dân \
đoàn kết xây dựng đời sống văn hóa phường có trách nhiệm tham mưu UBND phường tổng kết \
phong trào trong tháng 12/2023.
"""
    r = read(body, commune)
    (a,) = r.content.assignments
    assert row(a) == ("Phòng Văn hóa - Xã hội", [], ("date", D(2023, 12, 31)))
    assert a.action.startswith("Tham mưu")


def test_a_newspaper_named_cao_is_a_body_not_a_report(commune: UnitDirectory) -> None:
    """ "Đài Truyền thanh phường, Báo Cao Phong đưa tin …": two bodies; "Báo Cao" folds
    like "báo cáo" (report) but with its tones it is a newspaper's name."""
    body = """4. Đài Truyền thanh phường, Báo Cao Phong đưa tin về lịch cắt điện trong tháng \
7/2024.
"""
    r = read(body, commune)
    assert [row(x)[0] for x in r.content.assignments] == [
        "Đài Truyền thanh phường",
        "Báo Cao Phong",
    ]


def test_advising_and_referring_are_duty_verbs(commune: UnitDirectory) -> None:
    """ "Trung tâm Dịch vụ việc làm tư vấn, giới thiệu việc làm …": a lower-case name runs
    on up to its verb; "tư vấn" (advise) and "giới thiệu" (refer) are verbs (a "Hội đồng tư
    vấn" is still an advisory council)."""
    body = """2. Trung tâm Giáo dục nghề nghiệp phường tư vấn, giới thiệu việc làm cho thanh niên \
hoàn thành nghĩa vụ quân sự trong Quý I/2024.
3. Hội đồng tư vấn khen thưởng phường tổng hợp danh sách khen thưởng trước ngày 10/1/2024.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Trung tâm Giáo dục nghề nghiệp phường", [], ("date", D(2024, 3, 31))),
        ("Hội đồng tư vấn khen thưởng phường", [], ("date", D(2024, 1, 10))),
    ]


def test_a_semicolon_inside_the_list_asked_is_no_cut(commune: UnitDirectory) -> None:
    """ "Đề nghị các cơ quan, đơn vị; các tổ dân phố rà soát …": a ";" between a group and
    the next addressee is inside the list; both lead the one duty."""
    body = """1. Đề nghị các trường học trên địa bàn phường; Ban điều hành các khu phố rà soát số \
trẻ em trong độ tuổi đến trường, gửi về UBND phường trước ngày 15/8/2024.
"""
    r = read(body, commune)
    assert [row(x)[0] for x in r.content.assignments] == [
        "các trường học trên địa bàn phường",
        "Ban điều hành các khu phố",
    ]


def test_a_place_name_with_an_apostrophe(commune: UnitDirectory) -> None:
    """ "UBND xã Ea H'Mơ": Central Highlands names hold an apostrophe; the name goes on
    through it, and two communes listed are two coordinators."""
    body = """1. Phòng Kinh tế chủ trì, phối hợp với UBND xã Cư Pui, UBND xã Ea H'Mơ kiểm kê \
diện tích cà phê bị hạn trong tháng 4/2024.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Kinh tế", ["UBND xã Cư Pui", "UBND xã Ea H'Mơ"], ("date", D(2024, 4, 30))),
    ]


def test_besides_opens_a_further_duty_of_the_subject(commune: UnitDirectory) -> None:
    """ "Trạm X tiêm … . Ngoài ra, Trạm báo cáo … hằng tuần": "Ngoài ra" (besides) and the
    subject named again by its head noun open one more duty of that subject."""
    body = """3. Trạm Y tế phường tổ chức tiêm chủng mở rộng cho trẻ em dưới 5 tuổi trong tháng \
3/2024. Ngoài ra, Trạm báo cáo số ca sốt phát ban về UBND phường vào thứ Hai hằng tuần.
"""
    r = read(body, commune)
    a = r.content.assignments
    assert [row(x)[0] for x in a] == ["Trạm Y tế phường", "Trạm Y tế phường"]
    assert a[1].action.startswith("Báo cáo số ca")


def test_a_task_given_later_with_the_units_own_verb(commune: UnitDirectory) -> None:
    """ "Về X: <task> . Nội dung này giao Y đề xuất …": the later sentence gives the task to
    Y with Y's own verb (not "chủ trì", "thực hiện"); Y leads it."""
    body = """6. Về nhà văn hóa khu phố: một số nhà văn hóa đã xuống cấp, cần sửa chữa mái và \
tường rào. Nội dung này giao Phòng Kinh tế khảo sát, đề xuất kinh phí sửa chữa trước ngày 30/4/2024.
"""
    r = read(body, commune)
    (a,) = r.content.assignments
    assert row(a) == ("Phòng Kinh tế", [], ("date", D(2024, 4, 30)))


def test_a_group_ends_with_the_body_it_belongs_to(commune: UnitDirectory) -> None:
    """ "Thủ trưởng các cơ quan, đơn vị thuộc UBND phường quán triệt …": the body the group
    belongs to ("thuộc UBND phường") is part of the group's name; the duty follows it."""
    body = """1. Thủ trưởng các cơ quan, đơn vị thuộc UBND phường quán triệt cán bộ thực hiện \
nghiêm quy chế văn hóa công sở trong năm 2024.
"""
    r = read(body, commune)
    (a,) = r.content.assignments
    assert r.sources[0].written == "các cơ quan, đơn vị thuộc UBND phường"
    assert a.action.startswith("Quán triệt")


def test_a_unit_informing_named_people_has_a_duty(commune: UnitDirectory) -> None:
    """ "Trạm Kiểm soát Biên phòng X thông báo cho ngư dân …; hướng dẫn …": informing named
    people is the unit's duty, not the letter's own voice ("thông báo để … biết")."""
    body = """2. Trạm Kiểm soát Biên phòng Cửa Sót thông báo cho ngư dân về đường đi của áp thấp \
nhiệt đới; hướng dẫn tàu thuyền vào nơi tránh trú an toàn.
"""
    r = read(body, commune)
    assert [row(x)[0] for x in r.content.assignments] == ["Trạm Kiểm soát Biên phòng Cửa Sót"]
