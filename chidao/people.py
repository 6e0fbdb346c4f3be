"""The people of the demo realm, signed in: who plays which part of the year.

The demo and the tests act as the people who do the work (the clerk imports, the
leader issues, each unit's head reports on its own tasks, the inspector inspects), each
with a real token from the identity provider. Who is who is read from the realm file
(`stack/keycloak/chidao-realm.json`), the one source of the demo accounts; the
password `chidao-demo` is for that dev realm only.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from chidao.client import ScenarioError

REALM_FILE = Path(__file__).resolve().parent.parent / "stack" / "keycloak" / "chidao-realm.json"
DEMO_PASSWORD = "chidao-demo"  # the dev realm's, documented in the README; never a real one
CLIENT_ID = "chidao-cli"


@dataclass(frozen=True)
class Person:
    username: str
    roles: frozenset[str]
    agency: str | None
    unit: str | None


def realm_people(realm_file: Path = REALM_FILE) -> list[Person]:
    realm = json.loads(realm_file.read_text(encoding="utf-8"))
    return [person_of(u) for u in realm["users"]]


def person_of(user: dict[str, Any]) -> Person:
    attributes = user.get("attributes") or {}

    def first(name: str) -> str | None:
        values = attributes.get(name) or []
        return str(values[0]) if values else None

    return Person(
        username=user["username"],
        roles=frozenset(user.get("realmRoles") or ()),
        agency=first("agency"),
        unit=first("unit"),
    )


def password_grant(issuer: str, username: str, password: str) -> dict[str, Any]:
    """Tokens for a user by the password grant of the public CLI client."""
    try:
        response = httpx.post(
            f"{issuer}/protocol/openid-connect/token",
            data={
                "client_id": CLIENT_ID,
                "grant_type": "password",
                "username": username,
                "password": password,
                "scope": "openid",
            },
            timeout=30,
        )
    except httpx.HTTPError as exc:
        raise ScenarioError(f"identity provider not reachable at {issuer}: {exc}") from None
    if response.status_code != 200:
        reason = response.json().get("error_description", response.text[:200])
        raise ScenarioError(f"sign-in of {username} refused: {reason}")
    tokens: dict[str, Any] = response.json()
    return tokens


@dataclass
class People:
    """Signed-in people of one department, found by what they do."""

    issuer: str
    agency: str
    people: list[Person]
    password: str = DEMO_PASSWORD
    _tokens: dict[str, tuple[str, float]] = field(default_factory=dict)

    def username(self, role: str, unit: str | None = None) -> str:
        for p in self.people:
            # Operators and the province's readers belong to no department.
            here = p.agency == self.agency or p.agency is None
            if role in p.roles and here and (unit is None or p.unit == unit):
                return p.username
        where = f" of unit {unit}" if unit else ""
        raise ScenarioError(f"no {role}{where} in {self.agency} among the demo accounts")

    def token(self, username: str) -> str:
        cached = self._tokens.get(username)
        if cached and cached[1] > time.monotonic() + 30:
            return cached[0]
        tokens = password_grant(self.issuer, username, self.password)
        self._tokens[username] = (
            str(tokens["access_token"]),
            time.monotonic() + float(tokens.get("expires_in", 60)),
        )
        return str(tokens["access_token"])

    def headers(self, role: str, unit: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(self.username(role, unit))}"}

    def as_user(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}


def people_of(issuer: str, agency: str, persons: Iterable[Person] | None = None) -> People:
    return People(issuer, agency, list(persons if persons is not None else realm_people()))


def clone_department(
    issuer: str,
    admin_password: str,
    source_agency: str,
    agency: str,
    suffix: str,
    realm_file: Path = REALM_FILE,
) -> list[Person]:
    """Accounts for a copy of a department (the integration tests play their year in an
    agency of their own): every demo account of `source_agency`, created again through
    the admin API with `agency` and the user name suffixed."""
    base, realm = issuer.rsplit("/realms/", 1)
    admin = httpx.post(
        f"{base}/realms/master/protocol/openid-connect/token",
        data={
            "client_id": "admin-cli",
            "grant_type": "password",
            "username": "admin",
            "password": admin_password,
        },
        timeout=30,
    )
    admin.raise_for_status()
    headers = {"Authorization": f"Bearer {admin.json()['access_token']}"}
    users = json.loads(realm_file.read_text(encoding="utf-8"))["users"]
    created = []
    with httpx.Client(timeout=30, headers=headers) as http:
        for user in users:
            if person_of(user).agency != source_agency:
                continue
            copy = {
                **{k: v for k, v in user.items() if k != "realmRoles"},
                "username": f"{user['username']}.{suffix}",
                "email": f"{user['username']}.{suffix}@chidao.invalid",
                "attributes": {**user["attributes"], "agency": [agency]},
            }
            response = http.post(f"{base}/admin/realms/{realm}/users", json=copy)
            if response.status_code not in (201, 409):
                raise ScenarioError(f"creating {copy['username']}: {response.text[:200]}")
            found = http.get(
                f"{base}/admin/realms/{realm}/users",
                params={"username": copy["username"], "exact": "true"},
            ).json()[0]
            roles = [
                http.get(f"{base}/admin/realms/{realm}/roles/{name}").json()
                for name in user.get("realmRoles") or ()
            ]
            http.post(
                f"{base}/admin/realms/{realm}/users/{found['id']}/role-mappings/realm", json=roles
            ).raise_for_status()
            created.append(person_of({**copy, "realmRoles": user.get("realmRoles")}))
    return created
