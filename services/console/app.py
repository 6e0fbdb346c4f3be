"""The console's FastAPI application: pages, /auth, /static, /health."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from services.console import auth_routes
from services.console.backend import ApiError, SignedOut
from services.console.pages import directives, inspections, ops, reports, tasks
from services.console.sessions import COOKIE
from services.console.settings import ConsoleSettings
from services.console.web import (
    HERE,
    BadCsrf,
    Console,
    FormError,
    NeedsSignIn,
    api_error_page,
    console_of,
    error_page,
    navigation,
    sign_in_redirect,
    templates,
)

SECURITY_HEADERS = {
    # Every script and style is served from here (vendored htmx): nothing else may run.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self' {issuer}; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def build_app(settings: ConsoleSettings) -> FastAPI:
    logging.basicConfig(level=settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=30.0) as http:
            app.state.console = Console(settings, http)
            yield

    app = FastAPI(title="chidao console", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(auth_routes.router)
    for pages in (tasks, directives, inspections, reports, ops):
        app.include_router(pages.router)
    csp = SECURITY_HEADERS["Content-Security-Policy"].format(
        issuer=(settings.oidc_browser_issuer or settings.oidc_issuer).split("/realms/")[0]
    )

    @app.middleware("http")
    async def headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, csp if name == "Content-Security-Policy" else value)
        if request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    @app.exception_handler(NeedsSignIn)
    async def needs_sign_in(request: Request, exc: NeedsSignIn) -> Response:
        if request.headers.get("HX-Request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": "/auth/login"})
        return sign_in_redirect(exc.next_path)

    @app.exception_handler(SignedOut)
    async def signed_out(request: Request, exc: SignedOut) -> Response:
        console = console_of(request)
        session = console.sessions.get(request.cookies.get(COOKIE))
        if session is not None:
            console.sessions.drop(session)
        return sign_in_redirect(request.url.path if request.method == "GET" else "/")

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> HTMLResponse:
        return api_error_page(request, exc)

    @app.exception_handler(FormError)
    async def form_error(request: Request, exc: FormError) -> HTMLResponse:
        return error_page(request, 422, "Dữ liệu chưa hợp lệ", str(exc))

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, exc: BadCsrf) -> HTMLResponse:
        return error_page(
            request, 403, "Không được phép", "Biểu mẫu đã hết hạn. Hãy tải lại trang và thử lại."
        )

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        console = console_of(request)
        session = console.sessions.get(request.cookies.get(COOKIE))
        if session is not None and session.user is not None and session.signed_in:
            nav = navigation(session.user)
            if nav:
                return RedirectResponse(nav[0].path, status_code=303)
        return templates.TemplateResponse(
            request,
            "home.html",
            {"user": None, "nav": [], "csrf": "", "flash": [], "path": "/"},
        )

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "console"}

    return app
