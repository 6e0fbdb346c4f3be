"""The console's own mechanics, without a browser or an identity provider: navigation
by role, dates as people type them, sessions, CSRF, sign-in redirects, deployment.
Sign-in itself and every page run against the real stack in tests/browser."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from services.console.app import build_app
from services.console.auth_routes import _safe_next
from services.console.present import doc_type_name, parse_vn_date
from services.console.sessions import COOKIE, SessionStore, Tokens
from services.console.settings import ConsoleSettings
from services.console.web import console_of, navigation
from shared.auth import Principal, Role
from shared.settings import REPO_ROOT, deployment_variables


def person(*roles: Role, unit: str | None = None, agency: str | None = "sxd-thanhhoa") -> Principal:
    return Principal("sub", "user", "Tên", agency=agency, unit=unit, roles=frozenset(roles))


@pytest.mark.parametrize(
    ("roles", "unit", "agency", "expected"),
    [
        ((Role.CLERK,), None, "sxd", ["Việc của đơn vị", "Văn bản", "Kiểm tra", "Báo cáo"]),
        ((Role.UNIT_HEAD,), "VP", "sxd", ["Việc của tôi", "Văn bản", "Kiểm tra", "Báo cáo"]),
        ((Role.PROVINCE_READER,), None, None, ["Tổng hợp của tỉnh"]),
        ((Role.OPERATOR,), None, None, ["Vận hành"]),
        ((), None, "sxd", []),
    ],
)
def test_navigation_shows_only_what_the_token_allows(
    roles: tuple[Role, ...], unit: str | None, agency: str | None, expected: list[str]
) -> None:
    labels = [item.label for item in navigation(person(*roles, unit=unit, agency=agency))]
    assert labels == expected


def test_dates_are_read_and_written_day_first() -> None:
    assert parse_vn_date("30/6/2020") == "2020-06-30"
    assert parse_vn_date(" 05/12/2020 ") == "2020-12-05"
    assert parse_vn_date("") is None
    for wrong in ("31/02/2020", "2020-06-30", "30/06", "ba mươi"):
        with pytest.raises(ValueError, match="ngày/tháng/năm"):
            parse_vn_date(wrong)
    assert doc_type_name("notice") == "Thông báo"
    assert doc_type_name("official_letter") == "Công văn"


def test_after_sign_in_only_a_path_of_this_site() -> None:
    assert _safe_next("/tasks?status=assigned") == "/tasks?status=assigned"
    for outside in ("//evil.example/", "https://evil.example/", "\\\\evil", "", None):
        assert _safe_next(outside) == "/"


def test_sessions_expire_when_idle_and_get_a_new_id_on_sign_in() -> None:
    store = SessionStore(idle_s=60)
    session = store.new()
    old_id, old_csrf = session.id, session.csrf
    assert store.get(old_id) is session
    store.rotate(session)
    assert store.get(old_id) is None and store.get(session.id) is session
    assert session.csrf != old_csrf
    session.last_used = time.time() - 61
    assert store.get(session.id) is None
    assert len(store) == 0


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(build_app(ConsoleSettings()), follow_redirects=False) as c:
        yield c


def _signed_in(client: TestClient, user: Principal) -> Any:
    """A session as the callback leaves it (no identity provider needed here)."""
    store = console_of(client).sessions
    session = store.new()
    session.user = user
    session.tokens = Tokens("access", "refresh", "id", time.time() + 300)
    client.cookies.set(COOKIE, session.id)
    return session


def test_pages_send_strangers_to_sign_in(client: TestClient) -> None:
    response = client.get("/tasks?status=assigned")
    assert response.status_code == 303
    assert response.headers["location"] == "/auth/login?next=%2Ftasks%3Fstatus%3Dassigned"
    home = client.get("/")
    assert home.status_code == 200 and "Đăng nhập" in home.text
    assert "script-src 'self'" in home.headers["content-security-policy"]


def test_a_form_without_the_session_s_token_is_refused(client: TestClient) -> None:
    session = _signed_in(client, person(Role.UNIT_HEAD, unit="VP"))
    refused = client.post("/tasks/00000000-0000-0000-0000-000000000000/acknowledge", data={})
    assert refused.status_code == 403 and "Biểu mẫu đã hết hạn" in refused.text
    forged = client.post(
        "/tasks/00000000-0000-0000-0000-000000000000/acknowledge", data={"csrf": "guess"}
    )
    assert forged.status_code == 403
    assert session.tokens is not None  # refused before any service was called


def test_compose_runs_the_console_with_what_it_needs() -> None:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    spec = compose["services"]["console"]
    assert spec["command"][-1] == "services.console"
    missing = deployment_variables(ConsoleSettings) - set(spec["environment"])
    assert not missing, f"docker-compose.yml does not set {sorted(missing)}"
    issuer = compose["services"]["tasks"]["environment"]["CHIDAO_OIDC_ISSUER"]
    assert spec["environment"]["CHIDAO_OIDC_ISSUER"] == issuer


def test_the_realm_s_console_client_is_public_with_pkce_and_exact_redirects() -> None:
    import json

    realm = json.loads((REPO_ROOT / "stack" / "keycloak" / "chidao-realm.json").read_text())
    client = next(c for c in realm["clients"] if c["clientId"] == "chidao-console")
    assert client["publicClient"] and client["standardFlowEnabled"]
    assert not client["directAccessGrantsEnabled"] and not client["implicitFlowEnabled"]
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    assert "http://127.0.0.1:8000/auth/callback" in client["redirectUris"]
    assert not any(uri.endswith("*") for uri in client["redirectUris"])
    audiences = [m["config"].get("included.custom.audience") for m in client["protocolMappers"]]
    assert "chidao-api" in audiences


def _pdf_with_text(line: str) -> bytes:
    """A one-page PDF whose text layer says ``line`` (Helvetica, ASCII)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_letter_is_read_from_txt_docx_or_a_pdf_s_text_layer() -> None:
    import io

    import docx
    import pypdf

    from services.console.pages.directives import LetterError, _letter_text

    assert _letter_text("tb.txt", "Số: /TB-SXD".encode()) == "Số: /TB-SXD"
    with pytest.raises(LetterError, match="UTF-8"):
        _letter_text("tb.txt", "Số".encode("utf-16"))
    document = docx.Document()
    document.add_paragraph("SỞ XÂY DỰNG")
    document.add_paragraph("Số: /TB-SXD")
    buffer = io.BytesIO()
    document.save(buffer)
    assert _letter_text("TB.DOCX", buffer.getvalue()) == "SỞ XÂY DỰNG\nSố: /TB-SXD"
    assert "12/TB-SXD" in _letter_text("tb.pdf", _pdf_with_text("So: 12/TB-SXD"))
    blank = io.BytesIO()
    writer = pypdf.PdfWriter()
    writer.add_blank_page(612, 792)
    writer.write(blank)
    with pytest.raises(LetterError, match="không có lớp chữ"):
        _letter_text("scan.pdf", blank.getvalue())
    with pytest.raises(LetterError, match=r"\.txt, \.docx hoặc \.pdf"):
        _letter_text("tb.odt", b"...")


def test_an_htmx_action_that_fails_shows_why_above_the_page(client: TestClient) -> None:
    session = _signed_in(client, person(Role.UNIT_HEAD, unit="VP"))
    response = client.post(
        "/tasks/00000000-0000-0000-0000-000000000000/extension-request",
        data={"csrf": session.csrf, "requested_due_date": "31/02/2020", "reason": "x"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#messages"
    assert 'role="alert"' in response.text and "31/02/2020" in response.text
    assert "<html" not in response.text  # a fragment, not a page
