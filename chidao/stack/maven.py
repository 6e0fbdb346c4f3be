"""Maven runs of the local stack (Kafka's jars, Keycloak's distribution, Zipkin's jar),
with their progress reported as they go.

A first ``chidao up`` downloads a few hundred megabytes through Maven: minutes on a slow
line, so the operator sees which part is downloading, how many files and bytes so far
(``Download``), not a spinner. Maven is run in batch mode without ``-q``: it then
prints one ``Downloading from <repo>: <url>`` line when a file starts and one
``Downloaded from <repo>: <url> (<size> at <speed>)`` when it is done. A large file (the
Zipkin jar is 130 MB) is followed while it arrives through the size of the ``.part``
file Maven writes in the local repository.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chidao.stack import procs
from chidao.stack.procs import StackError

_DOWNLOADING = re.compile(r"Downloading from [^:]+: (\S+)")
_DOWNLOADED = re.compile(r"Downloaded from [^:]+: (\S+) \(([\d.,]+) (B|kB|KB|MB|GB)")
_UNITS = {"B": 1, "kB": 1000, "KB": 1000, "MB": 1000**2, "GB": 1000**3}


@dataclass
class Download:
    """What one Maven run has fetched so far."""

    part: str  # "Kafka", "Keycloak", "Zipkin"
    files: int = 0
    done_bytes: int = 0  # of the files finished
    current: str | None = None  # the file arriving now
    current_bytes: int = 0  # of it, so far
    finished: bool = False
    _partials: dict[str, Path] = field(default_factory=dict, repr=False)

    @property
    def bytes(self) -> int:
        return self.done_bytes + self.current_bytes


OnProgress = Callable[[Download], None]


def local_repository() -> Path:
    return Path.home() / ".m2" / "repository"


def _partial_file(url: str, repository: Path) -> Path | None:
    """Where Maven writes ``url`` while it arrives (Maven Central's layout, /maven2/)."""
    _, sep, relative = url.partition("/maven2/")
    return repository / f"{relative}.part" if sep else None


def _size(text: str, unit: str) -> int:
    return int(float(text.replace(",", "")) * _UNITS[unit])


def follow(line: str, state: Download, repository: Path) -> bool:
    """Update ``state`` from one line of Maven's output; True when it changed."""
    started = _DOWNLOADING.search(line)
    if started:
        url = started.group(1)
        state.current, state.current_bytes = url.rsplit("/", 1)[-1], 0
        partial = _partial_file(url, repository)
        if partial is not None:
            state._partials[state.current] = partial
        return True
    done = _DOWNLOADED.search(line)
    if done:
        name = done.group(1).rsplit("/", 1)[-1]
        state.files += 1
        state.done_bytes += _size(done.group(2), done.group(3))
        state._partials.pop(name, None)
        if state.current == name:
            state.current, state.current_bytes = None, 0
        return True
    return False


def run(
    cmd: Sequence[str],
    part: str,
    on_progress: OnProgress | None = None,
    *,
    repository: Path | None = None,
    poll_s: float = 0.5,
) -> None:
    """Run ``cmd`` (a Maven command line, without ``-q``), reporting downloads; raises
    ``StackError`` with the end of Maven's output when it fails."""
    repository = repository or local_repository()
    state = Download(part)
    report = on_progress or (lambda _: None)
    lines: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def watch_partial() -> None:
        # Bytes of the file arriving now, between Maven's lines.
        while not stop.wait(poll_s):
            with lock:
                partial = state._partials.get(state.current or "")
                if partial is None:
                    continue
                try:
                    size = partial.stat().st_size
                except OSError:
                    continue
                if size != state.current_bytes:
                    state.current_bytes = size
                    report(state)

    watcher = threading.Thread(target=watch_partial, name="chidao-maven-progress", daemon=True)
    report(state)
    proc = subprocess.Popen(
        list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    watcher.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            del lines[:-200]  # only the end is ever shown
            with lock:
                if follow(line, state, repository):
                    report(state)
        code = proc.wait()
    finally:
        stop.set()
        watcher.join()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if code != 0:
        tail = "\n".join(lines[-20:])
        raise StackError(f"Maven could not fetch {part} ({' '.join(cmd)}):\n{tail}")
    state.finished, state.current, state.current_bytes = True, None, 0
    report(state)


COMPLETE = ".chidao-complete"  # written last, so a half-filled folder never counts


def pom_digest(pom: Path) -> str:
    """What a filled folder's marker holds: a changed pom (a version bump) means the
    folder must be filled again (two versions on one classpath would be a mess)."""
    return hashlib.sha256(pom.read_bytes()).hexdigest() if pom.is_file() else ""


def filled(folder: Path, pom: Path) -> bool:
    """The folder was filled completely from this pom (or the pom is not here, as in an
    installed package: then trust what is there)."""
    marker = folder / COMPLETE
    if not marker.is_file():
        return False
    return not pom.is_file() or marker.read_text().strip() == pom_digest(pom)


def fill_once(
    folder: Path,
    *,
    pom: Path,
    target_property: str,
    what: str,
    ready: Callable[[Path], bool],
    on_progress: OnProgress | None = None,
) -> bool:
    """Run `mvn package` on `pom` once to fill `folder` (the pom copies its artifacts to
    `-D<target_property>`); True when this call filled it. Other processes wait on a
    file lock; the folder appears whole or not at all (filled beside it, then moved)."""
    if ready(folder):
        return False
    with procs.file_lock(folder.parent / f".{folder.name}.lock"):
        if ready(folder):
            return False
        mvn = procs.require_tool("mvn", f"Maven is needed once to download {what}.")
        if not pom.is_file():
            raise StackError(f"{what} pom not found at {pom}; cannot download {what}.")
        partial = folder.parent / f"{folder.name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        cmd = [mvn, "-B", "-f", str(pom), f"-D{target_property}={partial}", "package"]
        try:
            run(cmd, what, on_progress)
        finally:
            shutil.rmtree(pom.parent / "target", ignore_errors=True)  # Maven's scratch folder
        (partial / COMPLETE).write_text(pom_digest(pom) + "\n")
        shutil.rmtree(folder, ignore_errors=True)
        partial.replace(folder)
    return True
