"""Reading rules for layouts and phrasings of Decree 30/2020 letters (stop 8).

Each test is a short excerpt written for the rule it checks (not a corpus letter). A row
is (lead, coordinators, deadline), as in test_importer_blind_letters.
"""

from __future__ import annotations

import datetime as dt

import pytest

from services.directives.domain.directory import UnitDirectory
from services.directives.domain.importer import ImportResult, import_letter
from services.directives.domain.importer.deadlines import find_deadline

from .test_importer_blind_letters import directory, row

__all__ = ["directory"]  # the module-scoped fixture, shared
D = dt.date

_HEAD = """UBND TỈNH THANH HÓA
SỞ XÂY DỰNG
Số: 310/SXD-VP
V/v triển khai nhiệm vụ
Thanh Hóa, ngày 03 tháng 3 năm 2023
"""
_FOOT = """Nơi nhận:
- Như trên;
- Lưu: VT.
GIÁM ĐỐC
Trần Văn Bình
"""


@pytest.fixture(scope="module")
def commune() -> UnitDirectory:
    """An issuer this deployment has no directory of: every name is kept as written."""
    return UnitDirectory(
        code="",
        name="Ủy ban nhân dân phường",
        short_name="",
        province="Thanh Hóa",
        units=(),
        level="commune",
    )


def read(body: str, directory: UnitDirectory) -> ImportResult:
    return import_letter(f"{_HEAD}{body}{_FOOT}", directory)


def test_table_copied_one_cell_per_line(directory: UnitDirectory) -> None:
    body = """Sở Xây dựng giao nhiệm vụ như sau:
TT
Nội dung công việc
Đơn vị chủ trì
Đơn vị phối hợp
Thời gian hoàn thành
1
Rà soát quy hoạch chung các đô thị
Phòng Quy hoạch - Kiến trúc
Viện Quy hoạch - Kiến trúc
Quý II/2023
2
Kiểm tra chất lượng công trình
trường học trên địa bàn
Phòng Quản lý hoạt động xây dựng
Thanh tra Sở; Trung tâm Kiểm định chất lượng xây dựng
Trước 30/9/2023
3
Bố trí kinh phí kiểm định
Phòng Kế hoạch - Tài chính

Năm 2023
Các phòng báo cáo kết quả về Văn phòng Sở./.
"""
    a = read(body, directory).content.assignments
    assert [row(x) for x in a[:3]] == [
        ("QHKT", ["VQHKT"], ("date", D(2023, 6, 30))),
        ("QLHDXD", ["TTr", "TTKD"], ("date", D(2023, 9, 30))),
        ("KHTC", [], ("date", D(2023, 12, 31))),
    ]
    # The content cell wrapped over two lines is one cell again.
    assert a[1].action == "Kiểm tra chất lượng công trình trường học trên địa bàn"


def test_a_unit_name_with_fields_ends_at_a_colon(commune: UnitDirectory) -> None:
    body = """UBND phường yêu cầu:
1. Phòng Vận tải, phương tiện và người lái:
- Kiểm tra các công trình xuống cấp; báo cáo trước ngày 20/3/2023;
- Phối hợp với Công an phường kiểm tra phòng cháy, chữa cháy trước ngày 31/3/2023.
"""
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Phòng Vận tải, phương tiện và người lái", [], ("date", D(2023, 3, 20))),
        ("Phòng Vận tải, phương tiện và người lái", ["Công an phường"], ("date", D(2023, 3, 31))),
    ]


def test_a_unit_asking_bodies_it_oversees_leads(commune: UnitDirectory) -> None:
    body = """Chủ tịch UBND phường yêu cầu:
1. Phòng Kinh tế, Hạ tầng và Đô thị yêu cầu các chủ đầu tư che chắn công trình, thu dọn vật liệu rơi vãi; báo cáo kết quả trước ngày 15/3/2023.
2. Công an phường chỉ đạo lực lượng tại chỗ kiểm tra xe chở vật liệu trên các tuyến phố.
"""  # noqa: E501
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Phòng Kinh tế, Hạ tầng và Đô thị", [], ("date", D(2023, 3, 15))),
        ("Công an phường", [], ("none",)),
    ]
    assert a[0].action.startswith("Yêu cầu các chủ đầu tư che chắn công trình")


def test_under_an_items_lead_a_bullet_asking_others_is_that_leads(
    directory: UnitDirectory,
) -> None:
    body = """Giám đốc Sở yêu cầu:
1. Phòng Hạ tầng kỹ thuật:
- Yêu cầu các đơn vị cấp nước rà soát mạng lưới đường ống; báo cáo trước ngày 20/3/2023;
- Chỉ đạo các nhà thầu thi công khắc phục mặt đường đào lên trước ngày 31/3/2023.
"""
    a = read(body, directory).content.assignments
    assert [row(x) for x in a] == [
        ("HTKT", [], ("date", D(2023, 3, 20))),
        ("HTKT", [], ("date", D(2023, 3, 31))),
    ]


def test_an_item_opening_with_a_condition_names_its_lead_after_it(
    commune: UnitDirectory,
) -> None:
    body = """UBND phường yêu cầu:
1. Công an phường rà soát các cơ sở kinh doanh karaoke trên địa bàn.
2. Trên cơ sở kết quả rà soát, Phòng Văn hóa - Xã hội đề xuất danh sách cơ sở cần kiểm tra, báo cáo Chủ tịch UBND phường trước ngày 25/3/2023.
"""  # noqa: E501
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Công an phường", [], ("none",)),
        ("Phòng Văn hóa - Xã hội", [], ("date", D(2023, 3, 25))),
    ]


def test_the_bodies_given_duties_are_a_group_kept_as_written(commune: UnitDirectory) -> None:
    body = """UBND phường yêu cầu:
1. Công an phường kiểm tra các cơ sở lưu trú.
Các đơn vị được giao nhiệm vụ báo cáo kết quả về UBND phường trước ngày 30/3/2023./.
"""
    r = read(body, commune)
    assert [row(x) for x in r.content.assignments] == [
        ("Công an phường", [], ("none",)),
        ("Các đơn vị được giao nhiệm vụ", [], ("date", D(2023, 3, 30))),
    ]
    assert r.sources[1].group


def test_a_table_cell_holds_whole_names(commune: UnitDirectory) -> None:
    body = """TT | Nội dung | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian
1 | Rà soát hồ sơ cán bộ | Phòng Tổ chức, biên chế và tổ chức phi chính phủ | Công ty CP Môi trường và Công trình đô thị; Công an phường | Quý II/2023
"""  # noqa: E501
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        (
            "Phòng Tổ chức, biên chế và tổ chức phi chính phủ",
            ["Công ty CP Môi trường và Công trình đô thị", "Công an phường"],
            ("date", D(2023, 6, 30)),
        )
    ]


@pytest.fixture(scope="module")
def district() -> UnitDirectory:
    return UnitDirectory(
        code="",
        name="Ủy ban nhân dân huyện",
        short_name="",
        province="Nghệ An",
        units=(),
        level="district",
    )


def test_a_districts_own_divisions_named_as_a_group(district: UnitDirectory) -> None:
    body = """UBND huyện đề nghị:
1. Các phòng, ban, ngành cấp huyện và UBND các xã, thị trấn rà soát danh sách hộ nghèo, gửi Phòng Lao động - Thương binh và Xã hội trước ngày 20/3/2023.
"""  # noqa: E501
    r = read(body, district)
    assert [row(x) for x in r.content.assignments] == [
        ("Các phòng, ban, ngành cấp huyện", [], ("date", D(2023, 3, 20))),
        ("UBND các xã, thị trấn", [], ("date", D(2023, 3, 20))),
    ]


def test_a_period_a_report_is_about_is_no_deadline(district: UnitDirectory) -> None:
    body = """UBND huyện đề nghị:
1. Phòng Tài chính - Kế hoạch báo cáo tình hình thu, chi ngân sách 6 tháng đầu năm 2023.
2. Phòng Nội vụ báo cáo kết quả cải cách hành chính quý I/2023; đề xuất nhiệm vụ quý II/2023. Báo cáo gửi Văn phòng HĐND và UBND huyện trước ngày 10/4/2023.
3. Phòng Y tế hoàn thành kiểm tra an toàn thực phẩm trong 6 tháng đầu năm 2023.
"""  # noqa: E501
    r = read(body, district)
    assert [row(x) for x in r.content.assignments] == [
        ("Phòng Tài chính - Kế hoạch", [], ("none",)),
        ("Phòng Nội vụ", [], ("date", D(2023, 4, 10))),
        ("Phòng Y tế", [], ("date", D(2023, 6, 30))),
    ]


def test_a_second_clause_with_its_own_subject_is_its_own_duty(commune: UnitDirectory) -> None:
    body = """UBND phường yêu cầu:
1. Các tổ dân phố báo cáo số hộ kinh doanh về Công an phường trước ngày 05 hằng tháng; Công an phường tổng hợp, báo cáo Chủ tịch UBND phường trước ngày 10 hằng tháng.
"""  # noqa: E501
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Các tổ dân phố", [], ("monthly", 5)),
        ("Công an phường", [], ("monthly", 10)),
    ]


def test_a_weekly_clause_keeps_its_own_deadline(commune: UnitDirectory) -> None:
    body = """UBND phường yêu cầu:
1. Văn phòng HĐND và UBND phường tổng hợp, báo cáo Chủ tịch UBND phường vào thứ Sáu hằng tuần; báo cáo UBND tỉnh kết quả thực hiện trước ngày 15/4/2023.
"""  # noqa: E501
    a = read(body, commune).content.assignments
    assert [row(x)[2] for x in a] == [("none",), ("date", D(2023, 4, 15))]
    assert a[1].action.startswith("Báo cáo UBND tỉnh kết quả thực hiện")


def test_a_plan_issued_with_a_decision_after_the_signature(directory: UnitDirectory) -> None:
    letter = """UBND TỈNH THANH HÓA
SỞ XÂY DỰNG
Số: 55/QĐ-SXD
Thanh Hóa, ngày 10 tháng 3 năm 2023
QUYẾT ĐỊNH
Ban hành Kế hoạch kiểm tra công tác quản lý chất lượng công trình năm 2023
GIÁM ĐỐC SỞ XÂY DỰNG
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch kiểm tra công tác quản lý chất lượng công trình năm 2023.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Nơi nhận:
- Lưu: VT.
GIÁM ĐỐC
Trần Văn Bình

KẾ HOẠCH
Kiểm tra công tác quản lý chất lượng công trình năm 2023
(Ban hành kèm theo Quyết định số 55/QĐ-SXD ngày 10/3/2023 của Sở Xây dựng)
I. MỤC ĐÍCH
Nâng cao chất lượng công trình xây dựng trên địa bàn tỉnh.
II. TỔ CHỨC THỰC HIỆN
1. Phòng Quản lý hoạt động xây dựng chủ trì, phối hợp với Thanh tra Sở tổ chức kiểm tra, hoàn thành trước ngày 30/9/2023.
2. Phòng Kế hoạch - Tài chính bố trí kinh phí thực hiện Kế hoạch.
"""  # noqa: E501
    a = import_letter(letter, directory).content.assignments
    assert [row(x) for x in a] == [
        ("QLHDXD", ["TTr"], ("date", D(2023, 9, 30))),
        ("KHTC", [], ("none",)),
    ]


def test_heads_of_schools_and_a_lower_case_body_in_a_list(commune: UnitDirectory) -> None:
    body = """UBND phường yêu cầu:
1. Hiệu trưởng các trường mầm non, Giám đốc các trung tâm học tập cộng đồng rà soát cơ sở vật chất trước ngày 20/3/2023.
2. Các trường tiểu học, trung tâm Văn hóa phường kiểm tra an toàn phòng cháy trước ngày 25/3/2023.
"""  # noqa: E501
    r = read(body, commune)
    assert [s.written for s in r.sources] == [
        "các trường mầm non",
        "các trung tâm học tập cộng đồng",
        "Các trường tiểu học",
        "trung tâm Văn hóa phường",
    ]


def test_an_item_without_a_subject_goes_to_the_units_the_item_before_named(
    commune: UnitDirectory,
) -> None:
    body = """UBND phường yêu cầu:
1. Các trường mầm non, các trường tiểu học hoàn thành sửa chữa phòng học trước ngày 25/8/2023.
2. Tổ chức lễ khai giảng năm học mới vào ngày 05/9/2023, bảo đảm an toàn, tiết kiệm.
3. Công an phường bảo đảm trật tự trong ngày khai giảng.
"""
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Các trường mầm non", [], ("date", D(2023, 8, 25))),
        ("các trường tiểu học", [], ("date", D(2023, 8, 25))),
        ("Các trường mầm non", [], ("date", D(2023, 9, 5))),
        ("các trường tiểu học", [], ("date", D(2023, 9, 5))),
        ("Công an phường", [], ("none",)),
    ]


def test_a_plural_group_with_its_qualifier(commune: UnitDirectory) -> None:
    body = """UBND phường yêu cầu:
1. Trạm Y tế phường và các Phòng khám đa khoa có giường lưu bố trí khu vực cách ly riêng.
"""
    r = read(body, commune)
    assert [s.written for s in r.sources] == [
        "Trạm Y tế phường",
        "các Phòng khám đa khoa có giường lưu",
    ]


def test_working_groups_set_up_by_a_decision_lead(commune: UnitDirectory) -> None:
    body = """UBND phường yêu cầu:
1. Tổ công tác có trách nhiệm kiểm tra tiến độ giải phóng mặt bằng; báo cáo Chủ tịch UBND phường trước ngày 20/3/2023.
2. Trưởng đoàn kiểm tra báo cáo kết quả kiểm tra trước ngày 30/3/2023.
"""  # noqa: E501
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Tổ công tác", [], ("date", D(2023, 3, 20))),
        ("đoàn kiểm tra", [], ("date", D(2023, 3, 30))),
    ]


def test_an_item_opening_with_a_start_and_an_active_coordinator(
    commune: UnitDirectory,
) -> None:
    body = """UBND phường yêu cầu:
1. Từ tháng 4/2023, Công an phường chủ động phối hợp với Ban Chỉ huy Quân sự phường đối chiếu danh sách công dân trong độ tuổi, báo cáo trước ngày 15/4/2023.
"""  # noqa: E501
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Công an phường", ["Ban Chỉ huy Quân sự phường"], ("date", D(2023, 4, 15)))
    ]


def test_groups_of_bodies_by_category(district: UnitDirectory) -> None:
    body = """UBND huyện đề nghị:
1. Các bệnh viện ngoài công lập báo cáo tình hình hoạt động trước ngày 10/4/2023.
2. Đối với các đơn vị sự nghiệp công lập: xây dựng phương án tự chủ tài chính.
3. Ủy ban MTTQ huyện và các tổ chức chính trị - xã hội huyện vận động hội viên tham gia.
4. Các sở, ban, ngành, đơn vị dự toán cấp tỉnh rà soát dự toán trước ngày 20/4/2023.
"""
    r = read(body, district)
    assert [s.written for s in r.sources] == [
        "Các bệnh viện ngoài công lập",
        "các đơn vị sự nghiệp công lập",
        "Ủy ban MTTQ huyện",
        "các tổ chức chính trị - xã hội huyện",
        "Các sở, ban, ngành, đơn vị dự toán cấp tỉnh",
    ]


def test_the_same_lead_restated_with_a_recurring_report(directory: UnitDirectory) -> None:
    body = """Giám đốc Sở yêu cầu:
1. Thanh tra Sở chủ trì kiểm tra việc cấp phép xây dựng tại các huyện. Kết quả kiểm tra là căn cứ xếp loại công chức. Thanh tra Sở tổng hợp, báo cáo Giám đốc Sở trước ngày 25 hằng tháng.
"""  # noqa: E501
    a = read(body, directory).content.assignments
    assert [row(x) for x in a] == [("TTr", [], ("none",)), ("TTr", [], ("monthly", 25))]


def test_a_later_sentence_hands_the_task_to_its_lead(district: UnitDirectory) -> None:
    body = """UBND huyện yêu cầu:
1. Về hỗ trợ giống cây trồng. Trên cơ sở hồ sơ của các xã, cần thẩm định, tham mưu UBND huyện đề nghị UBND tỉnh hỗ trợ. Nhiệm vụ này giao Phòng Nông nghiệp chủ trì, Phòng Tài chính - Kế hoạch phối hợp. Thời hạn chậm nhất ngày 05/11/2024.
2. Về sửa chữa kênh tưới. Các đoạn kênh sạt lở cần được xử lý tạm. Công ty TNHH MTV Thủy lợi Sông Chu - Chi nhánh Thiệu Hóa được đề nghị chủ trì thực hiện, UBND các xã có kênh đi qua phối hợp huy động nhân lực. Hoàn thành trong tháng 10/2024.
"""  # noqa: E501
    a = read(body, district).content.assignments
    assert [row(x) for x in a] == [
        ("Phòng Nông nghiệp", ["Phòng Tài chính - Kế hoạch"], ("date", D(2024, 11, 5))),
        (
            "Công ty TNHH MTV Thủy lợi Sông Chu - Chi nhánh Thiệu Hóa",
            ["UBND các xã có kênh đi qua"],
            ("date", D(2024, 10, 31)),
        ),
    ]


def test_a_name_holding_cac_before_a_capital(district: UnitDirectory) -> None:
    body = """UBND huyện đề nghị:
1. Ban Quản lý các Khu kinh tế tỉnh tổng hợp số doanh nghiệp tạm dừng hoạt động, gửi UBND huyện trước ngày 20/8/2021.
"""  # noqa: E501
    a = read(body, district).content.assignments
    assert [row(x) for x in a] == [
        ("Ban Quản lý các Khu kinh tế tỉnh", [], ("date", D(2021, 8, 20)))
    ]


def test_a_telegram_names_its_addressees_after_dien(district: UnitDirectory) -> None:
    letter = """ỦY BAN NHÂN DÂN
HUYỆN HOẰNG HÓA
Số: 05/CĐ-UBND
Hoằng Hóa, ngày 14 tháng 9 năm 2024
HỎA TỐC
CÔNG ĐIỆN
Về việc chủ động ứng phó với bão số 4
CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN điện:
- Trưởng các phòng: Nông nghiệp và Phát triển nông thôn, Kinh tế và Hạ tầng;
- Chủ tịch UBND các xã, thị trấn ven biển.
Để chủ động ứng phó với bão, Chủ tịch UBND huyện yêu cầu:
1. Chủ tịch UBND các xã, thị trấn ven biển kêu gọi tàu thuyền vào nơi tránh trú, hoàn thành trước 17 giờ 00 ngày 15/9/2024.
2. Đài Truyền thanh huyện tăng thời lượng phát sóng, đưa tin về diễn biến của bão.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lê Văn Hùng
"""  # noqa: E501
    r = import_letter(letter, district)
    assert [row(x) for x in r.content.assignments] == [
        ("UBND các xã, thị trấn ven biển", [], ("date", D(2024, 9, 15))),
        ("Đài Truyền thanh huyện", [], ("none",)),
    ]
    assert r.content.subject == "Chủ động ứng phó với bão số 4"
    assert [u.name for u in r.content.recipients][-1] == "UBND các xã, thị trấn ven biển"


def test_the_summary_ends_where_the_body_starts_without_a_blank_line(
    directory: UnitDirectory,
) -> None:
    letter = """UBND TỈNH THANH HÓA
SỞ XÂY DỰNG
Số: 03/CT-SXD
Thanh Hóa, ngày 20 tháng 3 năm 2023
CHỈ THỊ
Về tăng cường kỷ luật, kỷ cương hành chính
trong cơ quan Sở Xây dựng
Thời gian qua, việc chấp hành kỷ luật hành chính tại một số đơn vị chưa nghiêm. Giám đốc Sở chỉ thị:
1. Chánh Văn phòng Sở kiểm tra việc chấp hành giờ giấc làm việc, báo cáo trước ngày 30/4/2023.
2. Chánh Thanh tra Sở xử lý các trường hợp vi phạm.
Nơi nhận:
- Lưu: VT.
GIÁM ĐỐC
Trần Văn Bình
"""
    r = import_letter(letter, directory)
    assert r.content.subject == (
        "Về tăng cường kỷ luật, kỷ cương hành chính trong cơ quan Sở Xây dựng"
    )
    assert [row(x) for x in r.content.assignments] == [
        ("VP", [], ("date", D(2023, 4, 30))),
        ("TTr", [], ("none",)),
    ]


def test_items_asked_of_the_addressees_named_in_the_intro(district: UnitDirectory) -> None:
    body = """Thực hiện chỉ đạo của UBND tỉnh, UBND huyện đề nghị UBND các xã, thị trấn thực hiện một số nội dung sau:
1. Chỉ đạo công chức địa chính rà soát hồ sơ tồn đọng; báo cáo kết quả trước ngày
31/8/2023.
2. Tập trung giải quyết dứt điểm các hồ sơ đủ điều kiện, hoàn thành trong Quý
IV/2023.
3. Định kỳ trước ngày 25 hằng tháng báo cáo tiến độ về UBND huyện.
"""  # noqa: E501
    a = read(body, district).content.assignments
    group = "UBND các xã, thị trấn"
    assert [row(x) for x in a] == [
        (group, [], ("date", D(2023, 8, 31))),
        (group, [], ("date", D(2023, 12, 31))),
        (group, [], ("monthly", 25)),
    ]


def test_items_without_a_lead_go_to_the_addressee(district: UnitDirectory) -> None:
    letter = """UBND HUYỆN NGHI LỘC
VĂN PHÒNG HĐND VÀ UBND
Số: 215/VP-TH
Nghi Lộc, ngày 10 tháng 6 năm 2024
V/v triển khai ý kiến chỉ đạo của Chủ tịch UBND huyện
Kính gửi: Phòng Tài nguyên và Môi trường huyện.
Xét Báo cáo số 56/BC-TNMT ngày 05/6/2024, Chủ tịch UBND huyện có ý kiến như sau:
1. Kiểm tra, xử lý các trường hợp khai thác cát trái phép; báo cáo kết quả trước ngày 25/6/2024.
2. Tham mưu UBND huyện ban hành kế hoạch quản lý cát, sỏi lòng sông năm 2024.
Văn phòng HĐND và UBND huyện thông báo để Phòng Tài nguyên và Môi trường biết, thực hiện./.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHÁNH VĂN PHÒNG
PHÓ CHÁNH VĂN PHÒNG
Lê Thị Hoa
"""
    a = import_letter(letter, district).content.assignments
    lead = "Phòng Tài nguyên và Môi trường huyện"
    assert [row(x) for x in a] == [(lead, [], ("date", D(2024, 6, 25))), (lead, [], ("none",))]


def test_a_window_counted_from_the_letter_named_by_its_type() -> None:
    signed = D(2023, 9, 8)  # a Friday
    found = find_deadline(
        "báo cáo trong thời hạn 15 ngày kể từ ngày Kế hoạch này được ban hành", signed
    )
    assert found.deadline.date == D(2023, 9, 23)
    found = find_deadline("trong 05 ngày làm việc kể từ ngày Quyết định này được ký", signed)
    assert found.deadline.date == D(2023, 9, 14)  # Saturday 9/9/2023 was a make-up day


def test_an_item_opening_with_its_deadline_and_a_modal(commune: UnitDirectory) -> None:
    body = """UBND phường đề nghị:
1. Trước ngày 20/9/2022, Chi cục Trồng trọt và Bảo vệ thực vật phải hoàn thành việc điều tra diện tích lúa nhiễm rầy.
2. Việc tập huấn cho nông dân do Trạm Khuyến nông chủ trì, phối hợp với Chi cục Trồng trọt và Bảo vệ thực vật thực hiện, hoàn thành trong tháng 9/2022.
"""  # noqa: E501
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Chi cục Trồng trọt và Bảo vệ thực vật", [], ("date", D(2022, 9, 20))),
        ("Trạm Khuyến nông", ["Chi cục Trồng trọt và Bảo vệ thực vật"], ("date", D(2022, 9, 30))),
    ]
    assert a[0].action == "Hoàn thành việc điều tra diện tích lúa nhiễm rầy"


def test_the_issuers_own_voice_is_no_lead_of_the_bullets(commune: UnitDirectory) -> None:
    body = """Giám đốc Sở Y tế tỉnh Quảng Bình chỉ đạo như sau:
- Yêu cầu Giám đốc các bệnh viện tư nhân: rà soát phương án phòng cháy, chữa cháy; báo cáo trước ngày 15/3/2023.
- Giao Công an phường kiểm tra việc thực hiện trước ngày 31/3/2023.
"""  # noqa: E501
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("các bệnh viện tư nhân", [], ("date", D(2023, 3, 15))),
        ("Công an phường", [], ("date", D(2023, 3, 31))),
    ]


def test_one_cell_names_the_lead_and_its_coordinators(commune: UnitDirectory) -> None:
    body = """TT | Nội dung | Đơn vị thực hiện | Thời gian
1 | Giám sát dịch bệnh tại cộng đồng | Trạm Y tế phường chủ trì, phối hợp với Công an phường | Quý II/2023
"""  # noqa: E501
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Trạm Y tế phường", ["Công an phường"], ("date", D(2023, 6, 30)))
    ]


def test_an_article_listing_a_bodys_duties(district: UnitDirectory) -> None:
    body = """QUYẾT ĐỊNH:
Điều 1. Thành lập Tổ công tác kiểm tra an toàn thực phẩm năm 2023.
Điều 2. Nhiệm vụ của Tổ công tác:
1. Kiểm tra các cơ sở sản xuất, kinh doanh thực phẩm, hoàn thành trước ngày 30/6/2023.
2. Báo cáo kết quả kiểm tra với Chủ tịch UBND huyện.
"""
    a = read(body, district).content.assignments
    assert [row(x) for x in a] == [
        ("Tổ công tác", [], ("date", D(2023, 6, 30))),
        ("Tổ công tác", [], ("none",)),
    ]


def test_compressed_enumerations_of_named_bodies(district: UnitDirectory) -> None:
    body = """UBND huyện yêu cầu:
1. Chủ tịch UBND các xã Hải Hà, Hải Bình và thị trấn Tĩnh Gia rà soát các hộ dân trong vùng nguy hiểm, hoàn thành trước ngày 12/10/2022.
2. Các phòng: Tài nguyên và Môi trường, Tài chính - Kế hoạch, Kinh tế và Hạ tầng kiểm tra hiện trường trước ngày 15/10/2022.
3. UBND các xã, Công an huyện tuyên truyền cho nhân dân.
"""  # noqa: E501
    r = read(body, district)
    assert [s.written for s in r.sources] == [
        "UBND xã Hải Hà",
        "UBND xã Hải Bình",
        "UBND thị trấn Tĩnh Gia",
        "Phòng Tài nguyên và Môi trường",
        "Phòng Tài chính - Kế hoạch",
        "Phòng Kinh tế và Hạ tầng",
        "UBND các xã",
        "Công an huyện",
    ]


def test_a_unit_named_with_thuoc_so(commune: UnitDirectory) -> None:
    body = """Sở Tư pháp đề nghị:
1. Phòng Phổ biến, giáo dục pháp luật thuộc Sở xây dựng chuyên mục pháp luật hằng tuần.
"""
    r = read(body, commune)
    assert [s.written for s in r.sources] == ["Phòng Phổ biến, giáo dục pháp luật"]


def test_a_plans_aims_give_no_duty(district: UnitDirectory) -> None:
    body = """KẾ HOẠCH
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích: Giảm tỷ lệ mắc bệnh sốt xuất huyết.
2. Yêu cầu: Các cơ quan, đơn vị phối hợp chặt chẽ, hiệu quả.
II. TỔ CHỨC THỰC HIỆN
1. Phòng Y tế chủ trì, phối hợp với các cơ quan, đơn vị, địa phương triển khai Kế hoạch này.
"""
    r = read(body, district)
    assert [s.written for s in r.sources] == ["Phòng Y tế"]
