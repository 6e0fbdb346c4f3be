"""docker-compose.yml cannot run on these machines, so keep it honest by reading it:
every service the project has runs there with every variable its settings need."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

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


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    return data


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
        assert env["KAFKA_BOOTSTRAP_SERVERS"].split(":")[0] in services
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
    env = services["kafka"]["environment"]
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
    assert "DNS:kafka" in names and "DNS:localhost" in names
    for secret in ("ca.key", "kafka.p12"):
        assert stat.S_IMODE((out / secret).stat().st_mode) == 0o600, secret
    tracked = subprocess.run(
        ["git", "check-ignore", "-q", "deploy/kafka-tls/out/ca.key"], cwd=REPO_ROOT
    )
    assert tracked.returncode == 0, "certificates must never be committed"
