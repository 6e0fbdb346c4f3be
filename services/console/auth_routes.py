"""/auth/*: sign in (code flow + PKCE), the callback, sign out."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.console.oidc import SignInError
from services.console.sessions import COOKIE
from services.console.web import console_of, error_page, templates

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth")


def _safe_next(value: str | None) -> str:
    """Only a path of this site: never an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


@router.get("/login")
async def login(request: Request, next: str | None = None) -> Response:
    console = console_of(request)
    session = console.sessions.get(request.cookies.get(COOKIE)) or console.sessions.new()
    url, session.pending = await console.oidc.start(_safe_next(next))
    response = RedirectResponse(url, status_code=303)
    console.set_cookie(response, session)
    return response


@router.get("/callback")
async def callback(
    request: Request,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
    error_description: str | None = None,
) -> Response:
    console = console_of(request)
    session = console.sessions.get(request.cookies.get(COOKIE))
    pending = session.pending if session else None
    if session is None or pending is None or state is None or state != pending.state:
        return error_page(
            request,
            400,
            "Phiên đăng nhập không hợp lệ",
            "Liên kết đăng nhập đã hết hạn hoặc không thuộc trình duyệt này. Hãy đăng nhập lại.",
        )
    session.pending = None
    if error or not code:
        return error_page(
            request, 401, "Chưa đăng nhập được", error_description or error or "Thiếu mã đăng nhập."
        )
    try:
        session.tokens, session.user = await console.oidc.finish(pending, code)
    except SignInError as exc:
        log.warning("sign-in failed: %s", exc)
        return error_page(request, 401, "Chưa đăng nhập được", str(exc))
    console.sessions.rotate(session)  # a signed-in session gets an id never seen before
    response = RedirectResponse(pending.next_path, status_code=303)
    console.set_cookie(response, session)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    console = console_of(request)
    session = console.sessions.get(request.cookies.get(COOKIE))
    tokens = None
    if session is not None:
        form = await request.form()
        if str(form.get("csrf") or "") != session.csrf:
            return error_page(request, 403, "Không được phép", "Mã biểu mẫu không hợp lệ.")
        tokens = session.tokens
        console.sessions.drop(session)
    url = await console.oidc.logout_url(tokens) if tokens else None
    response = RedirectResponse(url or "/auth/signed-out", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/signed-out", response_class=HTMLResponse)
async def signed_out(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "signed_out.html",
        {"user": None, "nav": [], "csrf": "", "flash": [], "path": request.url.path},
    )
