"""Events on chidao.org.v1: the unit directories and what became of their units."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field

from shared.contracts.events.base import TOPIC_ORG, Event
from shared.contracts.values import Unit, Value


class OrgDirectoryPublished(Event):
    """One version of the unit directory of an agency. Every version is published,
    oldest first, so a consumer that keeps the latest event keeps the newest version;
    one that needs the directory of a past date picks by `valid_from`."""

    ce_type = "chidao.org.directory_published.v1"
    topic = TOPIC_ORG
    key_field = "agency"

    agency_name: str
    short_name: str
    province: str
    units: tuple[Unit, ...]
    valid_from: dt.date | None = Field(
        default=None,
        description="The day this version took effect; None for the first version "
        "(in force since before the platform's records).",
    )


class SuccessionKind(StrEnum):
    RENAMED = "renamed"  # the same unit under another name (and maybe another code)
    MERGED = "merged"  # the unit's work went to a unit of this or another agency
    DISSOLVED = "dissolved"  # gone; `to_unit` names who took over its open work, if any


class Succession(Value):
    """What became of one unit (or of every unit of an agency) on a directory change."""

    kind: SuccessionKind
    from_agency: str = Field(description="The agency the unit belonged to.")
    from_unit: str | None = Field(
        default=None,
        description="The unit's code; None: every unit of `from_agency` not named "
        "in another succession of the same event (a whole agency merged).",
    )
    from_name: str | None = Field(default=None, description="Its name before the change.")
    to_agency: str | None = Field(default=None, description="The successor's agency.")
    to_unit: str | None = Field(
        default=None, description="The successor unit's code; None: nobody takes over."
    )
    to_name: str | None = Field(default=None, description="The successor's name.")
    note: str = Field(default="", description="Why, as the decision says it (Vietnamese).")


class OrgUnitsSucceeded(Event):
    """The units that changed when a directory version took effect: open work follows
    `to_unit`; what was done or cancelled keeps the name it was assigned under."""

    ce_type = "chidao.org.units_succeeded.v1"
    topic = TOPIC_ORG
    key_field = "agency"

    effective: dt.date = Field(description="The day the new directory version took effect.")
    successions: tuple[Succession, ...]
