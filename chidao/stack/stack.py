"""``LocalStack``: Kafka, PostgreSQL, Keycloak, the services and (when asked, as ``chidao
up`` does) Zipkin of one state folder, as one object."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka.errors import KafkaError

from chidao.stack import kafka, kafka_security, keycloak, maven, postgres, procs, zipkin
from chidao.stack.kafka_admin import KafkaAdminError, kafka_admin
from chidao.stack.paths import StatePaths, default_keycloak_dist, default_state_dir
from chidao.stack.procs import StackError
from chidao.stack.services import DATABASES, SERVICES, ServiceManager, default_ports
from shared.messaging.kafka_client import KafkaAccess

ALL: tuple[str, ...] = SERVICES


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class StackInfo:
    """Where each part listens, and which parts this ``up`` call started."""

    state_dir: Path
    bootstrap_servers: str
    postgres: str
    services: dict[str, str]
    started: list[str] = field(default_factory=list)
    keycloak: str = ""  # http://127.0.0.1:<port>; the issuer is <keycloak>/realms/chidao
    zipkin: str = ""  # http://127.0.0.1:<port>, when the stack runs Zipkin

    def addresses(self) -> dict[str, str]:
        infra = {"kafka": self.bootstrap_servers, "postgres": self.postgres}
        if self.keycloak:
            infra["keycloak"] = self.keycloak
        if self.zipkin:
            infra["zipkin"] = f"{self.zipkin}/zipkin/"
        return {**infra, **self.services}


@dataclass(frozen=True)
class PartStatus:
    name: str
    pid: int | None
    running: bool
    address: str
    healthy: bool
    # A service's readiness answer (consumer_lag, outbox_backlog, dead_lettered, problems).
    details: dict[str, Any] = field(default_factory=dict)


class LocalStack:
    def __init__(
        self,
        state_dir: Path | None = None,
        kafka_port: int | None = None,
        postgres_port: int | None = None,
        service_ports: dict[str, int] | None = None,
        extra_env: dict[str, str] | None = None,
        *,
        kafka_controller_port: int | None = None,
        kafka_libs: Path | None = None,
        service_module: str = "services.{name}",
        kafka_brokers: int | None = None,
        keycloak_port: int | None = None,
        keycloak_dist: Path | None = None,
        with_zipkin: bool = False,
        zipkin_port: int | None = None,
        zipkin_libs: Path | None = None,
    ) -> None:
        self.paths = StatePaths((state_dir or default_state_dir()).resolve())
        libs_env = os.environ.get("CHIDAO_KAFKA_LIBS")
        libs = kafka_libs or (Path(libs_env) if libs_env else self.paths.kafka_libs)
        # Not given (argument or KAFKA_BROKERS): what the state folder was started with,
        # so `chidao status`/`down` after `chidao up --brokers 3` need no flag.
        brokers = kafka_brokers or _env_int("KAFKA_BROKERS", 0)
        self.kafka = kafka.KafkaSettings(
            port=kafka_port or _env_int("KAFKA_PORT", 9092),
            controller_port=kafka_controller_port or _env_int("KAFKA_CONTROLLER_PORT", 9093),
            libs=libs.resolve(),
            brokers=brokers or kafka.state_brokers(self.paths) or 1,
        )
        self.pg = postgres.PgSettings(
            port=postgres_port or _env_int("POSTGRES_PORT", 5432), databases=DATABASES
        )
        # The distribution is prepared once and shared (CHIDAO_KEYCLOAK_DIST, else
        # <repo>/.state/keycloak/dist); each state folder runs its own copy and database.
        self.keycloak = keycloak.KeycloakSettings(
            port=keycloak_port or _env_int("KEYCLOAK_PORT", 8080),
            dist=(keycloak_dist or default_keycloak_dist()).resolve(),
        )
        # Zipkin runs when asked (`chidao up`, the demo): a test's stack does without.
        self.with_zipkin = with_zipkin
        zipkin_libs_env = os.environ.get("CHIDAO_ZIPKIN_LIBS")
        self.zipkin = zipkin.ZipkinSettings(
            port=zipkin_port or _env_int("ZIPKIN_PORT", 9411),
            libs=(
                zipkin_libs
                or (Path(zipkin_libs_env) if zipkin_libs_env else self.paths.zipkin_libs)
            ).resolve(),
        )
        self.services = ServiceManager(
            paths=self.paths,
            ports={**default_ports(), **(service_ports or {})},
            kafka_bootstrap=self.kafka.bootstrap,
            postgres_port=self.pg.port,
            extra_env=dict(extra_env or {}),
            module_template=service_module,
            kafka_replication_factor=self.kafka.replication_factor,
            kafka_min_insync_replicas=self.kafka.min_insync_replicas,
            oidc_issuer=self.keycloak.issuer,
            zipkin_endpoint=self.zipkin.spans_endpoint if with_zipkin else None,
        )

    @property
    def state_dir(self) -> Path:
        return self.paths.root

    @property
    def bootstrap_servers(self) -> str:
        return self.kafka.bootstrap

    def database_url(self, service: str) -> str:
        return self.services.database_url(service)

    @property
    def oidc_issuer(self) -> str:
        """The services' token issuer: ``http://127.0.0.1:<keycloak port>/realms/chidao``."""
        return self.keycloak.issuer

    def kafka_access(self, principal: str = kafka_security.ADMIN) -> KafkaAccess:
        """How ``principal`` (``admin``, a service) connects to this stack's brokers:
        bootstrap servers and its SCRAM credentials from the state folder."""
        creds = kafka_security.load_credentials(self.paths)
        if creds is None:
            raise StackError(
                f"No Kafka credentials in {self.paths.kafka_dir} yet: start the stack first "
                "(chidao up)."
            )
        return creds.access(self.kafka.bootstrap, principal)

    def start_kafka(self) -> bool:
        """Start the brokers, then (as admin) make sure every credential, ACL and topic
        of the platform exists before anything else connects; True when it started any."""
        started = kafka.start(self.paths, self.kafka)
        try:
            procs.run_coro(self._provision())
        except (KafkaAdminError, KafkaError, OSError) as exc:
            if started:
                kafka.stop(self.paths)
            raise StackError(f"Kafka's ACLs and topics could not be set up: {exc}") from exc
        return started

    async def _provision(self) -> None:
        creds = kafka_security.ensure_credentials(self.paths)
        async with kafka_admin(creds.access(self.kafka.bootstrap)) as admin:
            await kafka_security.provision(
                admin,
                creds,
                replication=self.kafka.replication_factor,
                min_insync=self.kafka.min_insync_replicas,
            )

    def token(self, username: str, password: str = "chidao-demo") -> str:
        """An access token of a realm user (password grant, public client ``chidao-cli``).

        ``chidao-demo`` is the password of every demo account in the dev realm file.
        """
        return keycloak.token(self.oidc_issuer, username, password)

    def keycloak_admin_password(self) -> str:
        """The master realm ``admin``'s password (made on the first start, in the state
        folder: ``keycloak/admin-password``)."""
        return keycloak.admin_password(self.paths)

    def info(self, started: Sequence[str] = ()) -> StackInfo:
        return StackInfo(
            state_dir=self.paths.root,
            bootstrap_servers=self.kafka.bootstrap,
            postgres=f"127.0.0.1:{self.pg.port}",
            services={name: self.services.url(name) for name in self.services.ports},
            started=list(started),
            keycloak=self.keycloak.url,
            zipkin=self.zipkin.url if self.with_zipkin else "",
        )

    def trace_url(self, trace_id: str) -> str:
        """The Zipkin page of one trace."""
        return self.zipkin.trace_url(trace_id)

    def download(self, on_progress: maven.OnProgress | None = None) -> list[str]:
        """Fetch what a first start needs (Kafka's jars, Keycloak, Zipkin), at the same
        time, reporting each download's progress; returns the parts fetched now. ``up``
        does it too, silently: this is for a caller that shows progress."""
        jobs: dict[str, Callable[[], bool]] = {
            "kafka": lambda: kafka.ensure_libs(self.kafka.libs, on_progress),
            "keycloak": lambda: keycloak.ensure_dist(self.keycloak.dist, on_progress),
        }
        if self.with_zipkin:
            jobs["zipkin"] = lambda: zipkin.ensure_jar(self.zipkin.libs, on_progress)
        with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="chidao-fetch") as pool:
            futures = {part: pool.submit(job) for part, job in jobs.items()}
            return [part for part, future in futures.items() if future.result()]

    def start_infra(self) -> list[str]:
        """Kafka, PostgreSQL and Keycloak, concurrently (seconds each, mostly JVM/initdb work;
        Keycloak is the slowest: ~10 s warm, 25-30 s for a new state folder)."""
        self.paths.ensure()
        with ThreadPoolExecutor(max_workers=4, thread_name_prefix="chidao-stack") as pool:
            jobs = [
                ("kafka", pool.submit(self.start_kafka)),
                ("postgres", pool.submit(postgres.start, self.paths, self.pg)),
                ("keycloak", pool.submit(keycloak.start, self.paths, self.keycloak)),
            ]
            if self.with_zipkin:
                jobs.append(("zipkin", pool.submit(zipkin.start, self.paths, self.zipkin)))
            started: list[str] = []
            errors: list[BaseException] = []
            for part, job in jobs:
                try:
                    if job.result():
                        started.append(part)
                except BaseException as exc:  # collect both, so neither is left unreported
                    errors.append(exc)
        if errors:
            self._stop_parts(started)  # do not leave one half of a failed start running
            if len(errors) == 1:
                raise errors[0]
            raise StackError("\n\n".join(str(e) for e in errors))
        return started

    def up(self, services: Sequence[str] = ALL) -> StackInfo:
        started = self.start_infra()
        try:
            started += self.services.start(list(services))
        except BaseException:
            self._stop_parts(started)
            raise
        return self.info(started)

    def start_service(self, name: str) -> bool:
        """Start one service (infrastructure must run); True when this call started it."""
        return bool(self.services.start([name]))

    def stop_service(self, name: str) -> bool:
        return self.services.stop(name)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> int:
        return self.services.kill(name, sig)

    def kill_kafka_node(self, node: int, sig: int = signal.SIGKILL) -> int:
        """Crash one Kafka node (1..brokers); ``start_infra()`` starts it again."""
        return kafka.kill_node(self.paths, node, sig)

    def kafka_part(self, node: int) -> str:
        """A node's name in ``status()``: "kafka" for a single node, "kafka-<n>" in a cluster."""
        return "kafka" if self.kafka.brokers == 1 else f"kafka-{node}"

    def _stop_parts(self, parts: Sequence[str]) -> None:
        # Services first: they would otherwise log errors while Kafka/PG go away.
        for name in parts:
            if name in self.services.ports:
                self.services.stop(name)
        stops = {
            "kafka": kafka.stop,
            "postgres": postgres.stop,
            "keycloak": keycloak.stop,
            "zipkin": zipkin.stop,
        }
        infra = [part for part in stops if part in parts]
        if infra:
            with ThreadPoolExecutor(max_workers=len(infra)) as pool:
                jobs = [pool.submit(stops[part], self.paths) for part in infra]
                for job in jobs:
                    job.result()

    def stop_started(self, info: StackInfo, keep: Sequence[str] = ()) -> None:
        """Stop only what ``info``'s ``up`` call started (but ``keep``); leave what was
        already running."""
        self._stop_parts([part for part in info.started if part not in keep])

    def down(self) -> None:
        """Stop every part this state folder runs."""
        self._stop_parts([*self.services.ports, "kafka", "postgres", "keycloak", "zipkin"])

    def status(self) -> list[PartStatus]:
        rows = []
        access = kafka.admin_access(self.paths, self.kafka)
        for node in self.kafka.nodes:
            pid = kafka.running_pid(self.paths, node)
            rows.append(
                PartStatus(
                    self.kafka_part(node),
                    pid,
                    pid is not None,
                    self.kafka.node_address(node),
                    pid is not None and kafka.node_healthy(self.kafka, node, access),
                )
            )
        pg_pid = postgres.running_pid(self.paths)
        rows += [
            PartStatus(
                "postgres",
                pg_pid,
                pg_pid is not None,
                f"127.0.0.1:{self.pg.port}",
                pg_pid is not None and postgres.healthy(self.paths, self.pg),
            ),
        ]
        kc_pid = keycloak.running_pid(self.paths)
        rows.append(
            PartStatus(
                "keycloak",
                kc_pid,
                kc_pid is not None,
                self.keycloak.url,
                kc_pid is not None and keycloak.healthy(self.keycloak),
            )
        )
        zk_pid = zipkin.running_pid(self.paths)
        if self.with_zipkin or zk_pid is not None:
            rows.append(
                PartStatus(
                    "zipkin",
                    zk_pid,
                    zk_pid is not None,
                    f"{self.zipkin.url}/zipkin/",
                    zk_pid is not None and zipkin.healthy(self.zipkin),
                )
            )
        for name in self.services.ports:
            pid = self.services.pid(name)
            ready, details = self.services.readiness(name) if pid is not None else (False, {})
            url = self.services.url(name)
            rows.append(PartStatus(name, pid, pid is not None, url, ready, details))
        return rows

    def running(self) -> list[str]:
        return [row.name for row in self.status() if row.running]

    def reset(self) -> None:
        """Delete Kafka's, PostgreSQL's and Keycloak's data (not the jars, not the Keycloak
        distribution); refuses while anything runs."""
        busy = [kafka.running_pid(self.paths, n) for n in kafka.known_nodes(self.paths, self.kafka)]
        busy += [postgres.running_pid(self.paths), keycloak.running_pid(self.paths)]
        busy += [zipkin.running_pid(self.paths)]
        busy += [self.services.pid(name) for name in self.services.ports]
        if any(pid is not None for pid in busy):
            raise StackError("The stack is running; run 'chidao down' before 'chidao reset'.")
        shutil.rmtree(self.paths.kafka_data, ignore_errors=True)
        for folder in self.paths.kafka_extra_node_dirs():  # nodes 2..N of a cluster
            shutil.rmtree(folder, ignore_errors=True)
        self.paths.kafka_brokers.unlink(missing_ok=True)  # the next up may pick any count
        # The users lived in the metadata just deleted: the next cluster gets new ones.
        self.paths.kafka_credentials.unlink(missing_ok=True)
        shutil.rmtree(self.paths.postgres_data, ignore_errors=True)
        # Keycloak: its database, its copy of the server (runtime files), and the admin
        # password, which only a new database takes (the next start makes a new one).
        shutil.rmtree(self.paths.keycloak_data, ignore_errors=True)
        shutil.rmtree(self.paths.keycloak_server, ignore_errors=True)
        self.paths.keycloak_admin_password.unlink(missing_ok=True)
