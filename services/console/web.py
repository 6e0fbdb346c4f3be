"""What every page needs: the session, the person's API, CSRF, navigation, rendering."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import httpx
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from services.console import present
from services.console.backend import Api, ApiError, SignedOut
from services.console.oidc import REFRESH_MARGIN_S, OidcClient, SignInError
from services.console.sessions import COOKIE, Session, SessionStore
from services.console.settings import ConsoleSettings
from shared.auth import AGENCY_MEMBERS, UNIT_ROLES, Principal, Role
from shared.clock import VN_TZ

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters.update(present.filters())


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str


def navigation(user: Principal) -> list[NavItem]:
    """Only what the token allows: a page a person cannot use is not shown at all."""
    items: list[NavItem] = []
    if user.has(*AGENCY_MEMBERS):
        mine = user.has(*UNIT_ROLES) and not user.has(Role.LEADER, Role.CLERK)
        items.append(NavItem("/tasks", "Việc của tôi" if mine else "Việc của đơn vị"))
        items.append(NavItem("/directives", "Văn bản"))
        items.append(NavItem("/inspections", "Kiểm tra"))
        items.append(NavItem("/report", "Báo cáo"))
    if user.has(Role.PROVINCE_READER):
        items.append(NavItem("/province", "Tổng hợp của tỉnh"))
    if user.has(Role.OPERATOR):
        items.append(NavItem("/ops", "Vận hành"))
    return items


def role_titles(user: Principal) -> str:
    titles = {
        Role.CLERK: "Văn thư",
        Role.LEADER: "Lãnh đạo Sở",
        Role.UNIT_HEAD: "Trưởng đơn vị",
        Role.UNIT_STAFF: "Cán bộ đơn vị",
        Role.INSPECTOR: "Thanh tra",
        Role.PROVINCE_READER: "Sở Nội vụ",
        Role.OPERATOR: "Vận hành",
    }
    return ", ".join(titles[r] for r in Role if r in user.roles)


class NeedsSignIn(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class BadCsrf(Exception):
    pass


class Console:
    """The process-wide parts, on ``app.state.console``."""

    def __init__(self, settings: ConsoleSettings, http: httpx.AsyncClient) -> None:
        self.settings = settings
        self.http = http
        self.sessions = SessionStore(settings.session_idle_s)
        self.oidc = OidcClient(settings, http)
        self.urls = settings.service_urls()

    def set_cookie(self, response: Response, session: Session) -> None:
        response.set_cookie(
            COOKIE,
            session.id,
            httponly=True,
            samesite="lax",
            secure=self.settings.secure_cookies,
            path="/",
        )


def console_of(request: Request) -> Console:
    return request.app.state.console  # type: ignore[no-any-return]


@dataclass
class Desk:
    """One signed-in person's request: who, their API, the form token."""

    request: Request
    console: Console
    session: Session
    user: Principal
    api: Api

    @property
    def csrf(self) -> str:
        return self.session.csrf

    @property
    def is_htmx(self) -> bool:
        return self.request.headers.get("HX-Request") == "true"

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        flash, self.session.flash = self.session.flash, []
        return templates.TemplateResponse(
            self.request,
            template,
            {
                "user": self.user,
                "roles": role_titles(self.user),
                "nav": navigation(self.user),
                "csrf": self.csrf,
                "flash": flash,
                "path": self.request.url.path,
                **context,
            },
            status_code=status_code,
        )

    def done(self, message: str, to: str) -> Response:
        """After a successful form post: a message, and back to a page (PRG)."""
        self.session.flash.append(message)
        return RedirectResponse(to, status_code=303)

    async def today(self, service: str = "tasks") -> dt.date:
        """The platform's day (the demo and tests move the services' clock)."""
        clock = await self.api.get(service, "/v1/clock")
        return dt.datetime.fromisoformat(clock["now"]).astimezone(VN_TZ).date()


async def _token(console: Console, session: Session) -> str:
    tokens = session.tokens
    if tokens is None:
        raise SignedOut()
    if tokens.expires_at - time.time() > REFRESH_MARGIN_S:
        return tokens.access_token
    async with session.lock:
        tokens = session.tokens
        if tokens is None:
            raise SignedOut()
        if tokens.expires_at - time.time() <= REFRESH_MARGIN_S:
            try:
                tokens, session.user = await console.oidc.refresh(tokens)
            except SignInError:
                session.tokens = session.user = None
                raise SignedOut() from None
            session.tokens = tokens
        return tokens.access_token


def _next_path(request: Request) -> str:
    path = request.url.path
    if request.method != "GET":
        path = request.headers.get("HX-Current-URL") or "/"
    if request.url.query and request.method == "GET":
        path = f"{path}?{request.url.query}"
    return path


async def desk(request: Request) -> Desk:
    console = console_of(request)
    session = console.sessions.get(request.cookies.get(COOKIE))
    if session is None or not session.signed_in or session.user is None:
        raise NeedsSignIn(_next_path(request))

    async def token() -> str:
        return await _token(console, session)

    api = Api(console.http, console.urls, token)
    return Desk(request, console, session, session.user, api)


CurrentDesk = Annotated[Desk, Depends(desk)]


async def form_of(request: Request, d: CurrentDesk) -> FormData:
    """A posted form whose CSRF token matches the session's (or the header htmx sends)."""
    form = await request.form()
    sent = str(form.get("csrf") or request.headers.get("X-CSRF-Token") or "")
    if not secrets.compare_digest(sent.encode(), d.csrf.encode()):
        raise BadCsrf()
    return form


PostedForm = Annotated[FormData, Depends(form_of)]


def field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


class FormError(Exception):
    """Something typed that cannot be sent on (the message is for the person)."""


def date_field(form: FormData, name: str) -> str | None:
    """A dd/mm/yyyy field as the APIs take it (ISO), None when left empty."""
    try:
        return present.parse_vn_date(field(form, name))
    except ValueError as exc:
        raise FormError(str(exc)) from None


def sign_in_redirect(next_path: str) -> RedirectResponse:
    return RedirectResponse(f"/auth/login?next={quote(next_path, safe='')}", status_code=303)


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    console = console_of(request)
    session = console.sessions.get(request.cookies.get(COOKIE))
    user = session.user if session else None
    partial = request.headers.get("HX-Request") == "true"
    response = templates.TemplateResponse(
        request,
        "_error.html" if partial else "error.html",
        {
            "user": user,
            "roles": role_titles(user) if user else "",
            "nav": navigation(user) if user else [],
            "csrf": session.csrf if session else "",
            "flash": [],
            "path": request.url.path,
            "title": title,
            "detail": detail,
            "status": status,
        },
        status_code=status,
    )
    if partial:  # htmx: shown above the page, the card it came from stays as it was
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


API_TITLES = {
    400: "Yêu cầu không hợp lệ",
    403: "Không được phép",
    404: "Không tìm thấy",
    409: "Không thực hiện được",
    413: "Nội dung quá lớn",
    422: "Dữ liệu chưa hợp lệ",
    503: "Dịch vụ tạm thời không trả lời",
}


def api_error_page(request: Request, exc: ApiError) -> HTMLResponse:
    title = API_TITLES.get(exc.status, "Có lỗi xảy ra")
    status = exc.status if 400 <= exc.status < 600 else 502
    return error_page(request, status, title, exc.detail)
