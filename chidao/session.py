"""The CLI's sign-in: `chidao login` keeps a token, every command sends it.

The tokens (access and refresh) are kept in `<state>/auth/session.json`, readable by
its owner only (0600). An expired access token is renewed with the refresh token; when
that fails too, the command says to sign in again. `chidao logout` ends the session at
the identity provider and deletes the file. Passwords are never stored.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from chidao.client import ScenarioError
from chidao.people import CLIENT_ID, password_grant

DEFAULT_ISSUER = "http://127.0.0.1:8080/realms/chidao"


def issuer() -> str:
    return os.environ.get("CHIDAO_OIDC_ISSUER", DEFAULT_ISSUER).rstrip("/")


@dataclass
class Session:
    issuer: str
    username: str
    access_token: str
    refresh_token: str
    expires_at: float  # epoch seconds
    refresh_expires_at: float

    @classmethod
    def from_tokens(cls, issuer: str, username: str, tokens: dict[str, Any]) -> Session:
        now = time.time()
        return cls(
            issuer=issuer,
            username=username,
            access_token=str(tokens["access_token"]),
            refresh_token=str(tokens.get("refresh_token", "")),
            expires_at=now + float(tokens.get("expires_in", 60)),
            refresh_expires_at=now + float(tokens.get("refresh_expires_in", 0) or 0),
        )


def session_file(state_dir: Path) -> Path:
    return state_dir / "auth" / "session.json"


def save(state_dir: Path, session: Session) -> Path:
    path = session_file(state_dir)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    # Created 0600 before anything is written: no moment where others could read it.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(asdict(session), out)
    tmp.replace(path)
    return path


def load(state_dir: Path) -> Session | None:
    try:
        return Session(**json.loads(session_file(state_dir).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def login(state_dir: Path, username: str, password: str) -> Session:
    session = Session.from_tokens(issuer(), username, password_grant(issuer(), username, password))
    save(state_dir, session)
    return session


def logout(state_dir: Path) -> str | None:
    """End the session at the provider (best effort) and forget it; who was signed in."""
    session = load(state_dir)
    if session is None:
        return None
    # Offline, the tokens expire on their own; the local copy goes anyway.
    with contextlib.suppress(httpx.HTTPError):
        httpx.post(
            f"{session.issuer}/protocol/openid-connect/logout",
            data={"client_id": CLIENT_ID, "refresh_token": session.refresh_token},
            timeout=10,
        )
    session_file(state_dir).unlink(missing_ok=True)
    return session.username


def bearer(state_dir: Path) -> dict[str, str]:
    """The Authorization header of the signed-in user, renewed when it has expired."""
    session = load(state_dir)
    if session is None:
        raise ScenarioError("not signed in: run `chidao login USER` first")
    if session.expires_at - 30 < time.time():
        session = _refresh(state_dir, session)
    return {"Authorization": f"Bearer {session.access_token}"}


def _refresh(state_dir: Path, session: Session) -> Session:
    try:
        response = httpx.post(
            f"{session.issuer}/protocol/openid-connect/token",
            data={
                "client_id": CLIENT_ID,
                "grant_type": "refresh_token",
                "refresh_token": session.refresh_token,
            },
            timeout=30,
        )
    except httpx.HTTPError as exc:
        raise ScenarioError(f"identity provider not reachable at {session.issuer}: {exc}") from None
    if response.status_code != 200:
        session_file(state_dir).unlink(missing_ok=True)
        raise ScenarioError(
            f"the session of {session.username} has ended: run `chidao login {session.username}`"
        )
    renewed = Session.from_tokens(session.issuer, session.username, response.json())
    save(state_dir, renewed)
    return renewed
