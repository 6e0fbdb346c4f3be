"""Keycloak in the local stack: the helpers on their own, then a real server.

The real one runs in a throwaway state folder on free ports, with Kafka and PostgreSQL
(``start_infra`` starts the three together). The distribution comes from the shared,
prepared folder (``.state/keycloak/dist``, or ``CHIDAO_KEYCLOAK_DIST``): unpacked and
built at most once per checkout. When Keycloak cannot start the test fails with the
server's log; it never skips.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from chidao.stack import LocalStack, StackError, keycloak
from chidao.stack.paths import StatePaths, keycloak_realm_file, repo_root
from tests.ports import free_port

AUDIENCE = "chidao-api"


# --- helpers, no process ----------------------------------------------------------------


def test_command_line_is_kc_sh_s_with_a_marker_of_the_state_folder(tmp_path: Path) -> None:
    paths = StatePaths(tmp_path)
    cfg = keycloak.KeycloakSettings(port=18443, dist=tmp_path / "dist")
    home = paths.keycloak_server
    args = keycloak.server_args(paths, cfg)
    cmd = keycloak.java_cmd("java", home, args, built=True, heap=["-Xmx256m"])

    assert keycloak.marker(paths) in " ".join(cmd)  # what running_pid checks
    assert keycloak.marker(StatePaths(tmp_path / "other")) not in " ".join(cmd)
    assert cmd[cmd.index("-cp") + 1 : cmd.index("-cp") + 3] == [
        str(home / "lib" / "quarkus-run.jar"),
        "io.quarkus.bootstrap.runner.QuarkusEntryPoint",
    ]
    assert f"-Dkc.home.dir={home}" in cmd
    assert "-Dkc.config.built=true" in cmd  # the image is prebuilt: no rebuild check
    assert "-Xmx256m" in cmd and "-Xmx512m" not in cmd
    assert "-Dkc.config.built=true" not in keycloak.java_cmd(
        "java", home, ["start-dev"], built=False, heap=[]
    )

    assert args[0] == "start-dev" and "--import-realm" in args
    assert "--db=dev-file" in args
    assert "--http-host=127.0.0.1" in args and "--http-port=18443" in args
    assert "--hostname=http://127.0.0.1:18443" in args  # the issuer, however it is reached
    url = next(a for a in args if a.startswith("--db-url="))
    assert url == (
        f"--db-url=jdbc:h2:file:{tmp_path / 'keycloak' / 'data' / 'keycloakdb'};NON_KEYWORDS=VALUE"
    )
    assert cfg.issuer == "http://127.0.0.1:18443/realms/chidao"


def test_environment_drops_keycloak_configuration_and_sets_the_bootstrap_admin() -> None:
    env = keycloak.server_env(
        {"PATH": "/bin", "KC_DB": "postgres", "QUARKUS_HTTP_PORT": "1", "JAVA_OPTS": "-Xmx9g"},
        "s3cret",
    )
    assert env == {
        "PATH": "/bin",
        "KC_BOOTSTRAP_ADMIN_USERNAME": "admin",
        "KC_BOOTSTRAP_ADMIN_PASSWORD": "s3cret",
    }
    assert keycloak.server_env({"KC_HTTP_PORT": "1", "LANG": "vi_VN"}, None) == {"LANG": "vi_VN"}
    assert keycloak.heap_options({}) == ["-Xms64m", "-Xmx512m"]
    assert keycloak.heap_options({"JAVA_OPTS_KC_HEAP": "-Xms32m -Xmx1g"}) == ["-Xms32m", "-Xmx1g"]


def test_admin_password_is_random_private_and_kept(tmp_path: Path) -> None:
    paths = StatePaths(tmp_path)
    first = keycloak.admin_password(paths)
    assert len(first) >= 20
    assert stat.S_IMODE(paths.keycloak_admin_password.stat().st_mode) == 0o600
    assert keycloak.admin_password(paths) == first
    assert keycloak.admin_password(StatePaths(tmp_path / "other")) != first


def _fake_dist(dist: Path, version: str) -> None:
    for rel in ("bin/kc.sh", "lib/lib/main/server.jar", "lib/quarkus/image.jar", "conf/kc.conf"):
        (dist / rel).parent.mkdir(parents=True, exist_ok=True)
        (dist / rel).write_text(f"{rel} {version}")
    (dist / ".chidao-complete").write_text(version)


def test_server_copy_links_the_jars_copies_what_may_change_and_has_the_realm(
    tmp_path: Path,
) -> None:
    dist, paths = tmp_path / "dist", StatePaths(tmp_path / "state")
    _fake_dist(dist, "v1")
    home = keycloak.prepare_server(paths, dist)

    def same(rel: str) -> bool:
        return (home / rel).stat().st_ino == (dist / rel).stat().st_ino

    assert home == paths.keycloak_server
    assert same("lib/lib/main/server.jar") and same("bin/kc.sh")
    assert not same("lib/quarkus/image.jar") and not same("conf/kc.conf")
    imported = home / "data" / "import" / "chidao-realm.json"
    assert imported.read_bytes() == keycloak_realm_file().read_bytes()

    (home / "data" / "tmp").mkdir()
    keycloak.prepare_server(paths, dist)  # same distribution: kept as is
    assert (home / "data" / "tmp").is_dir()

    _fake_dist(dist, "v2")  # another distribution: a new copy
    keycloak.prepare_server(paths, dist)
    assert (home / "conf" / "kc.conf").read_text() == "conf/kc.conf v2"
    assert not (home / "data" / "tmp").exists()


def test_stack_gives_the_services_the_issuer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEYCLOAK_PORT", "18555")
    stack = LocalStack(tmp_path, kafka_libs=tmp_path / "libs")
    assert stack.oidc_issuer == "http://127.0.0.1:18555/realms/chidao"
    assert stack.services.env("tasks")["CHIDAO_OIDC_ISSUER"] == stack.oidc_issuer
    assert stack.info().addresses()["keycloak"] == "http://127.0.0.1:18555"
    assert LocalStack(tmp_path, keycloak_port=18556).keycloak.port == 18556


# --- a real server ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    # Not tmp_path: PostgreSQL runs as another account, which must reach its folder.
    state = Path(tempfile.mkdtemp(prefix="chidao-keycloak-test-"))
    state.chmod(0o755)
    local = LocalStack(
        state,
        kafka_port=free_port(),
        kafka_controller_port=free_port(),
        postgres_port=free_port(),
        keycloak_port=free_port(),
        kafka_libs=Path(os.environ.get("CHIDAO_KAFKA_LIBS") or repo_root() / ".state/kafka/libs"),
    )
    try:
        yield local
    finally:
        local.down()
        shutil.rmtree(state, ignore_errors=True)


def _claims(stack: LocalStack, token: str) -> dict[str, Any]:
    """Checked as the services check them: signature (JWKS), issuer, audience, expiry."""
    keys = jwt.PyJWKClient(f"{stack.oidc_issuer}/protocol/openid-connect/certs")
    claims: dict[str, Any] = jwt.decode(
        token,
        keys.get_signing_key_from_jwt(token).key,
        algorithms=["RS256"],
        audience=AUDIENCE,
        issuer=stack.oidc_issuer,
    )
    return claims


def _admin(stack: LocalStack) -> httpx.Client:
    master = f"{stack.keycloak.url}/realms/master"
    admin = keycloak.token(master, "admin", stack.keycloak_admin_password(), client_id="admin-cli")
    return httpx.Client(
        base_url=f"{stack.keycloak.url}/admin/realms/chidao",
        headers={"Authorization": f"Bearer {admin}"},
        timeout=30.0,
    )


@pytest.mark.integration
def test_keycloak_issues_realm_tokens_and_keeps_its_data_across_down_and_up(
    stack: LocalStack,
) -> None:
    started = time.monotonic()
    info = stack.up([])
    cold = time.monotonic() - started
    assert sorted(info.started) == ["kafka", "keycloak", "postgres"]
    assert info.addresses()["keycloak"] == stack.keycloak.url
    row = {p.name: p for p in stack.status()}["keycloak"]
    assert row.running and row.healthy and row.address == stack.keycloak.url

    claims = _claims(stack, stack.token("khtc.sxd"))
    assert claims["preferred_username"] == "khtc.sxd"
    assert claims["agency"] == "sxd-thanhhoa"
    assert claims["unit"] == "KHTC"
    assert claims["roles"] == ["unit_head"]
    assert claims["azp"] == "chidao-cli"
    with pytest.raises(StackError, match=r"refused khtc\.sxd \(401\): Invalid user credentials"):
        stack.token("khtc.sxd", "not-the-password")

    # The admin password: private, in the state folder, never in the log.
    password = stack.keycloak_admin_password()
    assert stat.S_IMODE(stack.paths.keycloak_admin_password.stat().st_mode) == 0o600
    assert password not in stack.paths.log("keycloak").read_text()

    # A user made through the admin API, then a restart.
    with _admin(stack) as admin:
        created = admin.post(
            "/users",
            json={
                "username": "kiemthu.sxd",
                "enabled": True,
                "firstName": "Thử",
                "lastName": "Kiểm",
                "email": "kiemthu.sxd@chidao.invalid",
                "emailVerified": True,
                "attributes": {"agency": ["sxd-thanhhoa"], "unit": ["VP"]},
                "credentials": [{"type": "password", "value": "kiem-thu", "temporary": False}],
            },
        )
        assert created.status_code == 201, created.text
    stack.down()
    assert keycloak.running_pid(stack.paths) is None
    assert not {p.name: p.running for p in stack.status()}["keycloak"]

    started = time.monotonic()
    again = stack.up([])
    warm = time.monotonic() - started
    assert "keycloak" in again.started
    claims = _claims(stack, stack.token("kiemthu.sxd", "kiem-thu"))  # the user persisted
    assert (claims["agency"], claims["unit"]) == ("sxd-thanhhoa", "VP")
    assert "unit_head" not in claims["roles"]  # only the realm's default roles
    assert _claims(stack, stack.token("khtc.sxd"))["unit"] == "KHTC"  # the realm too
    assert stack.keycloak_admin_password() == password
    with _admin(stack) as admin:  # the admin of the first start still signs in
        assert admin.get("/users", params={"username": "kiemthu.sxd"}).json()
    print(f"\nKeycloak with Kafka and PostgreSQL: cold {cold:.1f} s, warm {warm:.1f} s")

    # A pid file naming another process does not count as Keycloak running.
    stack.down()
    stack.paths.pid_file("keycloak").write_text(f"{os.getpid()}\n")
    assert keycloak.running_pid(stack.paths) is None

    stack.reset()
    assert not stack.paths.keycloak_data.exists()
    assert not stack.paths.keycloak_admin_password.exists()
    assert keycloak.dist_ready(stack.keycloak.dist)  # the distribution is kept
