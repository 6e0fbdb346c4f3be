"""How big the content of an event may be: documented, checked at the API, enforced
at the outbox.

The letters of a province are long, but not megabytes. Every text that reaches a
public event is at most `MAX_TEXT_CHARS` characters and every list at most
`MAX_LIST_ITEMS` items, checked where the text enters (422 naming the field; bodies
over `CHIDAO_MAX_BODY_BYTES` are refused with 413 before they are read). Whatever the
fields, an event is at most `MAX_EVENT_BYTES` of JSON: the outbox refuses to stage a
larger one (the command fails with 422), so no row can ever be too large for the
broker's `max.message.bytes` (1 MiB by default) and block the events behind it.

| What | Limit |
|---|---|
| a text of a directive's content (subject, action, deadline, names) | 10,000 chars |
| a list (assignments, recipients, coordinating units, distribution) | 500 items |
| an event's JSON (the annual report in `report.submitted` included) | 900,000 bytes |
"""

from __future__ import annotations

MAX_TEXT_CHARS = 10_000
MAX_LIST_ITEMS = 500
MAX_EVENT_BYTES = 900_000
