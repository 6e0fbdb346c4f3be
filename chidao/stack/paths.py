"""Where the local stack keeps its state: one folder, laid out the same on every machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def repo_root() -> Path:
    """The repository root: the parent of the ``chidao`` package folder."""
    return Path(__file__).resolve().parent.parent.parent


def default_state_dir() -> Path:
    env = os.environ.get("CHIDAO_STATE_DIR")
    return Path(env).resolve() if env else repo_root() / ".state"


def kafka_pom() -> Path:
    return repo_root() / "stack" / "kafka" / "pom.xml"


def keycloak_pom() -> Path:
    return repo_root() / "stack" / "keycloak" / "pom.xml"


def zipkin_pom() -> Path:
    return repo_root() / "stack" / "zipkin" / "pom.xml"


def keycloak_realm_file() -> Path:
    """The realm every state folder's Keycloak imports on its first start."""
    return repo_root() / "stack" / "keycloak" / "chidao-realm.json"


def default_keycloak_dist() -> Path:
    """The prepared Keycloak distribution, shared by every state folder of this checkout
    (``CHIDAO_KEYCLOAK_DIST`` to put it elsewhere): unpacked and built once."""
    env = os.environ.get("CHIDAO_KEYCLOAK_DIST")
    return Path(env).resolve() if env else repo_root() / ".state" / "keycloak" / "dist"


@dataclass(frozen=True)
class StatePaths:
    """Every path under the state folder, so no module builds its own."""

    root: Path

    @property
    def kafka_dir(self) -> Path:
        return self.root / "kafka"

    @property
    def kafka_libs(self) -> Path:
        return self.kafka_dir / "libs"

    @property
    def kafka_data(self) -> Path:
        return self.kafka_dir / "data"

    @property
    def kafka_properties(self) -> Path:
        return self.kafka_dir / "server.properties"

    @property
    def kafka_log4j(self) -> Path:
        return self.kafka_dir / "log4j2.yaml"

    @property
    def kafka_cluster_id(self) -> Path:
        return self.kafka_dir / "cluster.id"

    @property
    def kafka_credentials(self) -> Path:
        """The passwords of the stack's Kafka principals (admin, nodes, services), 0600."""
        return self.kafka_dir / "credentials.json"

    @property
    def kafka_brokers(self) -> Path:
        """How many Kafka nodes this state folder's cluster has (written on first start)."""
        return self.kafka_dir / "brokers"

    # Node 1 keeps the single-node layout, so a state folder from before clusters works
    # as is; nodes 2..N each get kafka/node-<n>/ and their own pid file and log.

    def kafka_node_dir(self, node: int) -> Path:
        return self.kafka_dir if node == 1 else self.kafka_dir / f"node-{node}"

    def kafka_node_data(self, node: int) -> Path:
        return self.kafka_node_dir(node) / "data"

    def kafka_node_properties(self, node: int) -> Path:
        return self.kafka_node_dir(node) / "server.properties"

    def kafka_node_log4j(self, node: int) -> Path:
        return self.kafka_node_dir(node) / "log4j2.yaml"

    @staticmethod
    def kafka_node_part(node: int) -> str:
        """The node's name for its pid file and log: ``kafka``, ``kafka-2``, ``kafka-3``."""
        return "kafka" if node == 1 else f"kafka-{node}"

    def kafka_extra_node_dirs(self) -> list[Path]:
        """The ``node-<n>`` folders present, whatever the configured broker count."""
        if not self.kafka_dir.is_dir():
            return []
        return sorted(
            p for p in self.kafka_dir.glob("node-*") if p.is_dir() and p.name[5:].isdigit()
        )

    @property
    def postgres_dir(self) -> Path:
        return self.root / "postgres"

    @property
    def postgres_data(self) -> Path:
        return self.postgres_dir / "data"

    @property
    def postgres_install_copy(self) -> Path:
        """Private copy of the PostgreSQL binaries, made only when the wheel's are unreachable."""
        return self.postgres_dir / "pginstall"

    @property
    def keycloak_dir(self) -> Path:
        return self.root / "keycloak"

    @property
    def keycloak_server(self) -> Path:
        """This state folder's Keycloak home: a hard-linked copy of the shared distribution,
        so ``data/import`` and Keycloak's runtime files are the state folder's own."""
        return self.keycloak_dir / "server"

    @property
    def keycloak_data(self) -> Path:
        """The H2 database (realms, users, sessions' keys): kept across ``down``/``up``."""
        return self.keycloak_dir / "data"

    @property
    def keycloak_admin_password(self) -> Path:
        """The password of Keycloak's ``admin`` (master realm), made on the first start."""
        return self.keycloak_dir / "admin-password"

    @property
    def zipkin_dir(self) -> Path:
        return self.root / "zipkin"

    @property
    def zipkin_libs(self) -> Path:
        """The Zipkin server jar (``CHIDAO_ZIPKIN_LIBS`` to share one between folders)."""
        return self.zipkin_dir / "libs"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def run(self) -> Path:
        return self.root / "run"

    def log(self, part: str) -> Path:
        return self.logs / f"{part}.log"

    def pid_file(self, part: str) -> Path:
        return self.run / f"{part}.pid"

    def ensure(self) -> None:
        for folder in (self.kafka_dir, self.postgres_dir, self.keycloak_dir, self.logs, self.run):
            folder.mkdir(parents=True, exist_ok=True)
