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

import os
from dataclasses import dataclass
from pathlib import Path

import httpx

from chidao.stack import maven, procs
from chidao.stack.paths import StatePaths, zipkin_pom

VERSION = "3.5.1"
HOST = "127.0.0.1"
PART = "zipkin"  # pid file and log name
JAR = f"zipkin-server-{VERSION}-exec.jar"
START_TIMEOUT = 90.0  # ~8 s here; a busy 2-core machine during a whole stack start: more
STOP_TIMEOUT = 15.0
MAX_SPANS = 100_000
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


def jar_ready(libs: Path) -> bool:
    return (libs / JAR).is_file() and maven.filled(libs, zipkin_pom())


def ensure_jar(libs: Path, on_progress: maven.OnProgress | None = None) -> bool:
    """Fetch the server jar into ``libs`` once; True when this call downloaded it."""
    return maven.fill_once(
        libs,
        pom=zipkin_pom(),
        target_property="chidao.zipkin.libs",
        what="Zipkin",
        ready=jar_ready,
        on_progress=on_progress,
    )


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
        java = procs.require_tool("java", "Java 17+ is needed to run Zipkin.")
        ensure_jar(cfg.libs)
        pid = procs.spawn_detached(
            java_cmd(java, paths, cfg),
            log=paths.log(PART),
            pid_file=paths.pid_file(PART),
            env=os.environ,
            cwd=paths.zipkin_dir,
        )
    procs.await_ready(
        pid,
        what="Zipkin",
        ready=lambda: healthy(cfg),
        pid_file=paths.pid_file(PART),
        failure=lambda headline: _failure(headline, paths),
        stop=lambda: stop(paths),
        started=started,
        timeout=timeout,
        interval=0.3,
    )
    return started


def stop(paths: StatePaths, timeout: float = STOP_TIMEOUT) -> bool:
    return procs.stop_part(
        running_pid(paths), marker=marker(paths), pid_file=paths.pid_file(PART), timeout=timeout
    )
