"""Cursor pagination, the same on every list endpoint.

A list answers at most `limit` items (default 100, at most 1000) as a JSON array, in a
stable order that ends with the row's unique id. When more follow, the response says
where to continue, the way GitHub's API does, so a client that reads arrays keeps
working and one that wants everything follows the link:

    Link: <http://…/v1/tasks?agency=x&limit=100&cursor=WyIyMDIw…>; rel="next"
    X-Next-Cursor: WyIyMDIw…

The cursor is the sort key of the last item sent (keyset pagination): the next page is
`WHERE (key) > (cursor) ORDER BY key LIMIT n`, as cheap on page 1,000 as on page 1 and
unaffected by rows inserted meanwhile (no OFFSET that skips or repeats them). It is
opaque to clients (base64url JSON) and checked on the way in: a cursor that does not
decode is a 422 on `query.cursor`. A page may hold fewer items than `limit` when a
filter applies after the query (the tasks' overdue rule); only a missing link means
the end.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query, Request, Response
from sqlalchemy import ColumnElement, Select, tuple_

from shared.errors import InvalidField

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT}).")
]
Cursor = Annotated[
    str | None,
    Query(max_length=2000, description="Where to continue: the X-Next-Cursor of a page."),
]


@dataclass(frozen=True)
class PageRequest:
    """What a client asked for: how many, and after which cursor (None: from the start)."""

    limit: int = DEFAULT_LIMIT
    cursor: str | None = None


FIRST_PAGE = PageRequest()


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_key: tuple[Any, ...] | None = None


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


_PARSE: dict[str, Callable[[str], Any]] = {
    "u": uuid.UUID,
    "t": dt.datetime.fromisoformat,
    "d": dt.date.fromisoformat,
}


def _typed(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((kind, text),) = value.items()
        return _PARSE[kind](text)
    return value


def encode_cursor(key: tuple[Any, ...]) -> str:
    raw = json.dumps([_plain(v) for v in key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> tuple[Any, ...]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != width:
            raise ValueError("wrong width")
        return tuple(_typed(v) for v in values)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidField("not a cursor this list gave out", "query.cursor") from None


def keyset(query: Select[Any], key: Sequence[ColumnElement[Any]], page: PageRequest) -> Select[Any]:
    """`query` ordered by `key`, after the page's cursor, one row more than the limit
    (that row only tells whether another page follows)."""
    if page.cursor is not None:
        after = decode_cursor(page.cursor, len(key))
        query = query.where(tuple_(*key) > tuple_(*after))
    return query.order_by(*key).limit(page.limit + 1)


def cut(rows: Sequence[T], page: PageRequest, key_of: Callable[[T], tuple[Any, ...]]) -> Page[T]:
    """The page's rows and the key to continue after, if more follow."""
    if len(rows) <= page.limit:
        return Page(list(rows))
    kept = list(rows[: page.limit])
    return Page(kept, key_of(kept[-1]))


def link_next(request: Request, response: Response, page: Page[Any]) -> None:
    """Headers that tell the client where the next page is (nothing on the last)."""
    if page.next_key is None:
        return
    cursor = encode_cursor(page.next_key)
    url = request.url.include_query_params(cursor=cursor)
    response.headers["Link"] = f'<{url}>; rel="next"'
    response.headers["X-Next-Cursor"] = cursor
