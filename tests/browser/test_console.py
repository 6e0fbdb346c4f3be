"""The seed letter's year in the browser, each step by the person whose job it is.

The clerk imports the letter (uploaded as .txt) and fills in the review's blank
deadline but has no way to issue it (and the service refuses her); the leader issues
it; the head of Văn phòng Sở acknowledges and completes the rules review, late, and
asks for more time on the yearly report; the head of Phòng Kế hoạch - Tài chính sees
only what concerns his unit and disseminates; the inspector inspects; the leader
grants the extension, edits the narrative, downloads the DOCX and submits the report;
Sở Nội vụ sees the province's roll-up; the operator sees the services' readiness; in the
next year the clerk continues the paper register of outgoing documents.
Every page is photographed, timed and checked with axe-core. The tests run in order and
share one stack.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from chidao.scenario import SEED
from chidao.stack import LocalStack
from tests.browser.conftest import OUT, PHONE, Person, Timings, set_clock

pytestmark = pytest.mark.browser

AGENCY = "sxd-thanhhoa"
REVIEW = "Rà soát"  # the Office's rules review duty starts with these words
WAIT_S = 30.0


def _until(page: Page, path: str, ready: Callable[[Page], bool], what: str) -> None:
    """Reload until the events have flowed (Kafka → the service that shows them)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        page.goto(path)
        if ready(page):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {WAIT_S:.0f} s: {what}")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def story() -> dict[str, Any]:
    return {}


def test_signed_out_home_page(browser: Browser, console_url: str, timings: Timings) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, bypass_csp=True)
    person = Person(context, console_url, timings)
    try:
        person.open("/health")  # the browser's own first start is not the page's time
        page = person.open("/")
        expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()
        person.check("00-dang-nhap")
    finally:
        person.context.close()


def test_the_identity_provider_refuses_the_console_without_pkce(
    stack: LocalStack, console_url: str
) -> None:
    response = httpx.get(
        f"{stack.oidc_issuer}/protocol/openid-connect/auth",
        params={
            "client_id": "chidao-console",
            "response_type": "code",
            "redirect_uri": f"{console_url}/auth/callback",
            "scope": "openid",
            "state": "s",
        },
        timeout=30,
    )
    assert response.status_code == 302, response.text[:300]
    assert "error=invalid_request" in response.headers["location"]
    assert "code_challenge" in response.headers["location"]


def test_clerk_imports_the_seed_letter_but_cannot_issue_it(
    stack: LocalStack, people: dict[str, Person], story: dict[str, Any]
) -> None:
    set_clock(stack, "2020-04-20")
    clerk = people["vanthu.sxd"]
    page = clerk.open("/directives")
    # Navigation shows what a clerk's token allows, nothing for operators or the province.
    nav = page.get_by_role("navigation", name="Chức năng")
    expect(nav.get_by_role("link", name="Văn bản")).to_be_visible()
    expect(nav.get_by_role("link", name="Vận hành")).to_have_count(0)
    expect(nav.get_by_role("link", name="Tổng hợp của tỉnh")).to_have_count(0)
    clerk.check("01-van-ban-danh-sach")

    page.get_by_label("hoặc chọn tệp").set_input_files(str(SEED))
    page.get_by_role("button", name="Nhập thành dự thảo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thông báo số")
    story["directive_url"] = page.url
    story["directive_id"] = page.url.rstrip("/").rsplit("/", 1)[1]
    # The importer's warnings, each next to its field: blank number, blank day, "V/v".
    fields = page.locator(".fields div")
    number = fields.filter(has=page.locator("dt", has_text=re.compile("^Số$")))
    expect(number.locator(".warning")).to_contain_text("Số văn bản để trống")
    day = fields.filter(has=page.locator("dt", has_text="Ngày văn bản"))
    expect(day.locator(".warning")).to_contain_text("Ngày ban hành để trống")
    expect(page.locator(".warning", has_text="V/v")).to_be_visible()

    # The rules review has no deadline in the letter: the clerk fills it in.
    review = page.locator("fieldset.assignment", has_text=REVIEW)
    review.get_by_label("Hạn hoàn thành").fill("30/06/2020")
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu dự thảo")
    expect(
        page.locator("fieldset.assignment", has_text=REVIEW).get_by_label("Hạn hoàn thành")
    ).to_have_value("30/06/2020")
    # No issue button for the clerk ...
    expect(page.get_by_role("button", name="Ban hành văn bản")).to_have_count(0)
    clerk.check("02-van-ban-du-thao", full_page=False)
    # ... and the service refuses her all the same (a forged form post).
    csrf = page.locator("input[name=csrf]").first.input_value()
    response = page.request.post(
        f"{clerk.base}/directives/{story['directive_id']}/issue", form={"csrf": csrf}
    )
    assert response.status == 403
    assert "Chỉ lãnh đạo được ban hành văn bản" in response.text()


def test_leader_issues_it(people: dict[str, Person], story: dict[str, Any]) -> None:
    leader = people["giamdoc.sxd"]
    page = leader.open(f"/directives/{story['directive_id']}")
    page.get_by_role("button", name="Ban hành văn bản").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ban hành văn bản số 01/TB-SXD")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thông báo số 01/TB-SXD")
    _until(
        page,
        f"{leader.base}/directives/{story['directive_id']}",
        lambda p: p.locator("#tasks-title").count() > 0,
        "the directive's tasks",
    )
    leader.check("03-van-ban-da-ban-hanh")


def test_office_head_acknowledges_and_completes_the_rules_review(
    stack: LocalStack, people: dict[str, Person]
) -> None:
    set_clock(stack, "2020-07-10")  # ten days after the review's deadline
    office = people["vanphong.sxd"]
    page = office.open("/tasks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc của tôi")
    card = page.locator("article.task", has_text=REVIEW)
    _until(page, f"{office.base}/tasks", lambda p: card.count() == 1, "the review task")
    expect(card.locator(".late")).to_have_text("Quá hạn 10 ngày")
    # Due soonest first: the review (30/06) before the yearly report (15/12).
    titles = page.locator("article.task h2").all_inner_texts()
    assert titles[0].startswith(REVIEW), titles
    office.check("04-viec-cua-toi")

    started = time.monotonic()
    card.get_by_role("button", name="Tiếp nhận").click()
    expect(card.get_by_role("status")).to_have_text("Đã tiếp nhận nhiệm vụ.")
    office.timings.pages["htmx: tiếp nhận (click → thẻ cập nhật)"] = {
        "total_ms": round((time.monotonic() - started) * 1000, 1)
    }
    expect(card.locator(".badge")).to_have_text("Đã tiếp nhận")
    card.get_by_text("Báo cáo hoàn thành").click()
    card.get_by_label("Kết quả").fill("Đã ban hành Quy chế văn hóa công sở")
    card.get_by_role("button", name="Hoàn thành").click()
    expect(card.get_by_role("status")).to_have_text("Đã báo cáo hoàn thành nhiệm vụ.")
    expect(card.locator(".badge")).to_have_text("Hoàn thành")
    expect(card).to_contain_text("quá hạn")
    card.get_by_text("Lịch sử").click()
    history = card.locator(".history li")
    expect(history.filter(has_text="Tiếp nhận")).to_contain_text("Nguyễn Thị Lan")
    expect(history.filter(has_text="Hoàn thành")).to_contain_text("10/07/2020")
    office.check("05-viec-da-hoan-thanh", loaded=False)

    # The yearly report is due 15/12: the Office asks for five more days.
    report = page.locator("article.task", has_text="Tổng hợp, báo cáo")
    report.get_by_text("Xin gia hạn").click()
    report.get_by_label("Đề nghị hạn mới").fill("20/12/2020")
    report.get_by_label("Lý do").fill("Chờ số liệu kiểm tra của Thanh tra Sở")
    report.get_by_role("button", name="Gửi đề nghị").click()
    expect(report.get_by_role("status")).to_have_text("Đã gửi đề nghị gia hạn.")
    expect(report).to_contain_text("đến 20/12/2020: Chờ số liệu kiểm tra của Thanh tra Sở")

    # On a phone the same page reads top to bottom.
    office.page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    office.open("/tasks")
    office.check("06-viec-cua-toi-dien-thoai", full_page=False)
    office.page.set_viewport_size({"width": 1366, "height": 768})


def test_planning_head_sees_only_what_concerns_his_unit(people: dict[str, Person]) -> None:
    khtc = people["khtc.sxd"]
    page = khtc.open("/tasks")
    cards = page.locator("article.task")
    expect(cards.first).to_be_visible()
    # His own duty (dissemination) with its actions ...
    own = cards.filter(has_text="Quán triệt")
    expect(own).to_have_count(1)
    expect(own.get_by_role("button", name="Tiếp nhận")).to_be_visible()
    # ... the review, where his division coordinates, but no action on the Office's task ...
    review = cards.filter(has_text=REVIEW)
    expect(review).to_contain_text("Phối hợp")
    expect(review.get_by_role("button")).to_have_count(0)
    expect(review.locator("form")).to_have_count(0)
    # ... and none of the Office's other duties (inspection, yearly report).
    expect(cards.filter(has_text="Kiểm tra, giám sát")).to_have_count(0)
    expect(cards.filter(has_text="Tổng hợp, báo cáo")).to_have_count(0)
    khtc.check("07-viec-phong-khtc")
    # His division disseminates the plan and says so.
    own.get_by_role("button", name="Tiếp nhận").click()
    expect(own.locator(".badge")).to_have_text("Đã tiếp nhận")
    own.get_by_text("Báo cáo hoàn thành").click()
    own.get_by_label("Kết quả").fill("Đã quán triệt tới toàn thể công chức của phòng")
    own.get_by_label("Số người được quán triệt").fill("9")
    own.get_by_role("button", name="Hoàn thành").click()
    expect(own.locator(".badge")).to_have_text("Hoàn thành")
    # Directives are the department's: he reads them but cannot issue, import or revoke.
    page = khtc.open("/directives")
    expect(page.get_by_role("button", name="Nhập thành dự thảo")).to_have_count(0)


def test_inspector_plans_records_and_completes_an_inspection(
    stack: LocalStack, people: dict[str, Person]
) -> None:
    set_clock(stack, "2020-10-05")
    inspector = people["thanhtra.sxd"]
    page = inspector.open("/inspections")
    page.get_by_text("Lập kế hoạch kiểm tra").click()
    plan = page.locator("form[action='/inspections/plan']")
    plan.get_by_label("Số", exact=True).fill("45")
    plan.get_by_label("Họ tên thành viên 1").fill("Lê Thị Hương")
    plan.get_by_role("checkbox", name="Phòng Kế hoạch - Tài chính").check()
    plan.get_by_role("checkbox", name="Phòng Quy hoạch - Kiến trúc").check()
    plan.get_by_label("Từ ngày").fill("05/10/2020")
    plan.get_by_label("Đến ngày").fill("12/10/2020")
    plan.get_by_role("button", name="Lập kế hoạch").click()
    expect(page.get_by_role("status")).to_have_text("Đã lập kế hoạch kiểm tra.")

    card = page.locator("article.card", has_text="Quyết định 45/QĐ-SXD")
    card.get_by_text("Ghi kết quả").click()
    results = card.locator("form[action$='/results']")
    results.get_by_label("Đơn vị").select_option("KHTC")
    results.get_by_label("Mức độ").select_option("moderate")
    results.get_by_label("Mô tả vi phạm").fill("Một số công chức đi muộn, về sớm")
    results.get_by_label("Chứng cứ").fill("Sổ theo dõi")
    results.get_by_label("Hạn khắc phục").fill("15/11/2020")
    results.get_by_role("button", name="Ghi vi phạm").click()
    expect(page.get_by_role("status")).to_have_text("Đã ghi vi phạm.")
    for unit in ("KHTC", "QHKT"):
        card.get_by_text("Ghi kết quả").click()
        results.get_by_label("Đơn vị").select_option(unit)
        results.get_by_role("button", name="Các tiêu chí còn lại của đơn vị: đạt").click()
        expect(page.get_by_role("status")).to_contain_text("tiêu chí đạt")
    card.get_by_text("Ghi kết quả").click()
    card.get_by_role("button", name="Kết thúc cuộc kiểm tra").click()
    expect(page.get_by_role("status")).to_have_text("Đã kết thúc cuộc kiểm tra.")
    expect(card.locator(".badge")).to_have_text("Đã hoàn thành")
    expect(card.locator(".violations li")).to_contain_text("Một số công chức đi muộn, về sớm")
    inspector.check("08-kiem-tra")


def test_leader_grants_the_office_more_time(people: dict[str, Person]) -> None:
    leader = people["giamdoc.sxd"]
    page = leader.open("/tasks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Việc của đơn vị")
    card = page.locator("article.task", has_text="Tổng hợp, báo cáo")
    card.get_by_label("Lý do cho gia hạn").fill("Đồng ý, cần số liệu kiểm tra")
    card.get_by_role("button", name="Cho gia hạn").click()
    expect(card.get_by_role("status")).to_have_text("Đã cho gia hạn.")
    expect(card).to_contain_text("20/12/2020")
    card.get_by_text("Lịch sử").click()
    expect(card.locator(".history li").filter(has_text="Cho gia hạn")).to_contain_text(
        "Trần Quốc Hùng"
    )


def test_leader_downloads_the_docx_and_submits_the_report(
    stack: LocalStack, people: dict[str, Person]
) -> None:
    set_clock(stack, "2020-12-10")
    leader = people["giamdoc.sxd"]
    page = leader.open("/report?year=2020")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2020")
    # The report reads the read model: wait for the review's completion to arrive.
    _until(
        page,
        f"{leader.base}/report?year=2020",
        lambda p: (
            p.locator("tr", has_text="Hoàn thành quá hạn")
            .locator(".value")
            .inner_text()
            .startswith("1 ")
        ),
        "the late review in the report",
    )
    figure = page.locator("tr", has_text="Hoàn thành quá hạn").locator("details.figure")
    figure.locator("summary").click()
    expect(figure).to_contain_text("Căn cứ: ")
    expect(page.locator("tr", has_text="Vi phạm phát hiện").locator(".value")).to_have_text("1")
    leader.check("09-bao-cao")

    proposals = page.get_by_label("Đề xuất, kiến nghị")
    proposals.fill("Đề nghị Sở Nội vụ tổ chức tập huấn về văn hóa công vụ trong quý I.")
    page.get_by_role("button", name="Lưu phần lời").click()
    expect(page.get_by_role("status")).to_have_text("Đã lưu phần lời của báo cáo.")
    expect(page.get_by_label("Đề xuất, kiến nghị")).to_have_value(
        "Đề nghị Sở Nội vụ tổ chức tập huấn về văn hóa công vụ trong quý I."
    )

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải DOCX").click()
    download = download_info.value
    assert download.suggested_filename == f"bao-cao-van-hoa-cong-vu-{AGENCY}-2020.docx"
    path = OUT / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data[:2] == b"PK" and len(data) > 5000, len(data)

    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Đã gửi báo cáo năm 2020 tới Sở Nội vụ (đúng hạn)"
    )


def test_province_reader_sees_the_roll_up(people: dict[str, Person]) -> None:
    snv = people["snv"]
    page = snv.open("/")
    nav = page.get_by_role("navigation", name="Chức năng")
    expect(nav.get_by_role("link")).to_have_text(["Tổng hợp của tỉnh"])
    _until(
        page,
        f"{snv.base}/province?year=2020",
        lambda p: p.locator("tbody tr", has_text="Sở Xây dựng").count() == 1,
        "the submitted report in the roll-up",
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thanh Hóa")
    chart = page.get_by_role("img", name=re.compile("Tỷ lệ nhiệm vụ hoàn thành đúng hạn"))
    expect(chart.locator("rect.bar")).to_have_count(1)
    expect(chart).to_contain_text("Sở Xây dựng")
    snv.check("10-tong-hop-tinh")
    # The province reads reports; a department's task list is not its business.
    assert snv.open("/tasks").locator("article.task").count() == 0


def test_operator_sees_each_service_ready(stack: LocalStack, people: dict[str, Person]) -> None:
    operator = people["vanhanh"]
    page = operator.open("/ops")
    ready = page.locator("tbody tr", has_text="Sẵn sàng")
    expect(ready).to_have_count(4)
    operator.check("11-van-hanh")


def test_clerk_continues_the_paper_register_in_a_new_year(
    stack: LocalStack, people: dict[str, Person]
) -> None:
    """A department that starts the year on paper: its register here continues the
    paper one, forward only; the leader sees it but cannot change it."""
    set_clock(stack, "2021-03-01")
    clerk = people["vanthu.sxd"]
    page = clerk.open("/directives")
    register = page.locator(
        "section", has=page.get_by_role("heading", name="Sổ văn bản đi năm 2021")
    )
    expect(register).to_contain_text("Số đã cấp cuối cùng: chưa có")
    expect(register).to_contain_text("tiếp theo mang số 01")
    register.get_by_text("Tiếp nối sổ văn bản đi bằng giấy").click()
    register.get_by_label("Số cuối cùng đã cấp trên sổ giấy năm 2021").fill("41")
    register.get_by_role("button", name="Tiếp nối sổ").click()
    expect(page.get_by_role("status")).to_contain_text("văn bản ban hành tiếp theo mang số 42")
    expect(register).to_contain_text("Số đã cấp cuối cùng: 41")
    clerk.check("12-so-van-ban-di")
    # Backwards would give numbers twice: refused, with the reason.
    register.get_by_text("Tiếp nối sổ văn bản đi bằng giấy").click()
    register.get_by_label("Số cuối cùng đã cấp trên sổ giấy năm 2021").fill("12")
    register.get_by_role("button", name="Tiếp nối sổ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Không thực hiện được")
    expect(page.locator("main")).to_contain_text("không thể lùi về số 12")
    # The leader reads the register; only the clerk keeps it.
    leader = people["giamdoc.sxd"].open("/directives")
    expect(leader.locator("section", has_text="Sổ văn bản đi năm 2021")).to_contain_text(
        "tiếp theo mang số 42"
    )
    expect(leader.get_by_text("Tiếp nối sổ văn bản đi bằng giấy")).to_have_count(0)


def test_sign_out_ends_the_identity_provider_session(people: dict[str, Person]) -> None:
    clerk = people["vanthu.sxd"]
    page = clerk.open("/directives")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã đăng xuất")
    page.get_by_role("link", name="Đăng nhập lại").click()
    # Keycloak asks for the password again: its session ended too.
    expect(page.locator("#password")).to_be_visible()
