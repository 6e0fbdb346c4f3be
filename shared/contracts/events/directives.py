"""Events on chidao.directives.v1."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import Field

from shared.contracts.events.base import TOPIC_DIRECTIVES, Event
from shared.contracts.values import DirectiveContent


class DirectiveIssued(Event):
    ce_type = "chidao.directive.issued.v1"
    topic = TOPIC_DIRECTIVES
    key_field = "directive_id"

    directive_id: uuid.UUID
    reference: str = Field(description="Number and symbol as printed, e.g. '05/TB-SXD'.")
    content: DirectiveContent
    issued_at: dt.datetime
    duplicate_of: uuid.UUID | None = Field(
        default=None, description="Set when a directive with the same subject was issued."
    )
    parent_directive_id: uuid.UUID | None = Field(
        default=None,
        description="The upper body's directive on the platform that this one implements "
        "(cited in `content.references`, matched on number, symbol and year); None when "
        "none or more than one matched.",
    )


class DirectiveRevoked(Event):
    ce_type = "chidao.directive.revoked.v1"
    topic = TOPIC_DIRECTIVES
    key_field = "directive_id"

    directive_id: uuid.UUID
    reference: str
    reason: str
    revoked_at: dt.datetime
