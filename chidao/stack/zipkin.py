"""Zipkin 3.5.1, the trace UI of the local stack: http://127.0.0.1:9411/zipkin/.

- The server is the self-contained ``io.zipkin:zipkin-server`` "exec" jar from Maven
  Central (``stack/zipkin/pom.xml``), fetched once into ``STATE/zipkin/libs`` (or the
  folder ``CHIDAO_ZIPKIN_LIBS`` names, to share it between state folders).
- It runs on Java 17 with a small heap, bound to 127.0.0.1 only, with in-memory storage
  (the newest 100,000 spans): traces are for looking at now; ``chidao trace ID`` reads
  the services' JSON-lines files, which outlive a restart.
- The services send it Zipkin JSON v2 (``OTEL_EXPORTER_ZIPKIN_ENDPOINT``, set by
  ``ServiceManager``), unless an OTLP endpoint is configured (``shared.telemetry``).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from chidao.stack import maven, procs
from chidao.stack.paths import StatePaths, zipkin_pom
from chidao.stack.procs import StackError

VERSION = "3.5.1"
HOST = "127.0.0.1"
PART = "zipkin"  # pid file and log name
JAR = f"zipkin-server-{VERSION}-exec.jar"
START_TIMEOUT = 90.0  # ~8 s here; a busy 2-core machine during a whole stack start: more
STOP_TIMEOUT = 15.0
MAX_SPANS = 100_000
_COMPLETE = ".chidao-complete"  # written last, so a half-finished download never counts
# Zipkin alone on a shared machine: a small heap and C1 only (starts in half the time).
JAVA_OPTS: tuple[str, ...] = (
    "-Xms32m",
    "-Xmx256m",
    "-XX:TieredStopAtLevel=1",
    "-XX:+ExitOnOutOfMemoryError",
)


@dataclass(frozen=True)
class ZipkinSettings:
    port: int
    libs: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def spans_endpoint(self) -> str:
        """Where the services post their spans (Zipkin JSON v2)."""
        return f"{self.url}/api/v2/spans"

    def trace_url(self, trace_id: str) -> str:
        """The page of one trace in the UI."""
        return f"{self.url}/zipkin/traces/{trace_id}"

    @property
    def jar(self) -> Path:
        return self.libs / JAR


def _pom_digest() -> str:
    pom = zipkin_pom()
    return hashlib.sha256(pom.read_bytes()).hexdigest() if pom.is_file() else ""


def jar_ready(libs: Path) -> bool:
    marker_file = libs / _COMPLETE
    if not (marker_file.is_file() and (libs / JAR).is_file()):
        return False
    return not zipkin_pom().is_file() or marker_file.read_text().strip() == _pom_digest()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    # State folders may share one jar folder: only one Maven run may fill it.
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _require(tool: str, why: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise StackError(f"'{tool}' was not found on PATH: {why}")
    return path


def ensure_jar(libs: Path, on_progress: maven.OnProgress | None = None) -> bool:
    """Fetch the server jar into ``libs`` once; True when this call downloaded it."""
    if jar_ready(libs):
        return False
    with _file_lock(libs.parent / f".{libs.name}.lock"):
        if jar_ready(libs):
            return False
        mvn = _require("mvn", "Maven is needed once to download the Zipkin server.")
        pom = zipkin_pom()
        if not pom.is_file():
            raise StackError(f"Zipkin pom not found at {pom}; cannot download Zipkin.")
        partial = libs.parent / f"{libs.name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        cmd = [mvn, "-B", "-f", str(pom), f"-Dchidao.zipkin.libs={partial}", "package"]
        try:
            maven.run(cmd, "Zipkin", on_progress)
        finally:
            shutil.rmtree(pom.parent / "target", ignore_errors=True)  # Maven's scratch folder
        (partial / _COMPLETE).write_text(_pom_digest() + "\n")
        shutil.rmtree(libs, ignore_errors=True)
        partial.replace(libs)
    return True


def marker(paths: StatePaths) -> str:
    """What the server's command line contains: ties a pid to this state folder."""
    return f"-Dchidao.zipkin.state={paths.zipkin_dir}"


def java_cmd(java: str, paths: StatePaths, cfg: ZipkinSettings) -> list[str]:
    return [
        java,
        *JAVA_OPTS,
        marker(paths),
        "-jar",
        str(cfg.jar),
        # Armeria's listener, bound to loopback only (Zipkin's default is every address).
        f"--armeria.ports[0].port={cfg.port}",
        f"--armeria.ports[0].ip={HOST}",
        "--armeria.ports[0].protocols[0]=http",
        "--zipkin.storage.type=mem",
        f"--zipkin.storage.mem.max-spans={MAX_SPANS}",
        "--logging.level.root=WARN",
    ]


def running_pid(paths: StatePaths) -> int | None:
    pid = procs.read_pid(paths.pid_file(PART))
    return pid if procs.is_alive(pid, marker(paths)) else None


def healthy(cfg: ZipkinSettings, timeout: float = 2.0) -> bool:
    try:
        response = httpx.get(f"{cfg.url}/health", timeout=timeout)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def _failure(headline: str, paths: StatePaths) -> str:
    log = paths.log(PART)
    return f"{headline}. Last lines of {log}:\n{procs.log_tail(log, 30)}"


def start(paths: StatePaths, cfg: ZipkinSettings, timeout: float = START_TIMEOUT) -> bool:
    """Start Zipkin unless it runs; wait until it answers. True when started now."""
    paths.zipkin_dir.mkdir(parents=True, exist_ok=True)
    pid = running_pid(paths)
    started = pid is None
    if pid is None:
        procs.ensure_port_free(cfg.port, "Zipkin")
        java = _require("java", "Java 17+ is needed to run Zipkin.")
        ensure_jar(cfg.libs)
        pid = procs.spawn_detached(
            java_cmd(java, paths, cfg),
            log=paths.log(PART),
            pid_file=paths.pid_file(PART),
            env=os.environ,
            cwd=paths.zipkin_dir,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not procs.is_alive(pid):
            procs.remove_pid(paths.pid_file(PART))
            raise StackError(_failure("Zipkin exited during start-up", paths))
        if healthy(cfg):
            return started
        time.sleep(0.3)
    message = _failure(f"Zipkin did not become ready within {timeout:.0f} s", paths)
    if started:
        stop(paths)  # a server we started but cannot use must not linger on the port
    raise StackError(message)


def stop(paths: StatePaths, timeout: float = STOP_TIMEOUT) -> bool:
    pid = running_pid(paths)
    if pid is not None:
        procs.stop_pid(pid, marker=marker(paths), term_timeout=timeout)
    procs.remove_pid(paths.pid_file(PART))
    return pid is not None
