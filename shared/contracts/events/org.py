"""Events on chidao.org.v1: the unit directories."""

from __future__ import annotations

from shared.contracts.events.base import TOPIC_ORG, Event
from shared.contracts.values import Unit


class OrgDirectoryPublished(Event):
    """The unit directory of an agency; consumers keep the latest as their local copy."""

    ce_type = "chidao.org.directory_published.v1"
    topic = TOPIC_ORG
    key_field = "agency"

    agency_name: str
    short_name: str
    province: str
    units: tuple[Unit, ...]
