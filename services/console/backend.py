"""The four APIs, called as the signed-in person (their bearer token).

The console decides nothing: what a person may see and do is what the services
answer. A 401 means the session is over (sign in again); a 403/404/409/422 is shown
to the person with the service's own reason (Vietnamese where it is a rule).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

TokenSource = Callable[[], Awaitable[str]]
PAGE = 1000  # the services' largest page; lists follow X-Next-Cursor beyond it


class ApiError(Exception):
    def __init__(self, status: int, detail: str, code: str | None = None) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail
        self.code = code


class SignedOut(Exception):
    """The token is gone or refused: the person must sign in again."""


def _detail(response: httpx.Response) -> tuple[str, str | None]:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase, None
    detail = body.get("detail") if isinstance(body, dict) else body
    if isinstance(detail, list):  # validation errors: field and message of each
        detail = "; ".join(
            f"{d.get('field', '')}: {d.get('message', d.get('msg', ''))}" for d in detail
        )
    code = body.get("code") if isinstance(body, dict) else None
    return str(detail), (str(code) if code else None)


class Api:
    """One person's view of the platform for one request."""

    def __init__(self, http: httpx.AsyncClient, urls: dict[str, str], token: TokenSource):
        self.http = http
        self.urls = urls
        self._token = token

    async def request(
        self,
        service: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {await self._token()}"}
        if content_type:
            headers["Content-Type"] = content_type
        query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            response = await self.http.request(
                method,
                f"{self.urls[service]}{path}",
                params=query,
                json=json,
                content=content,
                headers=headers,
            )
        except httpx.HTTPError as exc:
            raise ApiError(
                503, f"Dịch vụ {service} không trả lời ({exc.__class__.__name__})."
            ) from None
        if response.status_code == 401:
            raise SignedOut()
        if response.status_code >= 400:
            raise ApiError(response.status_code, *_detail(response))
        return response

    async def get(self, service: str, path: str, **params: Any) -> Any:
        return (await self.request(service, "GET", path, params=params)).json()

    async def get_all(self, service: str, path: str, **params: Any) -> list[Any]:
        items: list[Any] = []
        query = {**params, "limit": PAGE}
        while True:
            response = await self.request(service, "GET", path, params=query)
            items += response.json()
            cursor = response.headers.get("X-Next-Cursor")
            if not cursor:
                return items
            query["cursor"] = cursor

    async def post(self, service: str, path: str, body: Any = None) -> Any:
        response = await self.request(service, "POST", path, json=body)
        return response.json() if response.content else None

    async def post_document(self, service: str, path: str, data: bytes, media_type: str) -> Any:
        """A file as the request body, by media type (the letter import)."""
        response = await self.request(service, "POST", path, content=data, content_type=media_type)
        return response.json()

    async def put(self, service: str, path: str, body: Any) -> Any:
        return (await self.request(service, "PUT", path, json=body)).json()

    async def raw(self, service: str, path: str) -> httpx.Response:
        return await self.request(service, "GET", path)
