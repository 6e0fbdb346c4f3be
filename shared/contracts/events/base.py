"""Topics and the base of every public event."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from shared.contracts.values import Actor, Value

TOPIC_ORG = "chidao.org.v1"
TOPIC_DIRECTIVES = "chidao.directives.v1"
TOPIC_TASKS = "chidao.tasks.v1"
TOPIC_INSPECTIONS = "chidao.inspections.v1"
TOPIC_REPORTS = "chidao.reports.v1"
PUBLIC_TOPICS = (TOPIC_ORG, TOPIC_DIRECTIVES, TOPIC_TASKS, TOPIC_INSPECTIONS, TOPIC_REPORTS)
# Who writes each public topic: the one service that owns its events (its outbox is the
# only producer; the broker's ACLs and the consumers' provenance check both rely on it).
PUBLISHERS = {
    TOPIC_ORG: "directives",
    TOPIC_DIRECTIVES: "directives",
    TOPIC_TASKS: "tasks",
    TOPIC_INSPECTIONS: "inspections",
    TOPIC_REPORTS: "reporting",
}


def dlq_topic(service: str) -> str:
    return f"chidao.dlq.{service}"


class Event(Value):
    """Base of every public event. `agency` is the department the event belongs to:
    one platform serves many departments."""

    ce_type: ClassVar[str]
    topic: ClassVar[str]
    key_field: ClassVar[str]

    agency: str = Field(description="Agency (department) code, e.g. 'sxd-thanhhoa'.")
    actor: Actor | None = Field(
        default=None,
        description="Who acted, when a person did (a command); None when the platform "
        "did (an event handled, a scan).",
    )

    @property
    def key(self) -> str:
        return str(getattr(self, self.key_field))
