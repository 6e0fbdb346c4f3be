"""The four chidao services, each its own process: ``<python> -m services.<name>``."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from chidao.stack import kafka_security, procs
from chidao.stack.paths import StatePaths, repo_root
from chidao.stack.procs import StackError

# Every service has a database from the start; a service runs once its package has a
# process entry point (`services/<name>/__main__.py`). The console (services/console) is
# a backend-for-frontend: no database, no Kafka, it calls the four APIs.
DATABASES: tuple[str, ...] = ("directives", "tasks", "inspections", "reporting")
CONSOLE = "console"
SERVICES: tuple[str, ...] = tuple(
    name
    for name in (*DATABASES, CONSOLE)
    if (repo_root() / "services" / name / "__main__.py").exists()
)
DEFAULT_PORTS: dict[str, int] = {
    "directives": 8001,
    "tasks": 8002,
    "inspections": 8003,
    "reporting": 8004,
    CONSOLE: 8000,
}


def service_url_env_var(name: str) -> str:
    """How the console finds a service: ``CHIDAO_TASKS_URL`` etc."""
    return f"CHIDAO_{name.upper()}_URL"


HEALTH_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


def port_env_var(name: str) -> str:
    return f"{name.upper()}_PORT"


def default_ports(environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """Defaults, overridden per service by DIRECTIVES_PORT etc. in the caller's environment."""
    env = os.environ if environ is None else environ
    return {name: int(env.get(port_env_var(name), port)) for name, port in DEFAULT_PORTS.items()}


@dataclass
class ServiceManager:
    paths: StatePaths
    ports: dict[str, int]
    kafka_bootstrap: str
    postgres_port: int
    extra_env: dict[str, str] = field(default_factory=dict)
    # "{name}" is replaced by the service name; tests point this at a stand-in module.
    module_template: str = "services.{name}"
    python: str = sys.executable
    # How the services create their topics (shared.messaging.topics): 1/1 on one broker,
    # 3/2 on a cluster.
    kafka_replication_factor: int = 1
    kafka_min_insync_replicas: int = 1
    # Whose tokens the services accept (Keycloak's realm in the local stack).
    oidc_issuer: str | None = None
    # Where they send their spans (the stack's Zipkin), unless the environment says.
    zipkin_endpoint: str | None = None

    def _check(self, name: str) -> None:
        if name not in self.ports:
            raise StackError(f"Unknown service {name!r}; known: {', '.join(self.ports)}")

    def module(self, name: str) -> str:
        return self.module_template.format(name=name)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def database_url(self, name: str) -> str:
        return f"postgresql+asyncpg://{name}:{name}@127.0.0.1:{self.postgres_port}/{name}"

    def env(self, name: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap,
                "KAFKA_REPLICATION_FACTOR": str(self.kafka_replication_factor),
                "KAFKA_MIN_INSYNC_REPLICAS": str(self.kafka_min_insync_replicas),
                port_env_var(name): str(self.ports[name]),
                "CHIDAO_STATE_DIR": str(self.paths.root),
                "PYTHONUNBUFFERED": "1",  # the log file shows output as it happens
            }
        )
        if name in DATABASES:
            env[f"{name.upper()}_DATABASE_URL"] = self.database_url(name)
        if name == CONSOLE:  # where the four APIs answer
            env.update({service_url_env_var(s): self.url(s) for s in DATABASES if s in self.ports})
        # Each service is its own Kafka principal, allowed only its own topics (ACLs in
        # kafka_security); the password comes from the state folder, not from here.
        creds = kafka_security.load_credentials(self.paths)
        if creds is not None and name in creds.passwords:
            env.update(
                {
                    "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
                    "KAFKA_SASL_MECHANISM": creds.mechanism,
                    "KAFKA_USERNAME": name,
                    "KAFKA_PASSWORD": creds.password(name),
                }
            )
        # The local stack is the demo and test platform: its clock can be set (PUT
        # /v1/clock) unless the operator's environment says otherwise.
        env.setdefault("CHIDAO_CLOCK_CONTROL", "true")
        if self.oidc_issuer:
            env["CHIDAO_OIDC_ISSUER"] = self.oidc_issuer
        if self.zipkin_endpoint:
            env.setdefault("OTEL_EXPORTER_ZIPKIN_ENDPOINT", self.zipkin_endpoint)
        env.update(self.extra_env)
        return env

    def _marker(self, name: str) -> str:
        return f"-m {self.module(name)}"

    def pid(self, name: str) -> int | None:
        pid = procs.read_pid(self.paths.pid_file(name))
        return pid if procs.is_alive(pid, self._marker(name)) else None

    def healthy(self, name: str, timeout: float = 2.0) -> bool:
        try:
            response = httpx.get(f"{self.url(name)}/health", timeout=timeout)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def readiness(self, name: str, timeout: float = 2.0) -> tuple[bool, dict[str, Any]]:
        """Ready or not, and what ``GET /health/ready`` says (lag, backlog, dead letters,
        problems); an empty dict when it does not answer with JSON."""
        try:
            response = httpx.get(f"{self.url(name)}/health/ready", timeout=timeout)
            body = response.json()
        except (httpx.HTTPError, ValueError):
            return False, {}
        return response.status_code == 200, body if isinstance(body, dict) else {}

    def spawn(self, name: str) -> bool:
        """Spawn ``name`` unless its process already runs; True when this call spawned it."""
        self._check(name)
        if self.pid(name) is not None:
            return False  # running (maybe still booting): wait_healthy decides
        procs.ensure_port_free(self.ports[name], f"service {name}")
        procs.spawn_detached(
            [self.python, "-m", self.module(name)],
            log=self.paths.log(name),
            pid_file=self.paths.pid_file(name),
            env=self.env(name),
            cwd=repo_root(),
        )
        return True

    def wait_healthy(self, names: Sequence[str], timeout: float = HEALTH_TIMEOUT) -> None:
        """Wait until every service answers GET /health with 200, all in parallel."""
        pending = list(names)
        deadline = time.monotonic() + timeout
        while pending:
            for name in list(pending):
                if self.pid(name) is None:
                    raise StackError(self._failure(name, "exited during start-up"))
                if self.healthy(name, timeout=1.0):
                    pending.remove(name)
            if pending and time.monotonic() >= deadline:
                name = pending[0]
                raise StackError(
                    self._failure(name, f"did not answer /health within {timeout:.0f} s")
                )
            if pending:
                time.sleep(0.2)

    def start(self, names: Sequence[str]) -> list[str]:
        """Start ``names`` (only those not running) and wait for health; returns the started."""
        started = [name for name in names if self.spawn(name)]
        try:
            self.wait_healthy(names)
        except StackError:
            for name in started:  # do not leave half-started processes behind
                self.stop(name)
            raise
        return started

    def _failure(self, name: str, what: str) -> str:
        log = self.paths.log(name)
        return f"Service {name} {what}. Last 20 lines of {log}:\n{procs.log_tail(log, 20)}"

    def stop(self, name: str, timeout: float = STOP_TIMEOUT) -> bool:
        pid = self.pid(name)
        if pid is not None:
            procs.stop_pid(pid, marker=self._marker(name), term_timeout=timeout)
        procs.remove_pid(self.paths.pid_file(name))
        return pid is not None

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        """Send ``sig`` to a running service (tests simulate crashes with SIGKILL)."""
        self._check(name)
        pid = self.pid(name)
        if pid is None:
            raise StackError(f"Service {name} is not running")
        os.kill(pid, sig)
        if sig == signal.SIGKILL:
            procs.wait_until(lambda: not procs.is_alive(pid), 5.0, 0.05)
        return pid
