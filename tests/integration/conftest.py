"""The real platform for integration tests: Apache Kafka, PostgreSQL, the services as
separate processes.

Where Kafka and PostgreSQL come from, in order:
1. the environment: `KAFKA_BOOTSTRAP_SERVERS` plus `DIRECTIVES_DATABASE_URL` and
   `TASKS_DATABASE_URL` (external servers, e.g. a CI service container);
2. the embedded local stack (Kafka jars through Maven, embedded PostgreSQL) in its own
   state folder and ports, when Java and Maven are here (these machines);
3. testcontainers, when a Docker engine answers (a developer's laptop).
None of them: the session fails loudly. Integration tests never skip.
"""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from chidao.people import People, clone_department, people_of, realm_people
from chidao.stack.stack import LocalStack
from shared.messaging.kafka_client import KafkaAccess
from shared.settings import REPO_ROOT
from tests.integration.kafka_tools import admin_access

SERVICES = ("directives", "tasks", "inspections", "reporting")
# ce_source of messages a test writes itself (poison included), not the platform.
TEST_SOURCE = "chidao-tests"
# A valid event a test writes in a service's name (with its `ce_source`: the consumers
# accept an event only from the service owning its type) carries this header too, so
# checks of what the services themselves published can leave it out.
INJECTED = {"chidao_test": "injected"}
TEST_ENV = {
    "CHIDAO_CLOCK_CONTROL": "true",
    "TASKS_OVERDUE_SCAN_SECONDS": "1",
    "REPORTING_REMINDER_SCAN_SECONDS": "1",
    "CHIDAO_RETRY_BACKOFF_S": "0.05",
}


# Each session plays its years for an agency of its own (same units as the shipped
# Sở Xây dựng Thanh Hóa), so no other test and no earlier run changes its figures.
SCENARIO_AGENCY = f"sxd-scenario-{uuid.uuid4().hex[:8]}"


def _directories() -> Path:
    """The shipped directories plus the session's scenario agency."""
    shipped = REPO_ROOT / "services" / "directives" / "directories"
    folder = REPO_ROOT / ".state" / "test-directories"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(shipped, folder)
    text = (shipped / "sxd-thanhhoa.yaml").read_text(encoding="utf-8")
    scenario = text.replace("code: sxd-thanhhoa", f"code: {SCENARIO_AGENCY}", 1)
    assert scenario != text
    (folder / f"{SCENARIO_AGENCY}.yaml").write_text(scenario, encoding="utf-8")
    return folder


@dataclass
class Platform:
    stack: LocalStack
    bootstrap: str
    how: str
    # How the tests reach Kafka: as the stack's admin (any topic, DLQs included).
    kafka: KafkaAccess
    scenario_agency: str = SCENARIO_AGENCY

    def url(self, service: str) -> str:
        return self.stack.services.url(service)

    def kill(self, service: str) -> None:
        self.stack.kill(service)

    def start(self, service: str, clock: str | None = None) -> None:
        """Start a service; `clock` (ISO datetime) is its clock from the first instant."""
        env = self.stack.services.extra_env
        if clock:
            env["CHIDAO_CLOCK"] = clock
        try:
            self.stack.start_service(service)
        finally:
            env.pop("CHIDAO_CLOCK", None)

    def client(self, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        """An HTTP client; with `headers` (e.g. `people.headers("inspector")`), every
        request it makes is that person's."""
        return httpx.AsyncClient(timeout=30.0, headers=headers)

    @functools.cached_property
    def people(self) -> People:
        """The demo realm's people of the seed department, signed in on demand."""
        return people_of(self.stack.oidc_issuer, "sxd-thanhhoa")

    @functools.cached_property
    def scenario_people(self) -> People:
        """The same accounts for the session's own scenario agency, created once in
        Keycloak through its admin API (user names suffixed)."""
        suffix = SCENARIO_AGENCY.rsplit("-", 1)[-1]
        persons = clone_department(
            self.stack.oidc_issuer,
            self.stack.keycloak_admin_password(),
            "sxd-thanhhoa",
            SCENARIO_AGENCY,
            suffix,
        )
        # The accounts of no department (the operator who moves the clocks, the
        # province's reader) serve the scenario agency as they serve every other.
        outside = [p for p in realm_people() if p.agency is None]
        return People(self.stack.oidc_issuer, SCENARIO_AGENCY, [*persons, *outside])

    def auth(self, username: str) -> dict[str, str]:
        """The Authorization header of a demo account (e.g. "giamdoc.sxd")."""
        return self.people.as_user(username)


def _external() -> dict[str, str] | None:
    names = ["KAFKA_BOOTSTRAP_SERVERS", *(f"{s.upper()}_DATABASE_URL" for s in SERVICES)]
    if all(os.environ.get(n) for n in names):
        return {n: os.environ[n] for n in names} | _no_stack_credentials()
    return None


def _no_stack_credentials() -> dict[str, str]:
    """A broker the stack did not start knows none of its principals: the services
    connect as the environment says (KAFKA_USERNAME...), or without authentication."""
    keys = ("KAFKA_SECURITY_PROTOCOL", "KAFKA_USERNAME", "KAFKA_PASSWORD")
    return {k: os.environ.get(k, "") for k in keys}


def _external_access(bootstrap: str) -> KafkaAccess:
    from chidao.agencies import operator_access

    return operator_access() if os.environ.get("KAFKA_USERNAME") else KafkaAccess(bootstrap)


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env().ping()
        return True
    except Exception:
        return False


def _test_stack(env: dict[str, str] | None = None) -> LocalStack:
    state = REPO_ROOT / ".state" / "test"
    # Clocks persisted by an earlier session would start this one in its years.
    shutil.rmtree(state / "clock", ignore_errors=True)
    return LocalStack(
        state_dir=state,
        kafka_port=39092,
        kafka_controller_port=39093,
        postgres_port=35432,
        keycloak_port=38080,
        service_ports={
            "directives": 38001,
            "tasks": 38002,
            "inspections": 38003,
            "reporting": 38004,
        },
        # External servers, when given, override the local stack's addresses.
        extra_env={**TEST_ENV, "DIRECTIVES_DIRECTORIES_DIR": str(_directories()), **(env or {})},
        kafka_libs=REPO_ROOT / ".state" / "kafka" / "libs",
    )


@pytest.fixture(scope="session")
def platform() -> Iterator[Platform]:
    external = _external()
    if external:
        stack = _test_stack(external)
        stack.services.start(list(SERVICES))
        bootstrap = external["KAFKA_BOOTSTRAP_SERVERS"]
        yield Platform(stack, bootstrap, "external", _external_access(bootstrap))
        for s in SERVICES:
            stack.stop_service(s)
        return
    if shutil.which("java") and shutil.which("mvn"):
        stack = _test_stack()
        stack.down()
        stack.reset()
        info = stack.up(SERVICES)
        try:
            yield Platform(stack, info.bootstrap_servers, "local stack", admin_access(stack))
        finally:
            stack.down()
        return
    if _docker_answers():
        yield from _testcontainers()
        return
    pytest.fail(
        "no Kafka/PostgreSQL for the integration tests: set KAFKA_BOOTSTRAP_SERVERS and "
        "<SERVICE>_DATABASE_URL, or install Java 17 + Maven, or run a Docker engine",
        pytrace=False,
    )


def _testcontainers() -> Iterator[Platform]:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    with KafkaContainer().with_kraft() as kafka, PostgresContainer("postgres:17") as pg:
        host, port = pg.get_container_host_ip(), pg.get_exposed_port(5432)
        for s in SERVICES:
            pg.exec(["psql", "-U", pg.username, "-c", f"CREATE ROLE {s} LOGIN PASSWORD '{s}'"])
            pg.exec(["psql", "-U", pg.username, "-c", f"CREATE DATABASE {s} OWNER {s}"])
        env = {"KAFKA_BOOTSTRAP_SERVERS": kafka.get_bootstrap_server(), **_no_stack_credentials()}
        for s in SERVICES:
            env[f"{s.upper()}_DATABASE_URL"] = f"postgresql+asyncpg://{s}:{s}@{host}:{port}/{s}"
        stack = _test_stack(env)
        stack.services.start(list(SERVICES))
        try:
            bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"]
            yield Platform(stack, bootstrap, "testcontainers", KafkaAccess(bootstrap))
        finally:
            for s in SERVICES:
                stack.stop_service(s)


FIXTURES = Path(__file__).parent.parent / "fixtures"
