"""An event is believed only on its own topic and from the service that owns its type."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.contracts.envelope import Envelope, PoisonMessage, check_provenance, publisher_source
from shared.contracts.events import (
    ALL_EVENTS,
    PUBLISHERS,
    TOPIC_ORG,
    TOPIC_REPORTS,
    TOPIC_TASKS,
    OrgDirectoryPublished,
    ReportSubmitted,
)


def test_every_event_type_has_one_publisher() -> None:
    assert {t.topic for t in ALL_EVENTS} == set(PUBLISHERS)
    assert publisher_source(OrgDirectoryPublished) == "chidao/directives"
    assert publisher_source(ReportSubmitted) == "chidao/reporting"


def _directory(source: str) -> Envelope:
    event = OrgDirectoryPublished(
        agency="sxd-thanhhoa",
        agency_name="Sở Xây dựng",
        short_name="SXD",
        province="Thanh Hóa",
        units=(),
    )
    return Envelope(event=event, source=source, time=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))


def test_the_owners_event_on_its_topic_is_accepted() -> None:
    check_provenance(_directory("chidao/directives"), TOPIC_ORG)


@pytest.mark.parametrize(
    ("source", "topic", "reason"),
    [
        ("chidao/tasks", TOPIC_ORG, "comes only from chidao/directives, not from 'chidao/tasks'"),
        ("agency-snv", TOPIC_ORG, "not from 'agency-snv'"),
        ("chidao/directives", TOPIC_TASKS, "belongs on chidao.org.v1, not on chidao.tasks.v1"),
        ("chidao/directives", TOPIC_REPORTS, "not on chidao.reports.v1"),
    ],
)
def test_a_forged_or_misrouted_event_is_poison(source: str, topic: str, reason: str) -> None:
    """A forged unit list would replace a department's units in the tasks service."""
    with pytest.raises(PoisonMessage, match=reason):
        check_provenance(_directory(source), topic)
