"""The event catalogue (contracts/asyncapi.yaml): valid AsyncAPI 3.0, true to the
contracts and the envelope, served by every service without a token."""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from fastapi.testclient import TestClient
from referencing import Registry
from referencing.exceptions import NoSuchResource

from chidao import contracts
from shared import catalogue
from shared.contracts.envelope import Envelope, publisher_source
from shared.contracts.events import ALL_EVENTS, PUBLIC_TOPICS, PUBLISHERS
from shared.settings import REPO_ROOT
from tests.unit.test_contracts import sample

VENDOR = REPO_ROOT / "tests" / "vendor" / "asyncapi"
SPEC_SHA256 = "d4571a420e6ffb7fcc7066c95a6db1202f299a3c51daa103d0706bf30f95e626"
SERVICES = ("directives", "tasks", "inspections", "reporting")


def _offline(uri: str) -> Any:
    # The spec is bundled: nothing is fetched, ever (referencing's attrs classes are
    # not seen through by mypy, hence the ignores).
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


@functools.cache
def asyncapi_validator() -> jsonschema.Draft7Validator:
    raw = (VENDOR / "asyncapi-3.0.0.schema.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SPEC_SHA256, "see tests/vendor/asyncapi/README.md"
    schema = json.loads(raw)
    assert schema["$schema"].startswith("http://json-schema.org/draft-07/")
    return jsonschema.Draft7Validator(schema, registry=Registry(retrieve=_offline))  # type: ignore[call-arg]


@functools.cache
def committed() -> dict[str, Any]:
    # Cached: tests that change it work on a deep copy.
    doc: dict[str, Any] = yaml.safe_load((contracts.CONTRACTS_DIR / "asyncapi.yaml").read_text())
    return doc


def test_the_catalogue_is_a_valid_asyncapi_3_document() -> None:
    doc = committed()
    assert doc["asyncapi"] == "3.0.0"
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in asyncapi_validator().iter_errors(doc)
    ]
    assert not errors, "\n".join(errors[:10])


@pytest.mark.parametrize(
    "break_it",
    [
        lambda d: d["operations"][next(iter(d["operations"]))].update(action="publish"),
        lambda d: d["servers"]["production"].pop("protocol"),
        lambda d: d["components"]["securitySchemes"]["scramSha512"].update(type="scram"),
        lambda d: d["channels"]["chidao.tasks.v1"]["bindings"]["kafka"].update(partitions="6"),
        lambda d: d["components"]["messages"]["chidao.task.overdue.v1"].update(headers=[]),
    ],
    ids=["2.x action", "no protocol", "unknown sasl", "partitions not int", "headers a list"],
)
def test_the_validator_refuses_a_broken_document(break_it: Any) -> None:
    doc = copy.deepcopy(committed())
    break_it(doc)
    assert not asyncapi_validator().is_valid(doc)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _pointer(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    target: Any = doc
    for part in ref[2:].split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target


def test_every_reference_points_inside_the_document() -> None:
    # The JSON Schema of AsyncAPI cannot see a dangling $ref: follow each one.
    doc = committed()
    refs = set(_refs(doc))
    assert len(refs) > 40
    for ref in refs:
        _pointer(doc, ref)


def test_every_public_event_is_a_message_on_its_topic_sent_by_its_owner() -> None:
    doc = committed()
    assert set(doc["channels"]) == set(PUBLIC_TOPICS)
    assert not any(".dlq." in topic for topic in doc["channels"]), "dead letters are internal"
    for event in ALL_EVENTS:
        channel = doc["channels"][event.topic]
        assert channel["address"] == event.topic
        assert event.ce_type in channel["messages"]
        message = doc["components"]["messages"][event.ce_type]
        fixed = message["headers"]["allOf"][1]["properties"]
        assert fixed == {
            "ce_type": {"const": event.ce_type},
            "ce_source": {"const": publisher_source(event)},
        }
        assert message["payload"] == {"$ref": f"#/components/schemas/{event.__name__}"}
        key = message["bindings"]["kafka"]["key"]
        prop = doc["components"]["schemas"][event.__name__]["properties"][event.key_field]
        assert key["type"] == prop["type"]
        operation = doc["operations"][f"{PUBLISHERS[event.topic]}.send.{event.topic}"]
        assert operation["action"] == "send"
        assert {"$ref": f"#/channels/{event.topic}/messages/{event.ce_type}"} in operation[
            "messages"
        ]


def test_servers_authenticate_with_scram_and_leave_the_machine_only_over_tls() -> None:
    doc = committed()
    assert doc["components"]["securitySchemes"]["scramSha512"]["type"] == "scramSha512"
    for name, server in doc["servers"].items():
        assert server["security"] == [{"$ref": "#/components/securitySchemes/scramSha512"}]
        local = server["host"].startswith("127.0.0.1:")
        assert server["protocol"] == ("kafka" if local else "kafka-secure"), name


def _validator_for(doc: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft7Validator:
    # The schema evaluated inside the document, so that its #/components refs resolve.
    return jsonschema.Draft7Validator({**schema, "components": doc["components"]})


def test_a_real_envelope_matches_its_message() -> None:
    doc = committed()
    env = Envelope(
        event=sample(), source="chidao/tasks", traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01"
    )
    message = doc["components"]["messages"][env.type]
    headers = _validator_for(doc, message["headers"])
    assert not list(headers.iter_errors(env.headers()))
    payload = _validator_for(doc, message["payload"])
    assert not list(payload.iter_errors(json.loads(env.value())))
    # ...and it would tell a forged or a foreign message apart.
    assert not headers.is_valid({**env.headers(), "ce_source": "chidao/directives"})
    assert not headers.is_valid({**env.headers(), "ce_type": "chidao.task.completed.v1"})
    other = doc["components"]["messages"]["chidao.task.completed.v1"]
    assert not _validator_for(doc, other["payload"]).is_valid(json.loads(env.value()))


def _app(service: str, tmp_path: Path) -> Any:
    app_module = importlib.import_module(f"services.{service}.app")
    settings_module = importlib.import_module(f"services.{service}.settings")
    settings_class = next(
        getattr(settings_module, name)
        for name in dir(settings_module)
        if name.endswith("Settings") and name != "ServiceSettings"
    )
    return app_module.build_app(settings_class(state_dir=tmp_path))


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_serves_the_catalogue_without_a_token(service: str, tmp_path: Path) -> None:
    # Not entered as a context manager: no lifespan, so nothing is connected.
    client = TestClient(_app(service, tmp_path))
    response = client.get("/v1/asyncapi.yaml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(catalogue.MEDIA_TYPE)
    assert response.text == (contracts.CONTRACTS_DIR / "asyncapi.yaml").read_text()
    # The same app still wants a token everywhere else under /v1.
    assert client.get("/v1/clock").status_code == 401
