"""Server-side sessions: the browser holds a random id, the console holds the rest.

The cookie (`chidao_console`: HttpOnly, SameSite=Lax, Secure over https) names an
entry of an in-process dict. Tokens never reach the browser. One console process is
the deployment unit (a restart signs everyone out, which is the price of keeping no
database); a second replica would need a shared store behind the same interface.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field

from shared.auth import Principal

COOKIE = "chidao_console"


@dataclass
class PendingLogin:
    """What the callback must match: the state, the PKCE verifier, the nonce."""

    state: str
    code_verifier: str
    nonce: str
    next_path: str


@dataclass
class Tokens:
    access_token: str
    refresh_token: str | None
    id_token: str | None
    expires_at: float  # time.time() when the access token expires


@dataclass
class Session:
    id: str
    csrf: str
    last_used: float
    pending: PendingLogin | None = None
    tokens: Tokens | None = None
    user: Principal | None = None
    flash: list[str] = field(default_factory=list)
    # One refresh at a time: two pages loading together must not both spend the
    # refresh token (Keycloak may rotate it).
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def signed_in(self) -> bool:
        return self.tokens is not None and self.user is not None


class SessionStore:
    def __init__(self, idle_s: float) -> None:
        self.idle_s = idle_s
        self._sessions: dict[str, Session] = {}

    def new(self) -> Session:
        self._sweep()
        session = Session(
            id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), last_used=time.time()
        )
        self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        now = time.time()
        if now - session.last_used > self.idle_s:
            self._sessions.pop(session_id, None)
            return None
        session.last_used = now
        return session

    def rotate(self, session: Session) -> Session:
        """A new id for a session that just signed in (no fixation of a known id)."""
        self._sessions.pop(session.id, None)
        session.id = secrets.token_urlsafe(32)
        session.csrf = secrets.token_urlsafe(32)
        self._sessions[session.id] = session
        return session

    def drop(self, session: Session) -> None:
        self._sessions.pop(session.id, None)

    def __len__(self) -> int:
        return len(self._sessions)

    def _sweep(self) -> None:
        cutoff = time.time() - self.idle_s
        for key in [k for k, s in self._sessions.items() if s.last_used < cutoff]:
            del self._sessions[key]
