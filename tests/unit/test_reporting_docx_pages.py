"""The printed report, page by page: the DOCX rendered by LibreOffice, read back from the PDF.

python-docx only writes properties; where the page breaks fall is decided by the
program that lays the document out. So the reports of departments of several sizes
are rendered (DOCX -> LibreOffice headless -> PDF -> text per page with pypdf, a PNG
per page with pdftoppm under `.state/test-artefacts/docx/<case>/`) and the layout
Decree 30 asks for is checked on the pages themselves:

- the closing block ("Nơi nhận" | authority, title, signing space, name) is on one
  page, and that page also holds the end of the text: never a page with only the
  closing block, never a signer's name alone on the last page;
- the per-unit table's two header rows ("Đã hoàn thành" over "Đúng hạn | Quá hạn",
  "Chưa hoàn thành" over "Trong hạn | Quá hạn") repeat, whole, on every page it spans;
- every letter is printed in Times New Roman's metric twin, none in a fallback font.

The cases: the unit tests' 2020 fixture, 3 units without inspection, the demo's
directory (13 units, 3 inspected), 50 units with inspections, a deputy signing and a
long narrative, and a walk that moves the end of the text one line at a time over the
end of a page.

Page counts are printed (`pytest -s`), not asserted: they change with the wording.
LibreOffice and poppler-utils are system packages (`make system-deps`); without them
these tests fail, they are never skipped.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import unicodedata
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PageObject, PdfReader
from pypdf.generic import DictionaryObject

from services.directives.domain.directory import load_directory
from services.reporting.adapters.docx.report import signer_lines, write_docx
from services.reporting.domain.annual import build_annual_report
from services.reporting.domain.facts import AgencyInfo
from services.reporting.domain.model import AnnualReport
from services.reporting.domain.narrative import PROPOSALS
from shared.contracts.events import (
    AreaSummary,
    InspectionArea,
    InspectionCompleted,
    OrgDirectoryPublished,
    Severity,
    TaskAssigned,
    TaskCompleted,
    UnitSummary,
    ViolationRecorded,
    ViolationResolved,
)
from shared.contracts.values import (
    Assignment,
    Deadline,
    DeadlineKind,
    DocumentRef,
    Signer,
    Unit,
    UnitKind,
    UnitRef,
)
from tests.unit.test_reporting_fixtures import AGENCY_INFO, DISSEMINATE, FactLog, at, year_2020

REPO = Path(__file__).resolve().parents[2]
ARTEFACTS = REPO / ".state" / "test-artefacts" / "docx"
DIRECTORY = REPO / "services" / "directives" / "directories" / "sxd-thanhhoa.yaml"
INSTALL = (
    "LibreOffice and poppler-utils are needed to render the report to PDF and PNG: "
    "run `make system-deps`, or as root `apt-get install -y --no-install-recommends "
    "libreoffice-writer poppler-utils fonts-liberation2` (Debian/Ubuntu)."
)
GENERATED = at(2020, 12, 15, 8)
DIRECTOR = Signer(title="Giám đốc", name="Đào Vũ Việt")
DEPUTY = Signer(authority="KT.", title="Phó Giám đốc", name="Nguyễn Thị Thu Hương")
SCHEME = DocumentRef(
    doc_type="Quyết định", number="1847", symbol="QĐ-TTg", text="Quyết định số 1847/QĐ-TTg"
)


# --- the departments -----------------------------------------------------------------


def _units(n: int) -> tuple[Unit, ...]:
    """A Department with `n` units that get a row: the Office, the Inspectorate, then
    divisions and affiliated centres; its leadership and Sở Nội vụ get none."""
    rows = [
        Unit(code="VP", name="Văn phòng Sở", kind=UnitKind.OFFICE, staff=14),
        Unit(code="TTr", name="Thanh tra Sở", kind=UnitKind.INSPECTORATE, staff=9),
    ]
    for k in range(1, n - 1):
        if k % 3:
            rows.append(
                Unit(
                    code=f"P{k}",
                    name=f"Phòng Quản lý chuyên ngành xây dựng số {k}",
                    kind=UnitKind.DIVISION,
                    staff=6 + k % 5,
                )
            )
        else:
            rows.append(
                Unit(
                    code=f"TT{k}",
                    name=f"Trung tâm Kiểm định chất lượng công trình khu vực {k}",
                    kind=UnitKind.AFFILIATED,
                    staff=20 + k % 7,
                )
            )
    return (
        Unit(code="GD", name="Ban Giám đốc", kind=UnitKind.LEADERSHIP, staff=4),
        *rows[:n],
        Unit(code="SNV", name="Sở Nội vụ", kind=UnitKind.EXTERNAL),
    )


def _ref(unit: Unit) -> UnitRef:
    return UnitRef(code=unit.code, name=unit.name)


def department(
    units: Sequence[Unit],
    *,
    inspected: int,
    signer: Signer = DIRECTOR,
    narrative: Mapping[str, str] | None = None,
) -> AnnualReport:
    """A year like the demo's: every unit with a row is told to disseminate the plan,
    most confirm (on time or late), the last one never answers; every third also has
    an ongoing task; `inspected` units are inspected, every other one of them with a
    violation, every other violation resolved."""
    info = AgencyInfo(
        code=AGENCY_INFO.code,
        name=AGENCY_INFO.name,
        short_name=AGENCY_INFO.short_name,
        province=AGENCY_INFO.province,
        units=tuple(units),
    )
    log = FactLog()
    directory = OrgDirectoryPublished(
        agency=info.code,
        agency_name=info.name,
        short_name=info.short_name,
        province=info.province,
        units=info.units,
    )
    log.add("org", directory, at(2020, 1, 2))
    workers = [u for u in units if u.kind not in (UnitKind.LEADERSHIP, UnitKind.EXTERNAL)]
    directive = uuid.UUID(int=1)
    log.directive(
        "d1",
        directive,
        "05/TB-SXD",
        dt.date(2020, 4, 20),
        "Triển khai thực hiện Kế hoạch thực hiện Đề án Văn hóa công vụ",
        *(Assignment(lead_unit=_ref(u), action=DISSEMINATE) for u in workers),
        references=(SCHEME,),
        signer=signer,
    )
    start = at(2020, 4, 20, 10)

    def assign(name: str, unit: Unit, due: dt.date, action: str, index: int) -> None:
        log.add(
            f"{name}-a",
            TaskAssigned(
                agency=info.code,
                task_id=uuid.uuid5(uuid.NAMESPACE_URL, f"task/{name}"),
                directive_id=directive,
                lead_unit=_ref(unit),
                at=start,
                directive_reference="05/TB-SXD",
                assignment_index=index,
                action=action,
                deadline=Deadline(kind=DeadlineKind.DATE, date=due),
                due_date=due,
            ),
            start,
        )

    for i, unit in enumerate(workers):
        name = f"spread-{unit.code}"
        assign(name, unit, dt.date(2020, 6, 30), DISSEMINATE, i)
        if i % 3 == 2:
            assign(f"review-{unit.code}", unit, dt.date(2020, 12, 31), "Rà soát quy chế", i)
        if i == len(workers) - 1:
            continue  # never answers
        on_time = i % 4 != 1
        when = at(2020, 6, 10) if on_time else at(2020, 7, 15)
        done = TaskCompleted(
            agency=info.code,
            task_id=uuid.uuid5(uuid.NAMESPACE_URL, f"task/{name}"),
            lead_unit=_ref(unit),
            at=when,
            directive_id=directive,
            result="Đã quán triệt",
            on_time=on_time,
            staff_reached=unit.staff,
        )
        log.add(f"{name}-c", done, when)

    if inspected:
        inspection = uuid.UUID(int=100)
        chosen = workers[:inspected]
        offenders = chosen[::2]
        violations = [uuid.UUID(int=101 + k) for k in range(len(offenders))]
        for k, (vid, unit) in enumerate(zip(violations, offenders, strict=True)):
            area = list(InspectionArea)[k % len(InspectionArea)]
            recorded = ViolationRecorded(
                agency=info.code,
                violation_id=vid,
                inspection_id=inspection,
                unit=_ref(unit),
                criterion="X",
                criterion_title="Tiêu chí",
                area=area,
                severity=list(Severity)[k % len(Severity)],
                description="Vi phạm",
                remediation_due=dt.date(2020, 11, 15),
                recorded_at=at(2020, 10, 15),
            )
            log.add(f"v{k}", recorded, at(2020, 10, 15))
            if k % 2 == 0:
                resolved = ViolationResolved(
                    agency=info.code,
                    violation_id=vid,
                    inspection_id=inspection,
                    unit=_ref(unit),
                    area=area,
                    severity=recorded.severity,
                    resolved_at=at(2020, 11, 12),
                    on_time=True,
                )
                log.add(f"v{k}-r", resolved, at(2020, 11, 12))
        summary = (AreaSummary(area=InspectionArea.CONDUCT, compliant=3, findings=0),)
        completed = InspectionCompleted(
            agency=info.code,
            inspection_id=inspection,
            title="Kiểm tra thực hiện văn hóa công vụ",
            decision="45/QĐ-SXD ngày 01/10/2020",
            period_start=dt.date(2020, 10, 5),
            period_end=dt.date(2020, 10, 20),
            completed_at=at(2020, 10, 20),
            units=tuple(UnitSummary(unit=_ref(u), areas=summary) for u in chosen),
            violation_ids=tuple(violations),
        )
        log.add("i1", completed, at(2020, 10, 20))
    return build_annual_report(info, 2020, log.facts, narrative, GENERATED)


LONG_NARRATIVE = {
    "overview": "\n".join(
        [
            "Thực hiện Quyết định số 1847/QĐ-TTg ngày 27/12/2018 của Thủ tướng Chính phủ phê "
            "duyệt Đề án Văn hóa công vụ và Kế hoạch số 84/KH-UBND ngày 06/4/2020 của UBND "
            "tỉnh, Sở Xây dựng đã ban hành văn bản chỉ đạo, quán triệt tới toàn thể cán bộ, "
            "công chức, viên chức và người lao động của các phòng chuyên môn, đơn vị trực "
            "thuộc, gắn việc thực hiện văn hóa công vụ với cải cách hành chính."
        ]
        * 3
    ),
    "limitations": "\n".join(
        [
            "Một số phòng, đơn vị chưa báo cáo kịp thời kết quả quán triệt, tuyên truyền; "
            "việc tự kiểm tra tại một số đơn vị trực thuộc còn mang tính hình thức, chưa gắn "
            "với đánh giá, xếp loại cán bộ, công chức, viên chức hằng năm."
        ]
        * 4
    ),
    "next_year": "\n".join(
        [
            "Tiếp tục quán triệt, thực hiện nghiêm Đề án Văn hóa công vụ; thực hiện có hiệu "
            "quả “4 xin, 4 luôn” trong giao dịch với người dân, doanh nghiệp; tăng cường "
            "kiểm tra, giám sát việc thực hiện văn hóa công vụ tại các phòng, đơn vị; xử lý "
            "nghiêm các trường hợp vi phạm."
        ]
        * 4
    ),
    "proposals": "\n".join(
        [
            "Đề nghị Sở Nội vụ tiếp tục hướng dẫn, tổ chức tập huấn, bồi dưỡng về văn hóa "
            "công vụ cho cán bộ, công chức, viên chức; sớm ban hành bộ tiêu chí đánh giá "
            "việc thực hiện văn hóa công vụ áp dụng thống nhất trên địa bàn tỉnh."
        ]
        * 3
        + [
            "Đề nghị UBND tỉnh quan tâm bố trí kinh phí cho công tác tuyên truyền, kiểm tra "
            "việc thực hiện văn hóa công vụ; chỉ đạo các sở, ngành phối hợp trao đổi kinh "
            "nghiệm, nhân rộng các mô hình hay, cách làm hiệu quả trong xây dựng môi trường "
            "văn hóa công sở văn minh, thân thiện, liêm chính, kiến tạo, phục vụ người dân "
            "và doanh nghiệp; biểu dương, khen thưởng kịp thời các tập thể, cá nhân tiêu "
            "biểu trong thực hiện Đề án./."
        ]
    ),
}


def _demo_like() -> AnnualReport:
    directory = load_directory(DIRECTORY)
    return department(directory.units, inspected=3)


FINAL = (
    "Đề nghị UBND tỉnh quan tâm bố trí kinh phí cho công tác tuyên truyền, kiểm tra việc "
    "thực hiện văn hóa công vụ; biểu dương, khen thưởng kịp thời các tập thể, cá nhân tiêu "
    "biểu trong thực hiện Đề án./."
)


def _walk(k: int) -> AnnualReport:
    """The demo year with `k` one-line paragraphs in section III: step by step, the
    closing block walks down over the end of the page. The text ends with a
    paragraph of several lines when `k` is even, of one line when it is odd."""
    limitations = [f"Hạn chế {i}: một số đơn vị báo cáo chưa kịp thời." for i in range(k)]
    proposals = [PROPOSALS, FINAL if k % 2 == 0 else "Đề nghị bổ sung kinh phí năm 2021./."]
    narrative = {
        "limitations": "\n".join(limitations) or "Không có.",
        "next_year": "Tiếp tục thực hiện Đề án.",
        "proposals": "\n".join(proposals),
    }
    return department(load_directory(DIRECTORY).units, inspected=3, narrative=narrative)


CASES: dict[str, Callable[[], AnnualReport]] = {
    "fixture-2020": lambda: build_annual_report(
        AGENCY_INFO, 2020, year_2020().facts, None, GENERATED
    ),
    "short-3-units": lambda: department(_units(3), inspected=0),
    "demo-like": _demo_like,
    "long-50-units": lambda: department(
        _units(50), inspected=12, signer=DEPUTY, narrative=LONG_NARRATIVE
    ),
}
# One line at a time, from the closing block inside page 3 to well inside page 4.
WALK = {f"walk-{k:02d}": k for k in range(12)}


# --- rendering -----------------------------------------------------------------------


def squeeze(text: str) -> str:
    """Text for comparison: NFC (PDF text may come decomposed), no whitespace at all
    (line breaks and justified spacing differ from the source)."""
    return "".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class Rendered:
    name: str
    report: AnnualReport
    pages: list[str]  # squeezed text of each page
    landscape: list[bool]
    fonts: set[str]
    header_depth: dict[int, float]  # per landscape page, see `_header_depth`

    def pages_with(self, text: str) -> list[int]:
        return [i for i, page in enumerate(self.pages) if squeeze(text) in page]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` not found on PATH. {INSTALL}", pytrace=False)
    return path


def _fonts(reader: PdfReader) -> set[str]:
    """The fonts the PDF embeds, subset prefix ("BAAAAA+") removed."""
    names = set()
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        fonts = resources.get("/Font") if isinstance(resources, DictionaryObject) else None
        fonts = fonts.get_object() if fonts is not None else None
        if isinstance(fonts, DictionaryObject):
            for ref in fonts.values():
                font = ref.get_object()
                if isinstance(font, DictionaryObject):
                    names.add(str(font["/BaseFont"]).removeprefix("/").split("+")[-1])
    return names


def _header_depth(page: PageObject) -> float:
    """How far below the top line of the per-unit table's header ("Đã hoàn thành")
    its first row of figures is printed: the same on every page when the header
    repeats whole. (LibreOffice draws a repeated header row no taller than its set
    height and cuts off what a cell merged down over both rows has more.)"""
    chunks: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            chunks.append((text.strip(), x, y))

    page.extract_text(visitor_text=visit)
    top = next(y for text, _, y in chunks if text == "Đã hoàn thành")
    name_x = next(x for text, x, _ in chunks if text == "Phòng, đơn vị")
    first_row = max(y for text, x, y in chunks if text.isdigit() and x < name_x)  # "TT"
    return top - first_row


def _render(reports: Mapping[str, AnnualReport], work: Path) -> dict[str, Rendered]:
    soffice, pdftoppm = _tool("soffice"), _tool("pdftoppm")
    for name, report in reports.items():
        (work / name).mkdir()
        write_docx(report, work / name / f"{name}.docx")
    # One LibreOffice run for all of them (its start-up is most of the time), with a
    # profile of its own so that a running LibreOffice or a parallel test is no bother.
    profile = (work / "lo-profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
    command += ["--convert-to", "pdf", "--outdir", str(work)]
    command += [str(work / name / f"{name}.docx") for name in reports]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    rendered = {}
    for name, report in reports.items():
        pdf = work / f"{name}.pdf"
        if not pdf.exists():
            pytest.fail(f"LibreOffice did not convert {name}: {done.stdout} {done.stderr}")
        pdf = pdf.rename(work / name / pdf.name)
        reader = PdfReader(pdf)
        pages = [squeeze(p.extract_text()) for p in reader.pages]
        landscape = [p.mediabox.width > p.mediabox.height for p in reader.pages]
        fonts = _fonts(reader)
        depth = {i: _header_depth(p) for i, p in enumerate(reader.pages) if landscape[i]}
        png = [pdftoppm, "-r", "50", "-png", str(pdf), str(work / name / "page")]
        subprocess.run(png, check=True, capture_output=True, timeout=120)
        rendered[name] = Rendered(name, report, pages, landscape, fonts, depth)
        # The artefacts (DOCX, PDF, a PNG per page) replace the last run's.
        shutil.rmtree(ARTEFACTS / name, ignore_errors=True)
        shutil.copytree(work / name, ARTEFACTS / name, dirs_exist_ok=True)
    return rendered


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    reports = {name: build() for name, build in CASES.items()}
    reports |= {name: _walk(k) for name, k in WALK.items()}
    result = _render(reports, tmp_path_factory.mktemp("lo"))
    for r in result.values():
        closing = [str(i + 1) for i in r.pages_with("Nơi nhận")]
        print(f"{r.name:15} {len(r.pages)} pages, closing block on page {','.join(closing)}")
    return result


# --- the checks ----------------------------------------------------------------------

ALL = [*CASES, *WALK]


def _end_of_text(report: AnnualReport) -> str:
    """The last 60 characters of the text (whitespace aside): the end of the last
    paragraph, and of the one before when the last is a single short line."""
    lines = [s for section in report.narrative.values() for s in section.text.splitlines()]
    return "".join(squeeze(s) for s in lines)[-60:]


@pytest.mark.parametrize("case", ALL)
def test_closing_block_is_on_one_page_with_the_end_of_the_text(
    rendered: dict[str, Rendered], case: str
) -> None:
    r = rendered[case]
    [page] = r.pages_with("Nơi nhận")  # the closing block is printed once
    assert r.report.signer is not None
    for line in [*signer_lines(r.report.signer, r.report.agency_name), r.report.signer.name]:
        assert page in r.pages_with(line), f"{line!r} is not on the page of 'Nơi nhận'"
    for recipient in r.report.recipients:
        assert page in r.pages_with(recipient)
    text = r.pages[page]
    end_of_text = _end_of_text(r.report)
    assert end_of_text in text, f"page {page + 1} holds only the closing block"
    assert text.index(end_of_text) < text.index(squeeze("Nơi nhận"))
    assert page == len(r.pages) - 1, "nothing may follow the closing block"


@pytest.mark.parametrize("case", ALL)
def test_no_blank_page(rendered: dict[str, Rendered], case: str) -> None:
    r = rendered[case]
    assert all(r.pages), [i + 1 for i, page in enumerate(r.pages) if not page]


HEADER = (
    "TT", "Phòng, đơn vị", "Tổng số nhiệm vụ",
    "Đã hoàn thành", "Đúng hạn", "Quá hạn", "Chưa hoàn thành", "Trong hạn", "Quá hạn",
    "Đã quán triệt", "Số người được phổ biến", "Được kiểm tra", "Số vi phạm", "Đã khắc phục",
)  # fmt: skip


@pytest.mark.parametrize("case", ALL)
def test_unit_table_header_repeats_on_every_page_it_spans(
    rendered: dict[str, Rendered], case: str
) -> None:
    r = rendered[case]
    table_pages = [i for i, wide in enumerate(r.landscape) if wide]
    assert table_pages, "the per-unit table has a landscape section of its own"
    for i in table_pages:
        for label in HEADER:
            assert squeeze(label) in r.pages[i], f"{label!r} missing on page {i + 1}"
    first = r.header_depth[table_pages[0]]
    for i in table_pages[1:]:  # and the repeated header is whole, as tall as the first
        assert r.header_depth[i] == pytest.approx(first, abs=1), f"header cut on page {i + 1}"
    for unit in r.report.units:  # every row is printed on the table's pages
        assert [i for i in r.pages_with(unit.name) if i in table_pages], unit.name


@pytest.mark.parametrize("case", CASES)
def test_printed_in_times_new_roman_or_its_metric_twin(
    rendered: dict[str, Rendered], case: str
) -> None:
    """No fallback font: Liberation Serif 1.x (fonts-liberation) lacks the Vietnamese
    letters, and LibreOffice then prints "ệ", "ố"... in DejaVu, with other metrics."""
    fonts = rendered[case].fonts
    assert fonts, "no font in the PDF"
    strays = {f for f in fonts if not f.startswith(("TimesNewRoman", "LiberationSerif"))}
    assert not strays, f"fallback fonts {sorted(strays)}: {INSTALL}"


def test_the_cases_cover_what_they_are_for(rendered: dict[str, Rendered]) -> None:
    long = rendered["long-50-units"]
    assert sum(long.landscape) > 1  # the table's header has pages to repeat on
    assert sum(len(s.text) for s in long.report.narrative.values()) > 3000
    walk = [rendered[name].pages_with("Nơi nhận") for name in WALK]
    assert walk[0] < walk[-1]  # the walk does cross the end of a page
