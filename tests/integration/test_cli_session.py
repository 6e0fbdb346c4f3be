"""`chidao login` keeps a session the other commands use; `chidao logout` ends it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.integration.conftest import Platform

SEED = Path(__file__).resolve().parents[2] / "chidao" / "samples" / "tb-sxd-thanhhoa-2020.txt"


def _chidao(
    platform: Platform, state: Path, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CHIDAO_STATE_DIR": str(state),
        "CHIDAO_OIDC_ISSUER": platform.stack.oidc_issuer,
        "DIRECTIVES_URL": platform.url("directives"),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "chidao.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_login_then_import_as_the_clerk_and_refusals_in_one_line(
    platform: Platform, tmp_path: Path
) -> None:
    # Not signed in: one line, non-zero.
    refused = _chidao(platform, tmp_path, "import", str(SEED))
    assert refused.returncode != 0
    assert refused.stderr.strip() == "error: not signed in: run `chidao login USER` first"

    wrong = _chidao(platform, tmp_path, "login", "vanthu.sxd", "--password-stdin", stdin="nope\n")
    assert wrong.returncode != 0 and "sign-in of vanthu.sxd refused" in wrong.stderr

    ok = _chidao(
        platform, tmp_path, "login", "vanthu.sxd", "--password-stdin", stdin="chidao-demo\n"
    )
    assert ok.returncode == 0, ok.stderr
    session = tmp_path / "auth" / "session.json"
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert "chidao-demo" not in session.read_text()  # the password is never kept

    imported = _chidao(platform, tmp_path, "import", str(SEED))
    assert imported.returncode == 0, imported.stderr
    assert '"status": "draft"' in imported.stdout and '"agency": "sxd-thanhhoa"' in imported.stdout

    # A unit head may not import: the service's reason, in one line.
    _chidao(platform, tmp_path, "login", "khtc.sxd", "--password-stdin", stdin="chidao-demo\n")
    not_a_clerk = _chidao(platform, tmp_path, "import", str(SEED))
    assert not_a_clerk.returncode != 0
    assert len(not_a_clerk.stderr.strip().splitlines()) == 1
    assert "Chỉ văn thư được nhập văn bản." in not_a_clerk.stderr

    out = _chidao(platform, tmp_path, "logout")
    assert out.returncode == 0 and "signed out khtc.sxd" in out.stdout
    assert not session.exists()
