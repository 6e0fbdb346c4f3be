"""What a client reads in each service's OpenAPI document: the sign-in scheme and the
error shapes every route may answer with."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

SERVICES = ("directives", "tasks", "inspections", "reporting")
# What answers without a token: the probes, and the documents that describe the API
# (FastAPI's /openapi.json, the event catalogue), which hold no data.
OPEN_PATHS = ("/health", "/health/live", "/health/ready", "/v1/asyncapi.yaml")


def _openapi(service: str, tmp_path: Any) -> dict[str, Any]:
    app_module = importlib.import_module(f"services.{service}.app")
    settings_module = importlib.import_module(f"services.{service}.settings")
    settings_class = next(
        getattr(settings_module, name)
        for name in dir(settings_module)
        if name.endswith("Settings") and name != "ServiceSettings"
    )
    settings = settings_class(state_dir=tmp_path)  # nothing is connected: the spec only
    spec: dict[str, Any] = app_module.build_app(settings).openapi()
    return spec


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_declares_the_bearer_scheme_and_the_error_shapes(
    service: str, tmp_path: Any
) -> None:
    spec = _openapi(service, tmp_path)
    scheme = spec["components"]["securitySchemes"]["oidc"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    routes = [
        (path, method, op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if path.startswith("/v1/") and path not in OPEN_PATHS
    ]
    assert routes
    for path, method, op in routes:
        where = f"{method.upper()} {path}"
        assert {"oidc": []} in op.get("security", []), f"{where}: no bearer scheme"
        for status in ("401", "403", "404", "409", "422"):
            assert status in op["responses"], f"{where}: {status} undocumented"
        forbidden = op["responses"]["403"]["content"]["application/json"]["schema"]["$ref"]
        assert forbidden.endswith("/CodedErrorOut")
        invalid = op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
        assert invalid.endswith("/InvalidOut")  # the real shape: field + message
    # Probes and the documents answer without a token.
    for open_path in OPEN_PATHS:
        assert "security" not in spec["paths"][open_path]["get"]
