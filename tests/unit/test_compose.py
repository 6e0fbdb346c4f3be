"""docker-compose.yml cannot run on these machines, so keep it honest by reading it:
every service the project has runs there with every variable its settings need, on a
three-broker Kafka that keeps its data, with a health check on every long-running
container, and the whole file valid against the Compose Specification's schema."""

from __future__ import annotations

import importlib
import importlib.resources
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from shared.settings import REPO_ROOT, ServiceSettings, deployment_variables

SERVICES = {
    "directives": "services.directives.settings:DirectivesSettings",
    "tasks": "services.tasks.settings:TasksSettings",
    "inspections": "services.inspections.settings:InspectionsSettings",
    "reporting": "services.reporting.settings:ReportingSettings",
}


def settings_class(path: str) -> type[ServiceSettings]:
    module, name = path.split(":")
    cls: type[ServiceSettings] = getattr(importlib.import_module(module), name)
    return cls


BROKERS = ("kafka-1", "kafka-2", "kafka-3")


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    return data


def compose_spec() -> dict[str, Any]:
    # The Compose Specification's JSON Schema as check-jsonschema (pinned) vendors it
    # from SchemaStore, with its licence in the same package: nothing fetched.
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    spec: dict[str, Any] = json.loads((vendor / "compose-spec.json").read_text())
    assert (vendor / "licenses" / "LICENSE.compose-spec").is_file()
    return spec


def test_the_file_is_valid_against_the_compose_specification() -> None:
    validator = jsonschema.Draft202012Validator(compose_spec())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compose())]
    assert not errors, "\n".join(errors[:10])
    broken = compose()
    broken["services"]["directives"]["depends_on"]["keycloak"] = {"condition": "up"}
    assert not validator.is_valid(broken), "the schema must catch a wrong condition"


def test_every_service_runs_its_module_with_the_variables_it_needs() -> None:
    services = compose()["services"]
    for name, path in SERVICES.items():
        assert name in services, f"{name} is missing from docker-compose.yml"
        spec = services[name]
        assert spec["command"][-1] == f"services.{name}"
        env = spec.get("environment", {})
        missing = deployment_variables(settings_class(path)) - set(env)
        assert not missing, f"{name}: docker-compose.yml does not set {sorted(missing)}"
        port = str(env[f"{name.upper()}_PORT"])
        assert any(str(p).endswith(f":{port}") for p in spec.get("ports", [])), f"{name} port"


def test_each_service_has_its_own_database_and_kafka_is_the_shared_bus() -> None:
    services = compose()["services"]
    hosts = set()
    for name in SERVICES:
        env = services[name]["environment"]
        url = env[f"{name.upper()}_DATABASE_URL"]
        host = url.split("@")[1].split(":")[0]
        assert host in services, f"{name}: database host {host} is not a compose service"
        hosts.add(host)
        bootstrap = [a.split(":")[0] for a in env["KAFKA_BOOTSTRAP_SERVERS"].split(",")]
        assert bootstrap == list(BROKERS), f"{name}: bootstrap on every broker"
    assert len(hosts) == len(SERVICES), "services must not share a database"


def test_keycloak_imports_the_realm_and_every_service_trusts_its_issuer() -> None:
    from chidao.stack import keycloak

    services = compose()["services"]
    kc = services["keycloak"]
    # One Keycloak version everywhere: the image here, the local stack's Maven dist.
    assert kc["image"] == f"quay.io/keycloak/keycloak:{keycloak.VERSION}"
    pom = (REPO_ROOT / "stack" / "keycloak" / "pom.xml").read_text()
    assert f"<keycloak.version>{keycloak.VERSION}</keycloak.version>" in pom
    assert kc["command"][0] == "start-dev" and "--import-realm" in kc["command"]
    realm = "./stack/keycloak/chidao-realm.json:/opt/keycloak/data/import/chidao-realm.json"
    assert any(str(v).startswith(realm) for v in kc["volumes"])
    env = kc["environment"]
    assert str(env["KC_BOOTSTRAP_ADMIN_PASSWORD"]).startswith("${"), "no literal admin secret"
    issuer = f"{env['KC_HOSTNAME']}/realms/{keycloak.REALM}"
    for name in SERVICES:
        assert services[name]["environment"]["CHIDAO_OIDC_ISSUER"] == issuer, name
        assert "keycloak" in services[name]["depends_on"], name


def test_kafka_authenticates_everyone_and_each_service_is_its_own_principal() -> None:
    from chidao.stack.kafka_security import SERVICE_PRINCIPALS

    services = compose()["services"]
    for broker in BROKERS:
        _broker_is_secured(services[broker]["environment"])
    _passwords_are_variables(services)
    setup = services["kafka-setup"]
    assert setup["command"][-1] == "chidao.stack.kafka_setup"
    for name in SERVICE_PRINCIPALS:
        spec = services[name]
        service_env = spec["environment"]
        assert service_env["KAFKA_USERNAME"] == name
        assert service_env["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
        assert service_env["KAFKA_SSL_CAFILE"] == "/certs/ca.crt"
        assert "./deploy/kafka-tls/out/ca.crt:/certs/ca.crt:ro" in spec["volumes"]
        assert service_env["KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
        variable = f"{name.upper()}_KAFKA_PASSWORD"
        assert service_env["KAFKA_PASSWORD"].startswith(f"${{{variable}:?"), name
        assert setup["environment"][variable] == service_env["KAFKA_PASSWORD"], name
        assert spec["depends_on"]["kafka-setup"] == {"condition": "service_completed_successfully"}


def _broker_is_secured(env: dict[str, Any]) -> None:
    protocols = dict(p.split(":") for p in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    # Every listener authenticates; every one a client or another broker uses is TLS
    # (the controller's carries the quorum only, inside the container network).
    assert {p: v for p, v in protocols.items() if p != "CONTROLLER"} == dict.fromkeys(
        ("CLIENT", "ADMIN", "EXTERNAL"), "SASL_SSL"
    ), "a client listener without TLS or without authentication"
    assert protocols["CONTROLLER"] == "SASL_PLAINTEXT"
    assert env["KAFKA_SSL_KEYSTORE_PASSWORD"].startswith("${KAFKA_KEYSTORE_PASSWORD:?")
    assert env["KAFKA_AUTHORIZER_CLASS_NAME"].endswith("StandardAuthorizer")
    assert env["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert env["KAFKA_SUPER_USERS"] == "User:admin;User:controller"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def _passwords_are_variables(services: dict[str, Any]) -> None:
    text = (REPO_ROOT / "docker-compose.yml").read_text()
    # No secret is written in the file: every password is a required variable.
    for value in re.findall(r'(?:password|user_\w+)="([^"]*)"', text):
        assert value.startswith("${") or value == "%s", value
    for spec in services.values():
        for key, value in (spec.get("environment") or {}).items():
            if key.endswith("PASSWORD"):
                assert str(value).startswith("${"), key
            if key.endswith("DATABASE_URL"):  # the password part of the URL too
                assert re.match(r"postgresql\+asyncpg://\w+:\$\{\w+:\?", str(value)), key


def test_three_brokers_keep_their_data_on_their_volume_and_replicate_each_write() -> None:
    data = compose()
    services = data["services"]
    voters = {f"{n}@{broker}:9093" for n, broker in enumerate(BROKERS, start=1)}
    published = set()
    for n, broker in enumerate(BROKERS, start=1):
        env = services[broker]["environment"]
        assert env["KAFKA_NODE_ID"] == n
        assert set(env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")) == voters
        # Generated once per cluster, never the image's built-in id.
        assert env["CLUSTER_ID"].startswith("${KAFKA_CLUSTER_ID:?"), broker
        # The data directory is the mounted volume, not the image's /tmp.
        # "source:target[:mode]" -> {target: source}
        mounts = {v.split(":")[1]: v.split(":")[0] for v in services[broker]["volumes"]}
        volume = mounts.get(env["KAFKA_LOG_DIRS"])
        assert volume in data["volumes"], f"{broker}: {env['KAFKA_LOG_DIRS']} is not a volume"
        assert sum(v == volume for v in mounts.values()) == 1
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == 3
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == 2
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == 3
        assert env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] == 2
        external = next(
            a for a in env["KAFKA_ADVERTISED_LISTENERS"].split(",") if a.startswith("EXTERNAL")
        )
        port = external.rsplit(":", 1)[1]
        assert f"{port}:{port}" in services[broker]["ports"]
        assert f"CLIENT://{broker}:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
        published.add(port)
    assert len(published) == len(BROKERS)
    volumes = [services[b]["volumes"][0].split(":")[0] for b in BROKERS]
    assert len(set(volumes)) == len(BROKERS), "one volume per broker"
    # The topics are made with the same replication by kafka-setup, and by a service
    # that would have to create one.
    for name in ("kafka-setup", *SERVICES):
        env = services[name]["environment"]
        assert (env["KAFKA_REPLICATION_FACTOR"], env["KAFKA_MIN_INSYNC_REPLICAS"]) == (3, 2), name


def test_every_long_running_container_has_a_health_check() -> None:
    services = compose()["services"]
    for name, spec in services.items():
        one_shot = spec.get("restart") == "on-failure"
        assert one_shot or "healthcheck" in spec, f"{name} has no health check"
        for dependency, condition in (spec.get("depends_on") or {}).items():
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits on {dependency}"
    for name in SERVICES:
        env = services[name]["environment"]
        probe = " ".join(services[name]["healthcheck"]["test"])
        assert f"127.0.0.1:{env[f'{name.upper()}_PORT']}/health/ready" in probe, name
    jaeger = services["jaeger"]
    assert re.fullmatch(r"jaegertracing/jaeger:2\.\d+\.\d+", jaeger["image"]), "Jaeger v2"
    for name in SERVICES:
        assert services[name]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://jaeger:4318"


def test_the_certificate_script_makes_a_broker_certificate_its_ca_signs(tmp_path: Path) -> None:
    """The broker's certificate (docker-compose's SASL_SSL) chains to the CA the clients
    trust and names the hosts they connect to; keys are readable by their owner only."""
    import os
    import stat
    import subprocess

    out = tmp_path / "certs"
    env = {**os.environ, "KAFKA_KEYSTORE_PASSWORD": "only-for-this-test"}
    script = REPO_ROOT / "deploy" / "kafka-tls" / "make-certs.sh"
    subprocess.run([str(script), str(out)], env=env, check=True, capture_output=True)
    cert = subprocess.run(
        [
            "openssl",
            "pkcs12",
            "-in",
            str(out / "kafka.p12"),
            "-nokeys",
            "-clcerts",
            "-passin",
            "env:KAFKA_KEYSTORE_PASSWORD",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    (tmp_path / "kafka.pem").write_text(cert)
    verified = subprocess.run(
        ["openssl", "verify", "-CAfile", str(out / "ca.crt"), str(tmp_path / "kafka.pem")],
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    names = subprocess.run(
        ["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", str(tmp_path / "kafka.pem")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for host in (*BROKERS, "localhost"):
        assert f"DNS:{host}," in names + ",", host
    for secret in ("ca.key", "kafka.p12"):
        assert stat.S_IMODE((out / secret).stat().st_mode) == 0o600, secret
    tracked = subprocess.run(
        ["git", "check-ignore", "-q", "deploy/kafka-tls/out/ca.key"], cwd=REPO_ROOT
    )
    assert tracked.returncode == 0, "certificates must never be committed"
