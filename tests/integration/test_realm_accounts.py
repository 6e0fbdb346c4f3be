"""A state folder made before a demo account existed gets it on the next start: the
realm file's new users are added to the running Keycloak, existing ones left alone."""

from __future__ import annotations

import httpx
import pytest

from chidao.client import ScenarioError
from chidao.people import DEMO_PASSWORD, password_grant
from chidao.stack import keycloak
from tests.integration.conftest import Platform

GONE = "ccb.sxd"  # a unit head no other test signs in as
CHANGED = "cdcq.sxd"


def test_accounts_added_to_the_realm_file_since_are_added_and_others_left_alone(
    platform: Platform,
) -> None:
    issuer = platform.stack.oidc_issuer
    base, realm = issuer.rsplit("/realms/", 1)
    password = platform.stack.keycloak_admin_password()
    admin = keycloak.token(f"{base}/realms/master", "admin", password, client_id="admin-cli")
    users = f"{base}/admin/realms/{realm}/users"
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {admin}"}) as kc:

        def user(username: str) -> dict[str, object]:
            (found,) = kc.get(users, params={"username": username, "exact": "true"}).json()
            return dict(found)

        # As if the realm had been imported before these two were in the file: one
        # missing, the other since renamed by the department's administrator.
        kc.delete(f"{users}/{user(GONE)['id']}").raise_for_status()
        changed = user(CHANGED)
        kc.put(f"{users}/{changed['id']}", json={"firstName": "Đổi tên"}).raise_for_status()
        with pytest.raises(ScenarioError, match="Invalid user credentials"):
            password_grant(issuer, GONE, DEMO_PASSWORD)

        keycloak.add_new_accounts(platform.stack.keycloak, password)

        assert password_grant(issuer, GONE, DEMO_PASSWORD)["access_token"]
        assert user(GONE)["attributes"] == {"agency": ["sxd-thanhhoa"], "unit": ["CCB"]}
        assert user(CHANGED)["firstName"] == "Đổi tên"  # skipped: it exists
        kc.put(
            f"{users}/{changed['id']}", json={"firstName": changed["firstName"]}
        ).raise_for_status()
