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


def test_a_letter_file_is_sent_to_the_directives_service_by_its_media_type() -> None:
    """The console reads no file itself: the directives service does (DOCX tables, PDF
    text layers; tests/unit/test_letter_documents.py). It names the media type, and
    refuses what the service could not read, in Vietnamese."""
    from services.console.pages.directives import LetterError, _media_type
    from services.directives.adapters.documents import MEDIA_TYPES

    assert _media_type("TB.DOCX") in MEDIA_TYPES
    assert _media_type("tb.pdf") == "application/pdf"
    assert _media_type("tb.txt") == "text/plain"
    assert {_media_type(n) for n in ("a.txt", "a.docx", "a.pdf")} == set(MEDIA_TYPES)
    with pytest.raises(LetterError, match=r"\.txt, \.docx hoặc \.pdf"):
        _media_type("tb.odt")


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


def test_a_register_number_that_is_no_number_is_refused_before_any_service(
    client: TestClient,
) -> None:
    session = _signed_in(client, person(Role.CLERK))
    for typed in ("bốn mươi", "-3", "0", ""):
        response = client.post(
            "/directives/register", data={"csrf": session.csrf, "last_issued": typed}
        )
        assert response.status_code == 422, typed
        assert "phải là một số nguyên dương" in response.text
