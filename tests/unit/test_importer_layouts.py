"""Other Decree 30/2020 layouts, deadline phrases, non-directives and robustness."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from services.directives.domain.directory import UnitDirectory, load_directory
from services.directives.domain.errors import NotADirective
from services.directives.domain.importer import ImportResult, import_letter
from shared.contracts.values import Assignment, DeadlineKind, DocType, Urgency

from .test_importer_blind_letters import SAFETY_NET, warned

ROOT = Path(__file__).resolve().parents[2]
LETTERS = ROOT / "tests/fixtures/letters"
DIVISIONS = ["KHTC", "QLHDXD", "KTVLXD", "QLN", "QHKT", "HTKT"]
AFFILIATED = ["TTKD", "VQHKT"]


@pytest.fixture(scope="module")
def directory() -> UnitDirectory:
    return load_directory(ROOT / "services/directives/directories/sxd-thanhhoa.yaml")


def read(name: str, directory: UnitDirectory) -> ImportResult:
    return import_letter((LETTERS / name).read_text(encoding="utf-8"), directory)


def who(a: Assignment) -> tuple[str | None, list[str | None]]:
    return a.lead_unit.code or a.lead_unit.name, [u.code or u.name for u in a.coordinating_units]


def codes(result: ImportResult) -> list[str]:
    return [w.code for w in result.warnings if w.code not in SAFETY_NET]


def test_official_letter(directory: UnitDirectory) -> None:
    r = read("cong_van_125_sxd_vp.txt", directory)
    c = r.content
    assert (c.doc_type, c.number, c.symbol, c.issuer) == (
        DocType.OFFICIAL_LETTER, "125", "SXD-VP", "Sở Xây dựng"
    )  # fmt: skip
    assert (c.place, c.date, c.urgency) == ("Thanh Hóa", dt.date(2020, 5, 12), Urgency.URGENT)
    assert c.subject == "Triển khai công tác cải cách hành chính và chuyển đổi số năm 2020"
    assert [u.code for u in c.recipients] == ["VP", *DIVISIONS, "TTKD"]
    assert [(ref.number, ref.symbol) for ref in c.references] == [("1232", "QĐ-UBND")]
    assert c.signer is not None
    assert (c.signer.authority, c.signer.title, c.signer.name) == (
        "KT.",
        "Phó Giám đốc",
        "Lê Văn Thắng",
    )

    a = c.assignments
    assert [who(x) for x in a] == [
        ("KHTC", ["VP", "Sở Tài chính"]),
        ("VP", ["QLHDXD", "HTKT"]),
        ("TTKD", []),
        ("TTKD", []),
        ("TTr", []),
    ]
    assert a[0].action == "Rà soát, bố trí kinh phí thực hiện nhiệm vụ cải cách hành chính năm 2020"
    assert (a[0].deadline.kind, a[0].deadline.date) == (DeadlineKind.DATE, dt.date(2020, 6, 30))
    assert a[0].deadline.text == "hoàn thành trước ngày 30/6/2020"
    assert a[1].deadline.date == dt.date(2020, 7, 15)  # "chậm nhất ngày 15/7": year assumed
    assert a[3].action == "Báo cáo kết quả về Văn phòng Sở"
    assert (a[3].deadline.kind, a[3].deadline.day) == (DeadlineKind.MONTHLY, 20)
    assert a[4].deadline.kind is DeadlineKind.ONGOING

    assert sorted(codes(r)) == ["unknown_unit", "year_assumed"]
    unknown = next(w for w in r.warnings if w.code == "unknown_unit")
    assert unknown.field == "assignments[0].coordinating_units[1]"
    assert (
        next(w for w in r.warnings if w.code == "year_assumed").field == "assignments[1].deadline"
    )
    entries = [(e.name, e.code, e.purpose) for e in c.distribution]
    assert ("Sở Tài chính", None, "coordinate") in entries
    assert ("Ban Giám đốc", "GD", "report") in entries


def test_plan(directory: UnitDirectory) -> None:
    r = read("ke_hoach_van_hoa_cong_vu.txt", directory)
    c = r.content
    assert (c.doc_type, c.number, c.symbol) == (DocType.PLAN, "56", "KH-SXD")
    assert c.subject == "Thực hiện Đề án Văn hóa công vụ tại Sở Xây dựng giai đoạn 2020 - 2025"
    assert c.signer is not None
    assert (c.signer.authority, c.signer.title) == ("TL.", "Chánh Văn phòng")

    a = c.assignments
    assert who(a[0]) == ("VP", ["CDCQ", "DTN"])
    assert a[0].action.startswith("Tổ chức hội nghị quán triệt Đề án Văn hóa công vụ")
    assert (a[0].deadline.kind, a[0].deadline.date) == (DeadlineKind.DATE, dt.date(2020, 6, 30))
    # Items written on one line: "...: - Đơn vị chủ trì: ...; - Đơn vị phối hợp: ...".
    assert who(a[1]) == ("VP", ["TTr", *DIVISIONS])
    assert a[1].action == "Rà soát, sửa đổi Quy chế văn hóa công sở của Sở Xây dựng"
    assert a[1].deadline.date == dt.date(2020, 9, 30)
    assert who(a[2]) == ("TTr", ["VP", "CDCQ"])
    assert a[2].deadline.kind is DeadlineKind.QUARTERLY
    # A lead the text leaves vague is kept as written and flagged, never guessed.
    assert a[3].lead_unit.code is None
    assert a[3].lead_unit.name == "các cơ quan, đơn vị có liên quan"
    assert a[3].deadline.date == dt.date(2020, 12, 31)
    assert who(a[4]) == ("VP", [])
    assert (a[5].deadline.kind, a[5].deadline.day, a[5].deadline.month) == (
        DeadlineKind.YEARLY, 15, 12
    )  # fmt: skip
    assert [x.lead_unit.code for x in a[6:]] == DIVISIONS + AFFILIATED
    assert all(x.action.startswith("Căn cứ nội dung Kế hoạch") for x in a[6:])
    assert len(a) == 14

    no_lead = [w for w in r.warnings if w.code == "no_lead_unit"]
    assert [w.field for w in no_lead] == ["assignments[3].lead_unit"]
    assert "incomplete_deadline" in codes(r)  # "Hằng quý" without a day


def test_decision(directory: UnitDirectory) -> None:
    r = read("quyet_dinh_quy_che_van_hoa.txt", directory)
    c = r.content
    assert (c.doc_type, c.number, c.symbol) == (DocType.DECISION, "215", "QĐ-SXD")
    assert c.subject == "Ban hành Quy chế văn hóa công sở tại Sở Xây dựng"
    assert c.signer is not None
    assert (c.signer.authority, c.signer.title, c.signer.name) == (
        "Q.",
        "Giám đốc",
        "Trần Minh Đức",
    )
    assert [(ref.number, ref.issuer) for ref in c.references] == [
        ("1847", "Thủ tướng Chính phủ"),
        ("3362", "UBND tỉnh"),
    ]
    a = c.assignments
    assert who(a[0]) == ("VP", ["TTr"])
    assert a[0].action == "Hướng dẫn, kiểm tra việc thực hiện Quy chế"
    assert a[0].deadline.kind is DeadlineKind.NONE
    assert a[1].action == "Định kỳ tổng hợp, báo cáo Giám đốc Sở"
    assert (a[1].deadline.kind, a[1].deadline.day) == (DeadlineKind.QUARTERLY, 25)
    # Điều 3 ("… chịu trách nhiệm thi hành Quyết định này") asks for the decision itself
    # to be carried out: no duty of its own (corpus README, closing lines).
    assert len(a) == 2
    assert codes(r) == []
    assert c.distribution[0].name == "Như Điều 3"
    assert c.distribution[0].purpose == "execute"


def test_notice_deadlines(directory: UnitDirectory) -> None:
    r = read("thong_bao_hoa_toc_han.txt", directory)
    c = r.content
    assert (c.doc_type, c.urgency) == (DocType.NOTICE, Urgency.FLASH)
    a = c.assignments
    assert [x.lead_unit.code for x in a] == ["QLN", "QHKT", "VQHKT", "KTVLXD", "HTKT", "QLHDXD"]
    assert (a[0].deadline.date, a[0].deadline.text) == (
        dt.date(2020, 5, 20), "chậm nhất ngày 20/5/2020"
    )  # fmt: skip
    assert (a[1].deadline.date, a[1].deadline.time) == (dt.date(2020, 5, 15), dt.time(16, 0))
    assert a[1].deadline.text == "trước 16 giờ 00 ngày 15/5/2020"
    assert (a[2].deadline.kind, a[2].deadline.day) == (DeadlineKind.QUARTERLY, 15)
    assert (a[3].deadline.kind, a[3].deadline.day) == (DeadlineKind.MONTHLY, 5)
    assert a[4].deadline.kind is DeadlineKind.ONGOING
    assert a[5].deadline.kind is DeadlineKind.NONE
    assert a[5].deadline.text == "hoàn thành trước ngày cuối tháng"
    assert warned(r) == [("unparsed_deadline", "assignments[5].deadline")]


def test_provincial_directive_with_units_outside_the_directory(directory: UnitDirectory) -> None:
    r = read("chi_thi_ubnd_thuong_khan.txt", directory)
    c = r.content
    assert (c.doc_type, c.urgency, c.issuer) == (
        DocType.DIRECTIVE,
        Urgency.VERY_URGENT,
        "UBND tỉnh",
    )
    assert c.signer is not None
    assert (c.signer.authority, c.signer.title) == ("TM.", "Chủ tịch")
    a = c.assignments
    assert who(a[0]) == ("Sở Xây dựng", ["Sở Y tế", "Sở Lao động - Thương binh và Xã hội"])
    # "Theo dõi ...; tổng hợp, báo cáo ... trước ngày 30/4/2020": one duty, one deadline.
    assert (who(a[1]), a[1].deadline.date) == (("SNV", []), dt.date(2020, 4, 30))
    assert who(a[2]) == ("Công an tỉnh", ["Sở Xây dựng"])
    unknown = [w.field for w in r.warnings if w.code == "unknown_unit"]
    assert "assignments[0].lead_unit" in unknown
    assert "assignments[0].coordinating_units[1]" in unknown


def test_flattened_columns_and_wrapped_lines(directory: UnitDirectory) -> None:
    r = read("cong_van_phang_cot.txt", directory)
    c = r.content
    assert (c.number, c.symbol, c.place, c.date) == (
        "08",
        "SXD-TTr",
        "Thanh Hóa",
        dt.date(2020, 3, 5),
    )
    assert c.doc_type is DocType.OFFICIAL_LETTER
    assert [u.code for u in c.recipients] == ["VP", "TTr", *DIVISIONS, *AFFILIATED]
    a = c.assignments
    assert who(a[0]) == ("TTr", ["VP", "CDCQ"])
    assert a[0].action == "Kiểm tra hệ thống phòng cháy, chữa cháy tại trụ sở"
    assert a[1].lead_unit.code is None
    assert a[1].lead_unit.name == "các đồng chí trưởng bộ phận"
    assert (who(a[2]), a[2].deadline.date) == (("VP", []), dt.date(2020, 4, 30))
    assert warned(r) == [("no_lead_unit", "assignments[1].lead_unit")]
    assert c.signer is not None
    assert (c.signer.authority, c.signer.name) == ("KT.", "Phạm Quốc Hùng")


def test_unknown_and_vague_units_are_kept_and_flagged(directory: UnitDirectory) -> None:
    text = (
        "Số: 04/SXD-VP\nV/v thử\n\nKính gửi: Sở Tài chính\n\n"
        "- Giao Phòng Hạ tầng kỹ thuật chủ trì, phối hợp với các phòng chuyên môn liên quan "
        "và Phòng Tổ chức cán bộ rà soát hồ sơ."
    )
    r = import_letter(text, directory)
    assert [(u.code, u.name) for u in r.content.recipients] == [(None, "Sở Tài chính")]
    a = r.content.assignments[0]
    assert a.lead_unit.code == "HTKT"
    # The lead is not its own coordinator; "liên quan" is expanded but flagged for review.
    assert [u.code for u in a.coordinating_units] == [*DIVISIONS[:5], None]
    assert a.coordinating_units[-1].name == "Phòng Tổ chức cán bộ"
    assert a.action == "Rà soát hồ sơ"
    assert warned(r) == [
        ("unknown_unit", "recipients[0]"),
        ("no_signer", "signer"),
        ("vague_unit", "assignments[0].coordinating_units[0]"),
        ("unknown_unit", "assignments[0].coordinating_units[5]"),
        ("no_date", "date"),  # the excerpt prints no date line
    ]


def test_header_and_subject_without_duties(directory: UnitDirectory) -> None:
    r = read("giay_moi_hop.txt", directory)
    assert r.content.doc_type is DocType.INVITATION
    assert r.content.assignments == ()
    assert codes(r) == ["no_assignments"]


@pytest.mark.parametrize(
    ("phrase", "kind", "expected"),
    [
        ("hoàn thành trước ngày 30/6/2020", DeadlineKind.DATE, dt.date(2020, 6, 30)),
        ("chậm nhất ngày 20/5/2020", DeadlineKind.DATE, dt.date(2020, 5, 20)),
        ("trước ngày 06 tháng 4 năm 2020", DeadlineKind.DATE, dt.date(2020, 4, 6)),
        ("trong tháng 6/2020", DeadlineKind.DATE, dt.date(2020, 6, 30)),
        ("trong Quý II/2020", DeadlineKind.DATE, dt.date(2020, 6, 30)),
        ("trong quý IV năm 2020", DeadlineKind.DATE, dt.date(2020, 12, 31)),
        ("trước ngày 15/12 hằng năm", DeadlineKind.YEARLY, (15, 12)),
        ("trước ngày 10 hằng tháng", DeadlineKind.MONTHLY, 10),
        ("thường xuyên", DeadlineKind.ONGOING, None),
    ],
)
def test_deadline_phrases(
    directory: UnitDirectory, phrase: str, kind: DeadlineKind, expected: object
) -> None:
    text = f"V/v thử\n\nSố: 01/SXD-VP\n\n- Giao Văn phòng Sở tổng hợp số liệu, {phrase}."
    deadline = import_letter(text, directory).content.assignments[0].deadline
    assert deadline.kind is kind
    if kind is DeadlineKind.DATE:
        assert deadline.date == expected
    elif kind is DeadlineKind.YEARLY:
        assert (deadline.day, deadline.month) == expected
    elif kind is DeadlineKind.MONTHLY:
        assert deadline.day == expected


def test_year_taken_from_references_when_the_date_is_blank(directory: UnitDirectory) -> None:
    text = (
        "Số: /SXD-VP\nThanh Hóa, ngày tháng năm\nV/v thử\n\n"
        "Thực hiện Kế hoạch số 84/KH-UBND ngày 06/4/2020 của UBND tỉnh:\n"
        "- Giao Thanh tra Sở kiểm tra, hoàn thành trước ngày 30/6."
    )
    r = import_letter(text, directory)
    assert r.content.assignments[0].deadline.date == dt.date(2020, 6, 30)
    assert {"blank_number", "blank_date", "year_assumed"} <= set(codes(r))


@pytest.mark.parametrize(
    ("block", "authority", "title"),
    [
        ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "KT.", "Phó Giám đốc"),
        ("TL. GIÁM ĐỐC\nCHÁNH VĂN PHÒNG", "TL.", "Chánh Văn phòng"),
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "TM.", "Chủ tịch"),
        ("Q. GIÁM ĐỐC", "Q.", "Giám đốc"),
        ("GIÁM ĐỐC", None, "Giám đốc"),
    ],
)
def test_signer_authority(
    directory: UnitDirectory, block: str, authority: str | None, title: str
) -> None:
    text = f"Số: 02/SXD-VP\nV/v thử\n\n- Giao Văn phòng Sở kiểm tra.\n\n{block}\n\nNguyễn Văn An"
    signer = import_letter(text, directory).content.signer
    assert signer is not None
    assert (signer.authority, signer.title, signer.name) == (authority, title, "Nguyễn Văn An")


@pytest.mark.parametrize(("line", "urgency"), [
    ("HỎA TỐC", Urgency.FLASH), ("THƯỢNG KHẨN", Urgency.VERY_URGENT), ("KHẨN", Urgency.URGENT),
])  # fmt: skip
def test_urgency(directory: UnitDirectory, line: str, urgency: Urgency) -> None:
    text = f"{line}\nSố: 03/SXD-VP\nV/v thử\n\n- Giao Văn phòng Sở kiểm tra."
    assert import_letter(text, directory).content.urgency is urgency


NOT_DIRECTIVES = {
    "empty": "",
    "blank lines": "\n \n\t\n",
    "news": (
        "Thanh Hóa: Khởi công dự án nhà ở xã hội\n\nSáng 15/5, chủ đầu tư tổ chức lễ khởi công. "
        "Đại diện Sở Xây dựng yêu cầu các nhà thầu bảo đảm an toàn, "
        "hoàn thành trước ngày 30/6/2021."
    ),
    "shopping list": "Danh sách đi chợ:\n- 2 kg gạo\n- 1 bó rau muống\n- Thịt lợn 500g",
    "english": "The quick brown fox jumps over the lazy dog. Send the report by Friday.",
    "header only": "UBND TỈNH THANH HÓA\nSỞ XÂY DỰNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n",
    "subject only": "V/v góp ý dự thảo quy chế",
}


@pytest.mark.parametrize("text", NOT_DIRECTIVES.values(), ids=NOT_DIRECTIVES.keys())
def test_not_a_directive(directory: UnitDirectory, text: str) -> None:
    with pytest.raises(NotADirective) as caught:
        import_letter(text, directory)
    assert caught.value.missing
    assert str(caught.value).startswith("not a directive: no ")


def test_not_a_directive_message(directory: UnitDirectory) -> None:
    with pytest.raises(
        NotADirective, match=r"no subject line \(V/v or type title\) and no assignment"
    ):
        import_letter("Xin chào", directory)


def _variants() -> list[str]:
    rng = random.Random(20200406)
    out: list[str] = []
    for path in sorted(LETTERS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out += [text[:i] for i in range(0, len(text), 50)]
        out += [text[i:] for i in range(0, len(text), 150)]
        lines = text.split("\n")
        for _ in range(5):
            rng.shuffle(lines)
            out.append("\n".join(lines))
        chars = list(text)
        for _ in range(5):
            for _ in range(30):
                chars[rng.randrange(len(chars))] = rng.choice(["", "/", ":", "\n", "(", "9", ";"])
            out.append("".join(chars))
    out += ["".join(chr(rng.randrange(1, 0x3000)) for _ in range(300)) for _ in range(20)]
    out += ["Số:", "Số: /", "Kính gửi:", "Nơi nhận:", "KT.", "Giao", "- Giao Văn phòng Sở:", "+"]
    out += ["trước ngày 31/2/2020", "Giao Văn phòng Sở kiểm tra trước ngày 45/13 hằng năm"]
    out += ["Giao VP kiểm tra trong quý 0/2020", "Giao VP làm trong năm 0000", "\x00\ufeff"]
    return out


def test_never_raises_anything_but_not_a_directive(directory: UnitDirectory) -> None:
    for text in _variants():
        try:
            result = import_letter(text, directory)
        except NotADirective:
            continue
        assert result.content.subject is not None
