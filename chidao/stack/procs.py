"""Process helpers: spawn detached, pid files, liveness, waiting, stop TERM then KILL."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class StackError(RuntimeError):
    """A failure an operator can act on; the message is meant to be shown as is."""


def spawn_detached(
    cmd: Sequence[str],
    *,
    log: Path,
    pid_file: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> int:
    """Start ``cmd`` in its own session so it outlives the CLI and ignores our Ctrl-C."""
    log.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    # Append: a restart must not erase the log that explains why the last run died.
    with open(log, "ab") as out:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        out.write(f"\n=== chidao.stack: starting {' '.join(cmd)} at {stamp} ===\n".encode())
        out.flush()
        proc = subprocess.Popen(
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
    write_pid(pid_file, proc.pid)
    return proc.pid


def write_pid(pid_file: Path, pid: int) -> None:
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = pid_file.with_suffix(".tmp")
    tmp.write_text(f"{pid}\n")
    tmp.replace(pid_file)  # atomic: a reader never sees a half-written pid


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def remove_pid(pid_file: Path) -> None:
    pid_file.unlink(missing_ok=True)


def _reap(pid: int) -> None:
    # Processes we spawned in this interpreter stay zombies until waited for, and a
    # zombie still answers kill(pid, 0): reap it so it counts as dead.
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def is_alive(pid: int | None, marker: str | None = None) -> bool:
    """True when ``pid`` runs and (if given) its command line contains ``marker``.

    The marker guards against a stale pid file whose number now belongs to another program.
    """
    if pid is None or pid <= 0:
        return False
    _reap(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else (e.g. the postgres user when we are not root)
    proc = Path("/proc") / str(pid)
    try:
        stat = (proc / "stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return False
        if marker is not None:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            return marker in cmdline
    except (OSError, IndexError):
        return False
    return True


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def stop_pid(pid: int, *, marker: str | None = None, term_timeout: float = 20.0) -> None:
    """SIGTERM, then SIGKILL when the process is still there after ``term_timeout``."""
    if not is_alive(pid, marker):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if wait_until(lambda: not is_alive(pid), term_timeout, 0.1):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not is_alive(pid), 5.0, 0.05)


def log_tail(path: Path, lines: int = 20) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 64 * 1024))  # a tail never needs the whole file
            data = fh.read().decode(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(data.splitlines()[-lines:])


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """True when something already listens on ``host:port`` (or the port cannot be bound)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            return exc.errno in (errno.EADDRINUSE, errno.EACCES)
    return False


def port_accepts(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def ensure_port_free(port: int, part: str) -> None:
    if port_in_use(port):
        raise StackError(
            f"Port {port} (needed by {part}) is already in use by another process; "
            f"stop it or choose another port."
        )


def run_coro(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion from sync code, even when called inside an event loop.

    The stack's API is sync, but async tests (pytest-asyncio) call it from a running loop,
    where asyncio.run refuses: then the coroutine gets its own loop in a worker thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chidao-stack-async") as pool:
        return pool.submit(asyncio.run, coro).result()


def require_tool(tool: str, why: str) -> str:
    """The path of a program on PATH, or a StackError saying what it is needed for."""
    path = shutil.which(tool)
    if path is None:
        raise StackError(f"'{tool}' was not found on PATH: {why}")
    return path


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on a file: state folders and test runs may share one download
    folder, and only one of them may fill it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def await_ready(
    pid: int,
    *,
    what: str,
    ready: Callable[[], bool],
    pid_file: Path,
    failure: Callable[[str], str],
    stop: Callable[[], object],
    started: bool,
    timeout: float,
    interval: float,
) -> None:
    """Wait until a server answers (`ready`); a StackError with its log (`failure`) if it
    exits first or does not answer in time. One this call's caller started (`started`)
    is stopped then: a server we cannot use must not linger on the port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_alive(pid):
            remove_pid(pid_file)
            raise StackError(failure(f"{what} exited during start-up"))
        if ready():
            return
        time.sleep(interval)
    message = failure(f"{what} did not become ready within {timeout:.0f} s")
    if started:
        stop()
    raise StackError(message)


def stop_part(pid: int | None, *, marker: str, pid_file: Path, timeout: float) -> bool:
    """Stop a server by its pid (SIGTERM, SIGKILL after `timeout`); True if it ran."""
    if pid is not None:
        stop_pid(pid, marker=marker, term_timeout=timeout)
    remove_pid(pid_file)
    return pid is not None
