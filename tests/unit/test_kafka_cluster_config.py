"""The Kafka nodes' generated configuration, one node and a three-node cluster (no processes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chidao.stack import kafka
from chidao.stack.kafka_security import KafkaCredentials, stack_principals
from chidao.stack.paths import StatePaths
from chidao.stack.procs import StackError
from chidao.stack.stack import LocalStack

LIBS = Path("/nonexistent/libs")


CREDS = KafkaCredentials({name: f"pw-{name}" for name in stack_principals()})


def _props(paths: StatePaths, cfg: kafka.KafkaSettings, node: int) -> dict[str, str]:
    text = kafka.server_properties(paths, cfg, node, CREDS)
    pairs = (line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return dict(pairs)


@pytest.fixture(autouse=True)
def _no_broker_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KAFKA_BROKERS", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_three_nodes_are_voters_brokers_and_replicate_three_times(tmp_path: Path) -> None:
    paths = StatePaths(tmp_path)
    cfg = kafka.KafkaSettings(port=9092, controller_port=9093, libs=LIBS, brokers=3)
    voters = "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097"
    for node, (port, controller) in enumerate(((9092, 9093), (9094, 9095), (9096, 9097)), 1):
        props = _props(paths, cfg, node)
        assert props["process.roles"] == "broker,controller"
        assert props["node.id"] == str(node)
        assert props["controller.quorum.voters"] == voters
        assert props["listeners"] == (
            f"CLIENT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}"
        )
        assert props["advertised.listeners"] == f"CLIENT://127.0.0.1:{port}"
        assert props["inter.broker.listener.name"] == "CLIENT"
        assert props["log.dirs"] == str(paths.kafka_node_data(node))
        assert props["default.replication.factor"] == "3"
        assert props["min.insync.replicas"] == "2"
        assert props["offsets.topic.replication.factor"] == "3"
        assert props["transaction.state.log.replication.factor"] == "3"
        assert props["transaction.state.log.min.isr"] == "2"
        assert props["share.coordinator.state.topic.replication.factor"] == "3"
        assert props["share.coordinator.state.topic.min.isr"] == "2"
        assert props["auto.create.topics.enable"] == "false"
        assert props["num.partitions"] == "6"
    assert cfg.bootstrap == "127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096"


def test_node_one_keeps_the_single_node_layout(tmp_path: Path) -> None:
    paths = StatePaths(tmp_path)
    assert paths.kafka_node_data(1) == paths.kafka_data == tmp_path / "kafka" / "data"
    assert paths.kafka_node_properties(1) == paths.kafka_properties
    assert paths.kafka_node_part(1) == "kafka"
    assert paths.kafka_node_data(2) == tmp_path / "kafka" / "node-2" / "data"
    assert paths.kafka_node_part(3) == "kafka-3"
    # Each node's pid is tied to its own properties file, never another node's.
    assert kafka.marker(paths, 1) not in kafka.marker(paths, 2)


def test_a_single_node_keeps_replication_one(tmp_path: Path) -> None:
    cfg = kafka.KafkaSettings(port=49092, controller_port=49093, libs=LIBS)
    props = _props(StatePaths(tmp_path), cfg, 1)
    assert props["controller.quorum.voters"] == "1@127.0.0.1:49093"
    assert props["listeners"] == "CLIENT://127.0.0.1:49092,CONTROLLER://127.0.0.1:49093"
    for key in (
        "default.replication.factor",
        "min.insync.replicas",
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor",
        "share.coordinator.state.topic.min.isr",
    ):
        assert props[key] == "1", key
    assert cfg.bootstrap == "127.0.0.1:49092"


def test_two_brokers_and_colliding_ports_are_refused() -> None:
    with pytest.raises(StackError, match="1 broker or at least 3"):
        kafka.KafkaSettings(port=9092, controller_port=9093, libs=LIBS, brokers=2)
    with pytest.raises(StackError, match="ports collide"):
        kafka.KafkaSettings(port=9092, controller_port=9094, libs=LIBS, brokers=3)


def test_services_get_the_cluster_replication(tmp_path: Path) -> None:
    cluster = LocalStack(tmp_path / "c", kafka_brokers=3, kafka_libs=LIBS)
    env = cluster.services.env("tasks")
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096"
    assert env["KAFKA_REPLICATION_FACTOR"] == "3"
    assert env["KAFKA_MIN_INSYNC_REPLICAS"] == "2"
    single = LocalStack(tmp_path / "s", kafka_libs=LIBS).services.env("tasks")
    assert (single["KAFKA_REPLICATION_FACTOR"], single["KAFKA_MIN_INSYNC_REPLICAS"]) == ("1", "1")


def test_the_state_folder_keeps_its_broker_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = StatePaths(tmp_path)
    assert kafka.state_brokers(paths) is None  # never started: any count
    paths.kafka_data.mkdir(parents=True)
    (paths.kafka_data / "meta.properties").write_text("node.id=1\n")
    assert kafka.state_brokers(paths) == 1  # formatted before counts were recorded
    cfg = kafka.KafkaSettings(port=9092, controller_port=9093, libs=LIBS, brokers=3)
    with pytest.raises(StackError, match=r"1-broker cluster, not 3.*chidao down && chidao reset"):
        kafka.start(paths, cfg)  # refused before any port, jar or process is touched

    paths.kafka_brokers.write_text("3\n")
    (paths.kafka_dir / "node-2" / "data").mkdir(parents=True)
    assert LocalStack(tmp_path, kafka_libs=LIBS).kafka.brokers == 3  # none asked: the state's
    monkeypatch.setenv("KAFKA_BROKERS", "1")
    assert LocalStack(tmp_path, kafka_libs=LIBS).kafka.brokers == 1
    assert kafka.known_nodes(paths) == [1, 2, 3]  # down stops them all, whatever was asked

    LocalStack(tmp_path, kafka_libs=LIBS).reset()
    assert kafka.state_brokers(paths) is None
    assert not (paths.kafka_dir / "node-2").exists()
