"""The Kubernetes manifests (deploy/k8s/base), validated offline against the API schemas
that kubernetes-validate bundles (strict: an unknown field is an error), and read for
what a deployment needs: probes, resources, secrets by reference, several replicas."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from shared.settings import REPO_ROOT, deployment_variables
from tests.unit.test_compose import SERVICES, settings_class

BASE = REPO_ROOT / "deploy" / "k8s" / "base"
EXAMPLE = "secret.example.yaml"
# The three newest Kubernetes minor versions the pinned package knows.
VERSIONS = sorted(
    {kubernetes_validate.utils.major_minor(v) for v in kubernetes_validate.utils.all_versions()},
    key=lambda v: tuple(int(p) for p in v.split(".")),
)[-3:]


def documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def manifests() -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{p.name}:{d['kind']}/{d['metadata']['name']}", d)
        for p in sorted(BASE.glob("*.yaml"))
        if p.name != "kustomization.yaml"
        for d in documents(p)
    ]


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for _, d in manifests() if d["kind"] == kind}


def test_the_kustomization_lists_every_manifest_but_the_secret_example() -> None:
    kustomization = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    files = {p.name for p in BASE.glob("*.yaml")} - {"kustomization.yaml", EXAMPLE}
    assert set(kustomization["resources"]) == files
    assert kustomization["namespace"] == "chidao"


@pytest.mark.parametrize("version", VERSIONS)
def test_every_manifest_is_valid_for_the_kubernetes_api(version: str) -> None:
    found = manifests()
    assert len(found) >= 16
    for where, document in found:
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            raise AssertionError(f"{where} (Kubernetes {version}): {exc.message}") from None


def test_the_validation_refuses_a_wrong_manifest() -> None:
    deployment = copy.deepcopy(by_kind("Deployment")["tasks"])
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinessProbe"]["httpGet"]["paht"] = "/health/ready"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, VERSIONS[-1], strict=True)
    container = copy.deepcopy(by_kind("Deployment")["tasks"])
    container["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(container, VERSIONS[-1], strict=True)


def _env_names(container: dict[str, Any], configmaps: dict[str, dict[str, Any]]) -> set[str]:
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        names |= set(configmaps[source["configMapRef"]["name"]]["data"])
    return names


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_runs_replicated_with_probes_resources_and_secrets(service: str) -> None:
    deployment = by_kind("Deployment")[service]
    spec = deployment["spec"]
    assert spec["replicas"] >= 2, "several replicas (the relay elects one, consumers share)"
    pod = spec["template"]
    assert spec["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["spec"]["containers"]
    assert container["command"] == ["python", "-m", f"services.{service}"]
    env = {e["name"]: e for e in container["env"]}
    port = int(env[f"{service.upper()}_PORT"]["value"])
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][kind]), kind
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert "/var/lib/chidao" in mounts, "the state folder (CHIDAO_STATE_DIR) is writable"
    # Everything the settings need in a deployment is set; secrets by reference only.
    configmaps = by_kind("ConfigMap")
    missing = deployment_variables(settings_class(SERVICES[service])) - _env_names(
        container, configmaps
    )
    assert not missing, f"{service}: not set {sorted(missing)}"
    for name in ("KAFKA_PASSWORD", f"{service.upper()}_DATABASE_URL"):
        assert "value" not in env[name], f"{name} must come from a Secret"
        assert env[name]["valueFrom"]["secretKeyRef"]["name"] == f"chidao-{service}"
    service_object = by_kind("Service")[service]
    assert service_object["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert service_object["spec"]["ports"][0]["targetPort"] == "http"
    budget = by_kind("PodDisruptionBudget")[service]
    assert budget["spec"]["minAvailable"] < spec["replicas"]


def test_no_secret_value_is_committed_and_the_example_has_the_keys_read() -> None:
    for where, document in manifests():
        if document["kind"] == "Secret":
            assert where.startswith(EXAMPLE), f"{where}: a Secret outside the example"
            for key, value in document["stringData"].items():
                assert "CHANGE-ME" in value, f"{where}: {key} is not a placeholder"
    example = documents(BASE / EXAMPLE)[0]
    container = by_kind("Deployment")["directives"]["spec"]["template"]["spec"]["containers"][0]
    keys = {
        e["valueFrom"]["secretKeyRef"]["key"]
        for e in container["env"]
        if "secretKeyRef" in e.get("valueFrom", {})
    }
    assert keys == set(example["stringData"])


def test_the_network_policy_opens_the_http_port_of_every_service_pod_and_nothing_else() -> None:
    (policy,) = by_kind("NetworkPolicy").values()
    selector = policy["spec"]["podSelector"]["matchLabels"]
    for deployment in by_kind("Deployment").values():
        assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    assert policy["spec"]["ingress"] == [{"ports": [{"protocol": "TCP", "port": "http"}]}]
