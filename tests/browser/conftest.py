"""A real stack (Kafka with ACLs, PostgreSQL, Keycloak, the four services, the console)
on free ports in a throwaway state folder, and Debian's chromium driven by Playwright.

Nothing here skips: without chromium, Keycloak's distribution or any part of the stack
the tests fail with the reason. Playwright's own browser download is not used; the
system chromium is (``make system-deps`` installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from chidao.stack import SERVICES, LocalStack, keycloak
from chidao.stack.paths import repo_root
from services.console.sessions import COOKIE
from shared.clock import VN_TZ
from tests.ports import free_port

OUT = repo_root() / "out" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
BUSINESS = ("directives", "tasks", "inspections", "reporting")
PASSWORD = "chidao-demo"  # the dev realm's demo password (README, docs/local-stack.md)
OFFICE = (1366, 768)
PHONE = (390, 844)


def chromium_path() -> str:
    """Debian's chromium: the real binary behind the /usr/bin/chromium wrapper script."""
    for candidate in ("/usr/lib/chromium/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        "chromium was not found: install Debian's `chromium` package (make system-deps); "
        "the browser tests drive it through Playwright.",
        pytrace=False,
    )


def _jar_cache() -> Path:
    env = os.environ.get("CHIDAO_KAFKA_LIBS")
    return Path(env) if env else repo_root() / ".state" / "kafka" / "libs"


@pytest.fixture(scope="package")
def stack() -> Iterator[LocalStack]:
    assert "console" in SERVICES, "services/console/__main__.py is missing"
    # Not pytest's tmp_path: PostgreSQL runs as an unprivileged account that must
    # traverse to its data folder (docs/local-stack.md).
    state = Path(tempfile.mkdtemp(prefix="chidao-browser-"))
    state.chmod(0o755)
    local = LocalStack(
        state,
        kafka_port=free_port(),
        postgres_port=free_port(),
        kafka_controller_port=free_port(),
        keycloak_port=free_port(),
        kafka_libs=_jar_cache(),
        service_ports={name: free_port() for name in SERVICES},
        extra_env={"CHIDAO_CLOCK_CONTROL": "true"},
    )
    keycloak.ensure_dist(local.keycloak.dist)
    try:
        local.up(SERVICES)
        yield local
    finally:
        local.down()
        shutil.rmtree(state, ignore_errors=True)


def set_clock(stack: LocalStack, day: str) -> None:
    """Every service's clock at 09:00 (Vietnam) of ``day``, frozen, as the operator
    (`vanhanh`) sets it: the story happens on the seed letter's dates."""
    import datetime as dt

    when = dt.datetime.fromisoformat(f"{day}T09:00:00").replace(tzinfo=VN_TZ)
    headers = {"Authorization": f"Bearer {stack.token('vanhanh')}"}
    for name in BUSINESS:
        response = httpx.put(
            f"{stack.services.url(name)}/v1/clock",
            json={"now": when.isoformat(), "frozen": True},
            headers=headers,
            timeout=30,
        )
        assert response.status_code == 200, response.text


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    # Package scope, not session: Playwright's sync API keeps an event loop marked
    # running in this thread while it is open, and every asyncio test after the
    # browser tests would then fail to run its own loop.
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path())
    try:
        yield browser
    finally:
        browser.close()


@dataclass
class Timings:
    """First contentful paint and DOM ready of each page, written next to the shots."""

    pages: dict[str, dict[str, float]] = field(default_factory=dict)

    def record(self, name: str, page: Page) -> dict[str, float]:
        found: dict[str, float] = page.evaluate(
            """() => {
              const nav = performance.getEntriesByType('navigation')[0];
              const fcp = performance.getEntriesByName('first-contentful-paint')[0];
              return {
                response_ms: nav ? nav.responseEnd - nav.startTime : -1,
                dom_ready_ms: nav ? nav.domContentLoadedEventEnd - nav.startTime : -1,
                first_paint_ms: fcp ? fcp.startTime : -1,
              };
            }"""
        )
        self.pages[name] = found
        return found


@pytest.fixture(scope="package")
def timings() -> Iterator[Timings]:
    found = Timings()
    yield found
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "timings.json").write_text(json.dumps(found.pages, indent=2, ensure_ascii=False))


class Person:
    """One signed-in person in their own browser context (own cookies)."""

    def __init__(self, context: BrowserContext, base: str, timings: Timings) -> None:
        self.context = context
        self.page = context.new_page()
        self.base = base
        self.timings = timings

    def sign_in(self, username: str) -> None:
        page = self.page
        page.goto(f"{self.base}/")
        page.get_by_role("link", name="Đăng nhập").click()
        # At the identity provider: the code flow with a PKCE challenge (S256).
        expect(page.locator("#username")).to_be_visible()
        assert "response_type=code" in page.url and "code_challenge_method=S256" in page.url
        page.locator("#username").fill(username)
        page.locator("#password").fill(PASSWORD)
        page.locator("#kc-login").click()
        page.wait_for_url(f"{self.base}/**")
        assert page.url.startswith(self.base), page.url
        # The browser holds a random session id, HttpOnly and SameSite=Lax; the tokens
        # stay on the server.
        ours = [c for c in self.context.cookies(self.base) if c["name"] == COOKIE]
        assert len(ours) == 1, self.context.cookies(self.base)
        assert ours[0]["httpOnly"] and ours[0]["sameSite"] == "Lax"
        assert not ours[0]["value"].startswith("eyJ")
        # Nothing of the person's pages is kept in the browser (a shared office PC): htmx
        # keeps only the current path (its history cache is off).
        stored = page.evaluate(
            "() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]"
        )
        assert set(stored) <= {"htmx-current-path-for-history"}, stored

    def open(self, path: str) -> Page:
        self.page.goto(f"{self.base}{path}")
        return self.page

    def check(self, name: str, *, full_page: bool = True, loaded: bool = True) -> dict[str, Any]:
        """The page as it is now: a screenshot, its timings (``loaded``: it was just
        loaded, not changed in place by htmx), and axe-core's verdict (no critical
        violations)."""
        page = self.page
        OUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=full_page)
        if loaded:
            timing = self.timings.record(name, page)
            assert 0 <= timing["first_paint_ms"] < 1000, f"{name}: first paint {timing}"
        page.add_script_tag(path=str(AXE))
        result: dict[str, Any] = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        critical = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in result["violations"]
            if v["impact"] == "critical"
        ]
        assert not critical, f"{name}: critical accessibility violations: {critical}"
        return result


@pytest.fixture(scope="package")
def console_url(stack: LocalStack) -> str:
    return stack.services.url("console")


@pytest.fixture(scope="package")
def people(browser: Browser, console_url: str, timings: Timings) -> Iterator[dict[str, Person]]:
    """Signed in on first use, each in their own context, kept for the session."""
    contexts: list[BrowserContext] = []

    class Desk(dict[str, Person]):
        def __missing__(self, username: str) -> Person:
            context = browser.new_context(
                viewport={"width": OFFICE[0], "height": OFFICE[1]},
                locale="vi-VN",
                accept_downloads=True,
                # axe-core is injected into the page; the console's CSP would refuse it.
                bypass_csp=True,
            )
            contexts.append(context)
            person = Person(context, console_url, timings)
            started = time.monotonic()
            person.sign_in(username)
            timings.pages[f"sign-in {username}"] = {
                "total_ms": round((time.monotonic() - started) * 1000, 1)
            }
            self[username] = person
            return person

    yield Desk()
    for context in contexts:
        context.close()
