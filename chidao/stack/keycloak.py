"""Keycloak 26.5.6, the identity provider of the local stack: dev mode, realm ``chidao``.

- The distribution (``org.keycloak:keycloak-quarkus-dist``, the release zip, unpacked by
  Maven from ``stack/keycloak/pom.xml``) is prepared once per checkout in a shared folder
  (``.state/keycloak/dist``): unpacked, then built for dev mode (the Quarkus
  re-augmentation a first ``kc.sh start-dev`` would do before starting, the slow part),
  then marked complete. A file lock serialises concurrent preparations.
- Each state folder runs its own copy, ``STATE/keycloak/server``: Keycloak imports realm
  files only from ``<home>/data/import`` and writes its runtime files under
  ``<home>/data``, so the home cannot be shared. The jars are hard links (instant, no
  space); ``conf/`` and the built image (``lib/quarkus``) are real copies, so nothing a
  state folder does can touch the shared folder.
- The database is H2 (``--db dev-file``) in ``STATE/keycloak/data`` (``--db-url``), out of
  the copy: realms and users persist across ``down``/``up``; ``reset`` deletes it.
- ``--import-realm`` on every start imports ``stack/keycloak/chidao-realm.json`` when the
  realm does not exist yet (Keycloak skips an existing one, so changes made since persist).
  Demo accounts and roles added to the file after a state folder's first start (the
  province's clerk and chairman came with the cascades) are then added through the
  admin API's partial import, skipping every one that exists: ``add_new_accounts``.
- The master realm's ``admin`` gets a random password on the first start
  (``KC_BOOTSTRAP_ADMIN_*`` in the environment, never on the command line), kept in
  ``STATE/keycloak/admin-password`` (mode 600).

The JVM is started directly, as ``kc.sh`` would start it (same options), rather than
through ``kc.sh``: the pid file then holds the server itself (``kc.sh`` keeps a shell in
front of it, or replaces itself after a re-augmentation), SIGTERM reaches Quarkus'
graceful shutdown, and the pid is checked against the command line (marker below).
``-Dkc.config.built=true`` is what ``kc.sh`` adds when it relaunches after a build: the
image is built already, so the server skips the check.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shlex
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from chidao.stack import maven, procs
from chidao.stack.paths import StatePaths, keycloak_pom, keycloak_realm_file
from chidao.stack.procs import StackError

VERSION = "26.5.6"
HOST = "127.0.0.1"
REALM = "chidao"
CLI_CLIENT = (
    "chidao-cli"  # public client with the password grant (stack/keycloak/chidao-realm.json)
)
ADMIN_USER = "admin"
PART = "keycloak"  # pid file and log name

START_TIMEOUT = 180.0  # a first start (schema, master realm, realm import): 25-30 s here
STOP_TIMEOUT = 30.0
BUILD_TIMEOUT = 900.0
DEFAULT_HEAP = "-Xms64m -Xmx512m"  # kc.sh's default outside containers
_COMPLETE = ".chidao-complete"  # written last, so a half-prepared folder never counts
ENTRY_POINT = "io.quarkus.bootstrap.runner.QuarkusEntryPoint"

# The build-time options; the start uses the same (db is the only one that is not a default).
BUILD_OPTIONS: tuple[str, ...] = ("--db=dev-file",)
# kc.sh's JAVA_OPTS (26.5.6), minus the heap, which JAVA_OPTS_KC_HEAP may change.
_JAVA_OPTS: tuple[str, ...] = (
    "-XX:MetaspaceSize=96M",
    "-XX:MaxMetaspaceSize=256m",
    "-Dfile.encoding=UTF-8",
    "-Dsun.stdout.encoding=UTF-8",
    "-Dsun.err.encoding=UTF-8",
    "-Dstdout.encoding=UTF-8",
    "-Dstderr.encoding=UTF-8",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.security.egd=file:/dev/urandom",
    "-XX:+UseG1GC",
    "-XX:FlightRecorderOptions=stackdepth=512",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
)
_ADD_OPENS: tuple[str, ...] = (
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.security=ALL-UNNAMED",
)
# Not kc.sh's: C1 only. Measured on 2 cores: a warm start 8.6 s instead of 14.6 s, and a
# password grant 0.15 s instead of 0.3 s (C2 compiling competes with the server for CPU).
_JIT: tuple[str, ...] = ("-XX:TieredStopAtLevel=1",)
# Variables Keycloak (or Quarkus) would read as configuration: the local stack decides it.
_FOREIGN_ENV_PREFIXES = ("KC_", "QUARKUS_", "KEYCLOAK_ADMIN")


@dataclass(frozen=True)
class KeycloakSettings:
    port: int
    dist: Path  # the prepared distribution shared by state folders

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{REALM}"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


# --- pure helpers: command line, configuration -------------------------------------------


def heap_options(environ: Mapping[str, str]) -> list[str]:
    """``JAVA_OPTS_KC_HEAP`` (as kc.sh reads it), else -Xms64m -Xmx512m."""
    return shlex.split(environ.get("JAVA_OPTS_KC_HEAP") or DEFAULT_HEAP)


def java_cmd(
    java: str, home: Path, args: Sequence[str], *, built: bool, heap: Sequence[str]
) -> list[str]:
    """The command ``kc.sh`` runs for ``home`` (``built``: the relaunch after a build)."""
    return [
        java,
        "-Djava.util.concurrent.ForkJoinPool.common.threadFactory="
        "io.quarkus.bootstrap.forkjoin.QuarkusForkJoinWorkerThreadFactory",
        *_JAVA_OPTS,
        *heap,
        *_JIT,
        *_ADD_OPENS,
        "-Duser.language=en",
        "-Duser.country=US",
        f"-Dkc.home.dir={home}",
        f"-Djboss.server.config.dir={home / 'conf'}",
        "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
        "-Dpicocli.disable.closures=true",
        "-Dquarkus-log-max-startup-records=10000",
        *(["-Dkc.config.built=true"] if built else []),
        "-cp",
        str(home / "lib" / "quarkus-run.jar"),
        ENTRY_POINT,
        *args,
    ]


def marker(paths: StatePaths) -> str:
    """What the server's command line contains: ties a pid to this state folder's copy."""
    return f"{paths.keycloak_server / 'lib' / 'quarkus-run.jar'} {ENTRY_POINT}"


def db_url(paths: StatePaths) -> str:
    """H2 in the state folder. ``NON_KEYWORDS=VALUE``: Keycloak's own default URL has it."""
    return f"jdbc:h2:file:{paths.keycloak_data / 'keycloakdb'};NON_KEYWORDS=VALUE"


def server_args(paths: StatePaths, cfg: KeycloakSettings) -> list[str]:
    return [
        "start-dev",
        *BUILD_OPTIONS,
        f"--db-url={db_url(paths)}",
        f"--http-host={HOST}",
        f"--http-port={cfg.port}",
        # The issuer in every token, however the server was reached (localhost, 127.0.0.1):
        # the services compare it with CHIDAO_OIDC_ISSUER.
        f"--hostname={cfg.url}",
        "--import-realm",
    ]


def server_env(environ: Mapping[str, str], admin_password: str | None) -> dict[str, str]:
    """The caller's environment without Keycloak configuration, plus the bootstrap admin
    (used by Keycloak only when it creates the master realm, i.e. on the first start)."""
    env = {k: v for k, v in environ.items() if not k.startswith(_FOREIGN_ENV_PREFIXES)}
    env.pop("JAVA_OPTS", None)
    if admin_password is not None:
        env["KC_BOOTSTRAP_ADMIN_USERNAME"] = ADMIN_USER
        env["KC_BOOTSTRAP_ADMIN_PASSWORD"] = admin_password
    return env


# --- the shared distribution --------------------------------------------------------------


def _dist_digest() -> str:
    """What a prepared distribution was made from: the pom and the build options."""
    pom = keycloak_pom()
    recipe = (pom.read_bytes() if pom.is_file() else b"") + repr(BUILD_OPTIONS).encode()
    return hashlib.sha256(recipe).hexdigest()


def dist_ready(dist: Path) -> bool:
    marker_file = dist / _COMPLETE
    if not marker_file.is_file():
        return False
    # Without the pom (e.g. an installed package) trust what is there; with it, a pom
    # change (version bump) must prepare the distribution again.
    return not keycloak_pom().is_file() or marker_file.read_text().strip() == _dist_digest()


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _unpack(partial: Path, on_progress: maven.OnProgress | None = None) -> Path:
    """Maven unpacks the zip into ``partial``; returns the distribution's folder in it."""
    mvn = procs.require_tool("mvn", "Maven is needed once to download the Keycloak distribution.")
    pom = keycloak_pom()
    if not pom.is_file():
        raise StackError(f"Keycloak pom not found at {pom}; cannot download Keycloak.")
    cmd = [mvn, "-B", "-f", str(pom), f"-Dchidao.keycloak.dist={partial}", "package"]
    try:
        maven.run(cmd, "Keycloak", on_progress)
    finally:
        shutil.rmtree(pom.parent / "target", ignore_errors=True)  # Maven's scratch folder
    homes = [p.parent.parent for p in partial.glob("*/bin/kc.sh")]
    if len(homes) != 1:
        raise StackError(f"Unexpected Keycloak distribution layout in {partial}")
    return homes[0]


def _build(home: Path) -> None:
    """Build the dev-mode image in ``home``: what a first ``start-dev`` does, then exits 10."""
    java = procs.require_tool("java", "Java 17+ is needed to run Keycloak.")
    cmd = java_cmd(java, home, ["start-dev", *BUILD_OPTIONS], built=False, heap=["-Xmx512m"])
    try:
        result = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            check=False,
            timeout=BUILD_TIMEOUT,
            env=server_env(os.environ, None),  # the build starts no server: no admin
            cwd=home,
        )
    except subprocess.TimeoutExpired as exc:
        raise StackError(f"The Keycloak build took more than {BUILD_TIMEOUT:.0f} s") from exc
    if result.returncode != 10:  # REBUILT_EXIT_CODE: "built, relaunch to start"
        raise StackError(
            f"The Keycloak build failed (exit {result.returncode}):\n"
            f"{_tail(result.stdout + result.stderr)}"
        )


def ensure_dist(dist: Path, on_progress: maven.OnProgress | None = None) -> bool:
    """Download, unpack and build the distribution once; True when this call did it."""
    if dist_ready(dist):
        return False
    with procs.file_lock(dist.parent / f".{dist.name}.lock"):
        if dist_ready(dist):
            return False
        partial = dist.parent / f"{dist.name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        home = _unpack(partial, on_progress)
        if on_progress is not None:  # the second long step: a minute or two
            on_progress(maven.Download("Keycloak", current="building the server (Quarkus)"))
        _build(home)
        if on_progress is not None:
            on_progress(maven.Download("Keycloak", finished=True))
        (home / _COMPLETE).write_text(_dist_digest() + "\n")
        shutil.rmtree(dist, ignore_errors=True)
        home.replace(dist)
        shutil.rmtree(partial, ignore_errors=True)
    return True


# --- the state folder's copy ----------------------------------------------------------------


def _link_or_copy(src: str, dst: str) -> object:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or links not allowed: a plain copy
        shutil.copy2(src, dst)
    return dst


def _own_copy(rel: Path) -> bool:
    """Copied, not linked: what a Keycloak may write (its configuration, a rebuilt image)
    and the marker that says which distribution the copy was made from."""
    return rel.parts[:1] in (("conf",), (_COMPLETE,)) or rel.parts[:2] == ("lib", "quarkus")


def prepare_server(paths: StatePaths, dist: Path) -> Path:
    """This state folder's Keycloak home, (re)made from ``dist`` when it changed."""
    server = paths.keycloak_server
    wanted = (dist / _COMPLETE).read_text()
    done = server / _COMPLETE
    if not (done.is_file() and done.read_text() == wanted):
        partial = server.parent / f"{server.name}.partial"
        shutil.rmtree(partial, ignore_errors=True)

        def copy(src: str, dst: str) -> object:
            own = _own_copy(Path(dst).relative_to(partial))
            return shutil.copy2(src, dst) if own else _link_or_copy(src, dst)

        shutil.copytree(dist, partial, symlinks=True, copy_function=copy)
        shutil.rmtree(server, ignore_errors=True)
        partial.replace(server)
    imports = server / "data" / "import"
    imports.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(keycloak_realm_file(), imports / keycloak_realm_file().name)
    return server


def admin_password(paths: StatePaths) -> str:
    """The master realm admin's password: read, or made (random, mode 600) the first time."""
    path = paths.keycloak_admin_password
    with contextlib.suppress(FileNotFoundError):
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password + "\n")
    return password


# --- running ------------------------------------------------------------------------------------


def running_pid(paths: StatePaths) -> int | None:
    pid = procs.read_pid(paths.pid_file(PART))
    return pid if procs.is_alive(pid, marker(paths)) else None


def healthy(cfg: KeycloakSettings, timeout: float = 2.0) -> bool:
    """Ready: the realm's discovery document answers (the realm is imported, HTTP is up)."""
    try:
        return httpx.get(cfg.discovery_url, timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def _failure(headline: str, paths: StatePaths) -> str:
    log = paths.log(PART)
    return f"{headline}. Last lines of {log}:\n{procs.log_tail(log, 30)}"


def start(paths: StatePaths, cfg: KeycloakSettings, timeout: float = START_TIMEOUT) -> bool:
    """Start Keycloak unless it runs; wait until the realm answers. True when started now."""
    paths.ensure()
    pid = running_pid(paths)
    started = pid is None
    if pid is None:
        procs.ensure_port_free(cfg.port, "Keycloak")
        java = procs.require_tool("java", "Java 17+ is needed to run Keycloak.")
        ensure_dist(cfg.dist)
        home = prepare_server(paths, cfg.dist)
        paths.keycloak_data.mkdir(parents=True, exist_ok=True)
        cmd = java_cmd(
            java, home, server_args(paths, cfg), built=True, heap=heap_options(os.environ)
        )
        pid = procs.spawn_detached(
            cmd,
            log=paths.log(PART),
            pid_file=paths.pid_file(PART),
            env=server_env(os.environ, admin_password(paths)),
            cwd=home,
        )
    procs.await_ready(
        pid,
        what="Keycloak",
        ready=lambda: healthy(cfg),
        pid_file=paths.pid_file(PART),
        failure=lambda headline: _failure(headline, paths),
        stop=lambda: stop(paths),
        started=started,
        timeout=timeout,
        interval=0.5,
    )
    if started:
        add_new_accounts(cfg, admin_password(paths))
    return started


def add_new_accounts(cfg: KeycloakSettings, password: str) -> None:
    """The realm file's roles and users that the realm lacks, added; existing ones are
    left as they are (``SKIP``), so nothing changed since the first import is undone."""
    realm = json.loads(keycloak_realm_file().read_text(encoding="utf-8"))
    admin = token(f"{cfg.url}/realms/master", ADMIN_USER, password, client_id="admin-cli")
    response = httpx.post(
        f"{cfg.url}/admin/realms/{REALM}/partialImport",
        json={"ifResourceExists": "SKIP", "roles": realm["roles"], "users": realm["users"]},
        headers={"Authorization": f"Bearer {admin}"},
        timeout=60.0,
    )
    if response.status_code != 200:
        raise StackError(f"adding the realm file's new accounts: {response.text[:300]}")


def stop(paths: StatePaths, timeout: float = STOP_TIMEOUT) -> bool:
    """SIGTERM (Quarkus shuts down gracefully, ~2 s), SIGKILL after ``timeout``."""
    return procs.stop_part(
        running_pid(paths), marker=marker(paths), pid_file=paths.pid_file(PART), timeout=timeout
    )


def token(issuer: str, username: str, password: str, client_id: str = CLI_CLIENT) -> str:
    """An access token by the password grant (the realm's public ``chidao-cli`` client)."""
    try:
        response = httpx.post(
            f"{issuer}/protocol/openid-connect/token",
            data={
                "client_id": client_id,
                "username": username,
                "password": password,
                "grant_type": "password",
            },
            timeout=30.0,
        )
    except httpx.HTTPError as exc:
        raise StackError(f"Keycloak is not reachable at {issuer}: {exc}") from None
    if response.status_code != 200:
        try:
            reason = str(response.json().get("error_description") or response.text)
        except ValueError:
            reason = response.text[:200]
        raise StackError(f"Keycloak refused {username} ({response.status_code}): {reason}")
    return str(response.json()["access_token"])
