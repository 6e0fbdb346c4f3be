"""The Dockerfile, read (no Docker engine here): two stages, a dependency layer that
depends on pyproject.toml only, a slim runtime as a non-root user, and a build context
without the bulk or any secret."""

from __future__ import annotations

import fnmatch
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from shared.settings import REPO_ROOT


def instructions() -> list[tuple[str, str]]:
    text = (REPO_ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n\s*", " ", text)  # continuation lines
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def stages() -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for keyword, rest in instructions():
        if keyword == "FROM":
            image, _, name = rest.partition(" AS ")
            assert image.endswith("-slim"), f"{image}: a slim base"
            current = found.setdefault(name.strip(), [])
        current.append((keyword, rest))
    return found


def test_a_builder_stage_installs_the_pinned_dependencies_from_pyproject_alone() -> None:
    builder = stages()["builder"]
    copies = [rest for keyword, rest in builder if keyword == "COPY"]
    assert copies == ["pyproject.toml ./"], "only pyproject.toml before the dependency layer"
    run = " ".join(rest for keyword, rest in builder if keyword == "RUN")
    assert "pip install -r requirements.txt" in run
    # The command that lists them gives exactly pyproject's pinned dependencies.
    command = re.search(r'python -c "([^"]+)" > requirements.txt', run)
    assert command, run
    listed = subprocess.run(
        [sys.executable, "-c", command.group(1)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert listed == project["dependencies"]
    assert all("==" in requirement for requirement in listed), "every dependency pinned"


def test_the_runtime_is_slim_and_runs_as_an_unprivileged_user() -> None:
    runtime = stages()["runtime"]
    assert list(stages()) == ["builder", "runtime"], "the runtime stage is the last"
    assert ("COPY", "--from=builder /opt/venv /opt/venv") in runtime
    runs = " ".join(rest for keyword, rest in runtime if keyword == "RUN")
    assert "pip install" not in runs, "nothing built in the runtime stage"
    users = [rest for keyword, rest in runtime if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root"), users
    uid = users[-1].split(":")[0]
    assert f"--uid {uid}" in runs
    env = " ".join(rest for keyword, rest in runtime if keyword == "ENV")
    state = re.search(r"CHIDAO_STATE_DIR=(\S+)", env)
    assert state, "the state folder is set"
    assert f"-o chidao -g chidao -m 0750 {state.group(1)}" in runs, "and writable by the user"


def ignored(path: str, patterns: list[str]) -> bool:
    parts = path.split("/")
    for pattern in patterns:
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatch(part, pattern[3:]) for part in parts):
                return True
        elif any(fnmatch.fnmatch("/".join(parts[:i]), pattern) for i in range(1, len(parts) + 1)):
            return True
    return False


def dockerignore() -> list[str]:
    lines = (REPO_ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_build_context_has_what_the_image_copies_and_no_secret() -> None:
    patterns = dockerignore()
    assert not any(p.startswith("!") for p in patterns), "no exceptions to reason about"
    sources = [
        shlex.split(rest)[0]
        for stage in stages().values()
        for keyword, rest in stage
        if keyword == "COPY" and not rest.startswith("--from")
    ]
    assert sources
    for source in sources:
        assert (REPO_ROOT / source).exists(), source
        assert not ignored(source, patterns), f"{source} is copied but ignored"
    for unwanted in (
        ".git/config",
        ".venv/bin/python",
        ".state/kafka/credentials.json",
        "tests/unit/test_dockerfile.py",
        "out/report.docx",
        "deploy/kafka-tls/out/ca.key",
        ".env",
        "services/tasks/__pycache__/app.cpython-311.pyc",
        "some/where/broker.p12",
    ):
        assert ignored(unwanted, patterns), f"{unwanted} would be in the build context"


def test_every_command_of_the_deployments_is_a_module_in_the_image() -> None:
    copied = {
        shlex.split(rest)[0]
        for keyword, rest in stages()["runtime"]
        if keyword == "COPY" and not rest.startswith("--from")
    }
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    commands = [s["command"] for s in compose["services"].values() if s.get("build")]
    for path in sorted((REPO_ROOT / "deploy" / "k8s").rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == "Deployment":
                for container in doc["spec"]["template"]["spec"]["containers"]:
                    commands.append(container["command"])
    assert len(commands) >= 5
    for command in commands:
        assert command[:2] == ["python", "-m"], command
        module = command[2]
        top = module.split(".")[0]
        assert top in copied, f"{module}: {top} is not in the image"
        file = Path(REPO_ROOT, *module.split("."))
        assert file.with_suffix(".py").exists() or (file / "__main__.py").exists(), module
