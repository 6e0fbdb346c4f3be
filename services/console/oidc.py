"""Sign-in with the authorization code flow and PKCE (S256), as a public OIDC client.

Authlib builds what must be exactly right (the S256 code challenge, the authorization
request); the two token requests are plain form posts through httpx. Tokens are
checked with the platform's own verifier (`shared.auth.TokenVerifier`): the access
token as the services will check it (audience `chidao-api`), so the console shows
exactly what the token allows, and the ID token for its nonce (audience: this client).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from services.console.sessions import PendingLogin, Tokens
from services.console.settings import ConsoleSettings
from shared.auth import Principal, TokenVerifier
from shared.errors import Unauthenticated

SCOPE = "openid profile"
REFRESH_MARGIN_S = 30.0  # renew an access token this long before it expires


class SignInError(Exception):
    """The identity provider refused, or its answer does not check out."""


@dataclass(frozen=True)
class Endpoints:
    authorization: str  # as the browser reaches it
    token: str
    end_session: str | None  # as the browser reaches it


class OidcClient:
    def __init__(self, settings: ConsoleSettings, http: httpx.AsyncClient) -> None:
        self.settings = settings
        self.issuer = settings.oidc_issuer.rstrip("/")
        self.http = http
        self.verifier = TokenVerifier(self.issuer, settings.oidc_audience)
        self._endpoints: Endpoints | None = None

    async def endpoints(self) -> Endpoints:
        if self._endpoints is None:
            response = await self.http.get(f"{self.issuer}/.well-known/openid-configuration")
            response.raise_for_status()
            doc = response.json()
            self._endpoints = Endpoints(
                authorization=self._for_browser(str(doc["authorization_endpoint"])),
                token=str(doc["token_endpoint"]),
                end_session=(
                    self._for_browser(str(doc["end_session_endpoint"]))
                    if doc.get("end_session_endpoint")
                    else None
                ),
            )
        return self._endpoints

    def _for_browser(self, url: str) -> str:
        browser = self.settings.oidc_browser_issuer
        if browser and url.startswith(self.issuer):
            return browser.rstrip("/") + url[len(self.issuer) :]
        return url

    async def start(self, next_path: str) -> tuple[str, PendingLogin]:
        """Where to send the browser, and what the callback must find again."""
        pending = PendingLogin(
            state=generate_token(32),
            code_verifier=generate_token(64),  # 43..128 characters (RFC 7636)
            nonce=generate_token(32),
            next_path=next_path,
        )
        url = prepare_grant_uri(
            (await self.endpoints()).authorization,
            client_id=self.settings.client_id,
            response_type="code",
            redirect_uri=self.settings.redirect_uri,
            scope=SCOPE,
            state=pending.state,
            nonce=pending.nonce,
            code_challenge=create_s256_code_challenge(pending.code_verifier),
            code_challenge_method="S256",
        )
        return str(url), pending

    async def finish(self, pending: PendingLogin, code: str) -> tuple[Tokens, Principal]:
        """Exchange the code (with the PKCE verifier) and check what comes back."""
        answer = await self._token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.settings.redirect_uri,
                "code_verifier": pending.code_verifier,
            }
        )
        id_token = answer.get("id_token")
        if not id_token:
            raise SignInError("the identity provider sent no ID token")
        try:
            claims = await self.verifier.claims(str(id_token), audience=self.settings.client_id)
        except Unauthenticated as exc:
            raise SignInError(f"ID token refused: {exc}") from None
        if claims.get("nonce") != pending.nonce:
            raise SignInError("ID token nonce does not match this sign-in")
        return await self._checked(answer)

    async def refresh(self, tokens: Tokens) -> tuple[Tokens, Principal]:
        if not tokens.refresh_token:
            raise SignInError("no refresh token")
        answer = await self._token_request(
            {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
        )
        answer.setdefault("refresh_token", tokens.refresh_token)
        answer.setdefault("id_token", tokens.id_token)
        return await self._checked(answer)

    async def logout_url(self, tokens: Tokens | None) -> str | None:
        """RP-initiated logout: the browser goes to the provider, which ends its session
        and comes back to /auth/signed-out."""
        end = (await self.endpoints()).end_session
        if end is None:
            return None
        params = {
            "client_id": self.settings.client_id,
            "post_logout_redirect_uri": f"{self.settings.base_url}/auth/signed-out",
        }
        if tokens is not None and tokens.id_token:
            params["id_token_hint"] = tokens.id_token
        return f"{end}?{urlencode(params)}"

    async def _token_request(self, form: dict[str, str]) -> dict[str, Any]:
        endpoint = (await self.endpoints()).token
        try:
            response = await self.http.post(
                endpoint, data={**form, "client_id": self.settings.client_id}
            )
        except httpx.HTTPError as exc:
            raise SignInError(f"identity provider unreachable: {exc}") from None
        if response.status_code != 200:
            try:
                reason = str(response.json().get("error_description") or response.text[:200])
            except ValueError:
                reason = response.text[:200]
            raise SignInError(f"identity provider refused ({response.status_code}): {reason}")
        answer: dict[str, Any] = response.json()
        return answer

    async def _checked(self, answer: dict[str, Any]) -> tuple[Tokens, Principal]:
        access = str(answer["access_token"])
        try:
            user = await self.verifier.verify(access)
        except Unauthenticated as exc:
            raise SignInError(f"access token refused: {exc}") from None
        tokens = Tokens(
            access_token=access,
            refresh_token=answer.get("refresh_token"),
            id_token=answer.get("id_token"),
            expires_at=time.time() + float(answer.get("expires_in", 60)),
        )
        return tokens, user
