"""Apache Kafka 4.1.1 in KRaft combined mode (broker + controller), run from Maven Central jars.

One node by default; ``brokers=3`` runs a three-node cluster on loopback, every node a
broker and a voter, with replication 3 and ``min.insync.replicas=2``: one node can die
without losing an acknowledged write or the controller quorum.

Secured like a production cluster (``kafka_security``): SASL/SCRAM-SHA-512 on the client
listener, SASL/PLAIN on the controller listener, the StandardAuthorizer denying what no
ACL allows. A state folder formatted before that (PLAINTEXT, no SCRAM credentials) is
refused: its metadata has no user to authenticate as.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from chidao.stack import maven, procs
from chidao.stack.kafka_security import (
    KafkaCredentials,
    ensure_credentials,
    listener_properties,
    load_credentials,
)
from chidao.stack.paths import StatePaths, kafka_pom
from chidao.stack.procs import StackError
from shared.messaging.kafka_client import KafkaAccess, client_kwargs

START_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0
HEAP = "512m"


HOST = "127.0.0.1"
# Replication of a cluster (brokers > 1): three copies, two of them in sync to acknowledge.
CLUSTER_REPLICATION = 3
CLUSTER_MIN_INSYNC = 2


def check_broker_count(brokers: int) -> None:
    if brokers == 1 or brokers >= CLUSTER_REPLICATION:
        return
    raise StackError(
        f"Kafka needs 1 broker or at least {CLUSTER_REPLICATION} (got {brokers}): "
        f"a cluster replicates every partition {CLUSTER_REPLICATION} times, and a "
        "2-voter quorum stops as soon as either node does."
    )


@dataclass(frozen=True)
class KafkaSettings:
    """Node n (1..brokers) listens on ``port + 2(n-1)``, its controller on
    ``controller_port + 2(n-1)``: 9092/9093, 9094/9095, 9096/9097 by default."""

    port: int
    controller_port: int
    libs: Path
    brokers: int = 1

    def __post_init__(self) -> None:
        check_broker_count(self.brokers)
        ports = [p for n in self.nodes for p in (self.node_port(n), self.node_controller_port(n))]
        if len(set(ports)) != len(ports):
            raise StackError(
                f"Kafka ports collide: with {self.brokers} brokers node n listens on "
                f"{self.port}+2(n-1) and its controller on {self.controller_port}+2(n-1); "
                "choose a controller port that is the Kafka port + 1."
            )

    @property
    def nodes(self) -> range:
        return range(1, self.brokers + 1)

    def node_port(self, node: int) -> int:
        return self.port + 2 * (node - 1)

    def node_controller_port(self, node: int) -> int:
        return self.controller_port + 2 * (node - 1)

    def node_address(self, node: int) -> str:
        return f"{HOST}:{self.node_port(node)}"

    @property
    def bootstrap(self) -> str:
        return ",".join(self.node_address(node) for node in self.nodes)

    @property
    def voters(self) -> str:
        """``controller.quorum.voters``: every node, static (``id@host:controller port``)."""
        return ",".join(f"{n}@{HOST}:{self.node_controller_port(n)}" for n in self.nodes)

    @property
    def replication_factor(self) -> int:
        return 1 if self.brokers == 1 else CLUSTER_REPLICATION

    @property
    def min_insync_replicas(self) -> int:
        return 1 if self.brokers == 1 else CLUSTER_MIN_INSYNC

    def name(self, node: int) -> str:
        """How errors name a node: plain "Kafka" for a single one."""
        return "Kafka" if self.brokers == 1 else f"Kafka node {node}"


def libs_ready(libs: Path) -> bool:
    return maven.filled(libs, kafka_pom())


def ensure_libs(libs: Path, on_progress: maven.OnProgress | None = None) -> bool:
    """Resolve the broker's classpath into ``libs`` once; returns True when it downloaded."""
    return maven.fill_once(
        libs,
        pom=kafka_pom(),
        target_property="chidao.kafka.libs",
        what="Kafka",
        ready=libs_ready,
        on_progress=on_progress,
    )


def server_properties(
    paths: StatePaths, cfg: KafkaSettings, node: int, creds: KafkaCredentials
) -> str:
    """The ``server.properties`` of ``node`` (1..brokers): it holds the nodes' own
    passwords, so it is written readable by its owner only."""
    port, controller = cfg.node_port(node), cfg.node_controller_port(node)
    rf, isr = str(cfg.replication_factor), str(cfg.min_insync_replicas)
    lines = {
        "process.roles": "broker,controller",
        "node.id": str(node),
        # Static voters: the quorum lives in this file, so changing KAFKA_CONTROLLER_PORT
        # later just works (a --standalone format would pin the old endpoint in the log).
        "controller.quorum.voters": cfg.voters,
        **listener_properties(f"{HOST}:{port}", f"{HOST}:{controller}", creds),
        "log.dirs": str(paths.kafka_node_data(node)),
        # Topics are created as declared (shared.messaging.topics), never by accident.
        "num.partitions": "6",
        "auto.create.topics.enable": "false",
        # One node: every internal topic must fit on it. A cluster: three copies, two in
        # sync, so an acknowledged write survives the loss of any one node.
        "offsets.topic.replication.factor": rf,
        "transaction.state.log.replication.factor": rf,
        "transaction.state.log.min.isr": isr,
        "share.coordinator.state.topic.replication.factor": rf,
        "share.coordinator.state.topic.min.isr": isr,
        "default.replication.factor": rf,
        "min.insync.replicas": isr,
        # Consumers in tests join at once instead of waiting 3 s for more members.
        "group.initial.rebalance.delay.ms": "0",
    }
    body = "\n".join(f"{key}={value}" for key, value in lines.items())
    return f"# Generated by chidao.stack on every start; edits are overwritten.\n{body}\n"


def _log4j2_yaml(log_file: Path) -> str:
    # The broker logs to our file only, so it never writes into the CLI's stdout.
    return f"""# Generated by chidao.stack on every start.
Configuration:
  status: warn
  Appenders:
    File:
      name: FILE
      fileName: "{log_file}"
      append: true
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: FILE
    Logger:
      - name: kafka.request.logger
        level: WARN
        additivity: false
        AppenderRef:
          - ref: FILE
      - name: org.apache.kafka.controller
        level: INFO
        additivity: false
        AppenderRef:
          - ref: FILE
"""


def _java_cmd(paths: StatePaths, cfg: KafkaSettings, node: int, main: str, *args: str) -> list[str]:
    java = procs.require_tool("java", "Java 17+ is needed to run Kafka.")
    return [
        java,
        f"-Xms{HEAP}",
        f"-Xmx{HEAP}",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        f"-Dkafka.logs.dir={paths.logs}",
        f"-Dlog4j2.configurationFile={paths.kafka_node_log4j(node)}",
        "-cp",
        str(cfg.libs / "*"),
        main,
        *args,
    ]


def _cluster_id(paths: StatePaths) -> str:
    """The persisted cluster id, created once: url-safe base64 of 16 random bytes."""
    if paths.kafka_cluster_id.is_file():
        return paths.kafka_cluster_id.read_text().strip()
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):  # Kafka's own rule: it would read as a CLI flag
            break
    paths.kafka_cluster_id.write_text(cid + "\n")
    return cid


def _format(
    paths: StatePaths,
    cfg: KafkaSettings,
    node: int,
    cluster_id: str,
    scram: Sequence[str],
) -> None:
    data = paths.kafka_node_data(node)
    if (data / "meta.properties").is_file():
        return  # already formatted: skip a JVM start (about 1 s)
    data.mkdir(parents=True, exist_ok=True)
    cmd = _java_cmd(
        paths,
        cfg,
        node,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        cluster_id,  # one id for every node: they form one cluster
        "-c",
        str(paths.kafka_node_properties(node)),
        "--ignore-formatted",
        # The SCRAM users of the stack, in the bootstrap metadata (salted: no password
        # on the command line). Every node gets the same records.
        *scram,
    )
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise StackError(f"{cfg.name(node)} storage format failed:\n{result.stdout}{result.stderr}")


def state_brokers(paths: StatePaths) -> int | None:
    """How many nodes the state folder's cluster has; None for a folder never started."""
    with contextlib.suppress(OSError, ValueError):
        return int(paths.kafka_brokers.read_text().strip())
    if (paths.kafka_data / "meta.properties").is_file():
        return 1  # formatted before the count was recorded: always a single node
    return None


def _check_state(paths: StatePaths, cfg: KafkaSettings) -> None:
    have = state_brokers(paths)
    if have is not None and have != cfg.brokers:
        raise StackError(
            f"The Kafka data in {paths.kafka_dir} belongs to a {have}-broker cluster, "
            f"not {cfg.brokers}; start it with --brokers {have}, or to start over: "
            "chidao down && chidao reset"
        )
    formatted = (paths.kafka_data / "meta.properties").is_file()
    if formatted and not paths.kafka_credentials.is_file():
        raise StackError(
            f"The Kafka data in {paths.kafka_dir} predates authentication (PLAINTEXT, no "
            "SCRAM users, or kafka/credentials.json was deleted) and cannot be secured in "
            "place; to start over: chidao down && chidao reset"
        )


def admin_access(paths: StatePaths, cfg: KafkaSettings) -> KafkaAccess:
    """The stack's super user (``admin``) on this state folder's brokers; PLAINTEXT
    when the folder has no credentials yet (nothing runs then)."""
    creds = load_credentials(paths)
    return creds.access(cfg.bootstrap) if creds else KafkaAccess(cfg.bootstrap)


def known_nodes(paths: StatePaths, cfg: KafkaSettings | None = None) -> list[int]:
    """Every node this state folder may run: configured, recorded, or with a folder."""
    nodes = {1, *(cfg.nodes if cfg is not None else ())}
    nodes.update(range(1, (state_brokers(paths) or 1) + 1))
    nodes.update(int(folder.name[5:]) for folder in paths.kafka_extra_node_dirs())
    return sorted(nodes)


def marker(paths: StatePaths, node: int = 1) -> str:
    """What the broker's command line contains: ties a pid to this state folder and node."""
    return f"kafka.Kafka {paths.kafka_node_properties(node)}"


def running_pid(paths: StatePaths, node: int = 1) -> int | None:
    pid = procs.read_pid(paths.pid_file(paths.kafka_node_part(node)))
    return pid if procs.is_alive(pid, marker(paths, node)) else None


@contextlib.contextmanager
def _quiet_aiokafka() -> Iterator[None]:
    # While the broker boots, aiokafka logs every refused connection as an error.
    logger = logging.getLogger("aiokafka")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


async def _probe(access: KafkaAccess, timeout: float) -> set[int] | None:
    """The broker ids the node at ``access`` reports in a metadata answer; None when it
    does not answer (or refuses the credentials).

    The metadata request goes to that node itself (not any node of the cluster), and a
    KRaft broker lists only the brokers that are registered and unfenced.
    """
    from aiokafka.client import AIOKafkaClient

    client = AIOKafkaClient(**client_kwargs(access), request_timeout_ms=int(timeout * 1000))
    try:
        await asyncio.wait_for(client.bootstrap(), timeout)
        return {b.nodeId for b in client.cluster.brokers() if isinstance(b.nodeId, int)}
    except Exception:  # any failure means "not ready yet"; the caller retries
        return None
    finally:
        with contextlib.suppress(Exception):
            await client.close()


async def _probe_all(accesses: Sequence[KafkaAccess], timeout: float) -> list[set[int] | None]:
    return list(await asyncio.gather(*(_probe(access, timeout) for access in accesses)))


def _seen(
    cfg: KafkaSettings, nodes: Sequence[int], timeout: float, access: KafkaAccess
) -> dict[int, set[int] | None]:
    """Per node, the brokers its metadata lists (None: closed port or no answer)."""
    open_nodes = [n for n in nodes if procs.port_accepts(cfg.node_port(n))]
    accesses = [access.with_bootstrap(cfg.node_address(n)) for n in open_nodes]
    with _quiet_aiokafka():
        answers = procs.run_coro(_probe_all(accesses, timeout))
    seen: dict[int, set[int] | None] = dict.fromkeys(nodes)
    seen.update(zip(open_nodes, answers, strict=True))
    return seen


def node_healthy(cfg: KafkaSettings, node: int, access: KafkaAccess, timeout: float = 3.0) -> bool:
    """The node answers a metadata request and lists itself as a live broker."""
    ids = _seen(cfg, [node], timeout, access)[node]
    return ids is not None and node in ids


def healthy(cfg: KafkaSettings, access: KafkaAccess, timeout: float = 3.0) -> bool:
    """Ready: every node answers a metadata request listing every node (not merely a port)."""
    wanted = set(cfg.nodes)
    seen = _seen(cfg, cfg.nodes, timeout, access).values()
    return all(ids is not None and wanted <= ids for ids in seen)


def _write_private(path: Path, text: str) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)  # before the secrets go in (an older file may be wider)
    path.write_text(text)


def _prepare(
    paths: StatePaths, cfg: KafkaSettings, nodes: Sequence[int], creds: KafkaCredentials
) -> None:
    """Write each node's configuration and format its storage (once) with the cluster id
    and the stack's SCRAM users."""
    for node in nodes:
        paths.kafka_node_dir(node).mkdir(parents=True, exist_ok=True)
        props = server_properties(paths, cfg, node, creds)
        _write_private(paths.kafka_node_properties(node), props)
        log = paths.log(paths.kafka_node_part(node))
        paths.kafka_node_log4j(node).write_text(_log4j2_yaml(log))
    cluster_id = _cluster_id(paths)
    # Recorded before formatting: from here on the folder belongs to a cluster of this size.
    paths.kafka_brokers.write_text(f"{cfg.brokers}\n")
    scram = creds.format_arguments()
    with ThreadPoolExecutor(max_workers=len(nodes), thread_name_prefix="chidao-kafka") as pool:
        jobs = [pool.submit(_format, paths, cfg, node, cluster_id, scram) for node in nodes]
        for job in jobs:
            job.result()


def start(paths: StatePaths, cfg: KafkaSettings, timeout: float = START_TIMEOUT) -> bool:
    """Start every node that does not run; returns True when this call started any.

    All missing nodes are spawned before waiting (a quorum of three needs two voters up),
    then ready means every node answers and lists all of them.
    """
    paths.ensure()
    _check_state(paths, cfg)
    creds = ensure_credentials(paths)
    access = creds.access(cfg.bootstrap)
    pids = {node: running_pid(paths, node) for node in cfg.nodes}
    missing = [node for node, pid in pids.items() if pid is None]
    if missing:
        for node in missing:
            procs.ensure_port_free(cfg.node_port(node), cfg.name(node))
            procs.ensure_port_free(
                cfg.node_controller_port(node), f"the {cfg.name(node)} controller"
            )
        ensure_libs(cfg.libs)
        _prepare(paths, cfg, missing, creds)
        for node in missing:
            part = paths.kafka_node_part(node)
            cmd = _java_cmd(paths, cfg, node, "kafka.Kafka", str(paths.kafka_node_properties(node)))
            pids[node] = procs.spawn_detached(
                cmd, log=paths.log(part), pid_file=paths.pid_file(part), env=os.environ
            )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for node, pid in pids.items():
            if not procs.is_alive(pid):
                procs.remove_pid(paths.pid_file(paths.kafka_node_part(node)))
                message = _failure(f"{cfg.name(node)} exited during start-up", paths, node)
                stop(paths, nodes=missing)  # the others this call started must not linger
                raise StackError(message)
        if healthy(cfg, access, timeout=2.0):
            return bool(missing)
        time.sleep(0.3)
    seen = _seen(cfg, cfg.nodes, 2.0, access)
    lagging = [n for n, ids in seen.items() if not ids or n not in ids]
    node = lagging[0] if lagging else cfg.nodes[0]
    message = _failure(f"{cfg.name(node)} did not become ready within {timeout:.0f} s", paths, node)
    stop(paths, nodes=missing)  # brokers we started but cannot use must not linger on the ports
    raise StackError(message)


def _failure(headline: str, paths: StatePaths, node: int = 1) -> str:
    log = paths.log(paths.kafka_node_part(node))
    return f"{headline}. Last lines of {log}:\n{procs.log_tail(log, 30)}"


def _stop_node(paths: StatePaths, node: int, timeout: float) -> bool:
    pid = running_pid(paths, node)
    if pid is not None:
        procs.stop_pid(pid, marker=marker(paths, node), term_timeout=timeout)
    procs.remove_pid(paths.pid_file(paths.kafka_node_part(node)))
    return pid is not None


def stop(
    paths: StatePaths, timeout: float = STOP_TIMEOUT, *, nodes: Sequence[int] | None = None
) -> bool:
    """SIGTERM (controlled shutdown), SIGKILL after ``timeout``; True when any node ran.

    Without ``nodes``: every node of the state folder, all at once, so each broker's
    controlled shutdown still finds a controller quorum.
    """
    targets = list(nodes) if nodes is not None else known_nodes(paths)
    if not targets:
        return False
    with ThreadPoolExecutor(max_workers=len(targets), thread_name_prefix="chidao-kafka") as pool:
        jobs = [pool.submit(_stop_node, paths, node, timeout) for node in targets]
        return any([job.result() for job in jobs])


def kill_node(paths: StatePaths, node: int, sig: int = signal.SIGKILL) -> int:
    """Send ``sig`` to one node (tests crash a broker with SIGKILL); returns its pid.

    ``start`` brings it back: it starts whichever nodes do not run.
    """
    pid = running_pid(paths, node)
    if pid is None:
        raise StackError(f"Kafka node {node} is not running")
    os.kill(pid, sig)
    if sig == signal.SIGKILL:
        procs.wait_until(lambda: not procs.is_alive(pid), 10.0, 0.05)
    return pid
