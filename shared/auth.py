"""Who is acting: OIDC bearer tokens in, a `Principal` out, the same in every service.

Design note
- The services are OIDC resource servers. Any issuer given by configuration is
  trusted (`CHIDAO_OIDC_ISSUER`, `CHIDAO_OIDC_AUDIENCE`): Keycloak in the local stack
  and in docker-compose, a province's own SSO in production. Tokens are checked for
  signature (keys from the issuer's JWKS, found through its discovery document,
  cached, fetched again when a token names an unknown `kid`: a key rotation needs no
  restart), issuer, audience and expiry (30 s leeway for clock skew), with PyJWT.
- A token carries who (`sub`, `preferred_username`, `name`), which department
  (`agency`), which unit (`unit`, for unit heads and staff) and `roles`. The agency of
  every command and every query comes from here, never from the request body.
- What each role may do is decided in the handlers (`Principal.require`), which raise
  `Forbidden` with a Vietnamese reason and an English code; reads are scoped to the
  caller's agency (and unit) and an id of another agency is `NotFound`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.contracts.values import Actor
from shared.errors import Forbidden, Unauthenticated


class Role(StrEnum):
    CLERK = "clerk"  # văn thư: imports, drafts
    LEADER = "leader"  # lãnh đạo: issues, revokes, grants extensions, submits the report
    UNIT_HEAD = "unit_head"  # trưởng đơn vị: their unit's tasks
    UNIT_STAFF = "unit_staff"  # cán bộ đơn vị: their unit's tasks
    INSPECTOR = "inspector"  # thanh tra: inspections
    PROVINCE_READER = "province_reader"  # Sở Nội vụ: every submitted report, read only
    OPERATOR = "operator"  # vận hành: admin endpoints, no business data


ROLE_TITLES = {
    Role.CLERK: "văn thư",
    Role.LEADER: "lãnh đạo",
    Role.UNIT_HEAD: "trưởng đơn vị",
    Role.UNIT_STAFF: "cán bộ đơn vị",
    Role.INSPECTOR: "thanh tra",
    Role.PROVINCE_READER: "Sở Nội vụ",
    Role.OPERATOR: "vận hành",
}

UNIT_ROLES = (Role.UNIT_HEAD, Role.UNIT_STAFF)
# Who works inside a department and reads its directives, tasks and reports.
AGENCY_MEMBERS = (Role.CLERK, Role.LEADER, Role.INSPECTOR, *UNIT_ROLES)


@dataclass(frozen=True)
class Principal:
    subject: str
    username: str
    name: str
    agency: str | None = None
    unit: str | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)
    province: str | None = None  # a province reader's province

    @property
    def actor(self) -> Actor:
        """What events and histories record of who acted: a stable id and a name."""
        return Actor(subject=self.subject, name=self.name or self.username)

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def require(self, *roles: Role, doing: str) -> None:
        """Refuse unless the caller holds one of `roles`; `doing` says what, in Vietnamese."""
        if not self.has(*roles):
            allowed = ", ".join(ROLE_TITLES[r] for r in roles)
            raise Forbidden(f"Chỉ {allowed} được {doing}.", code="role_required")

    def agency_or_refuse(self) -> str:
        """The caller's department; someone with none (the province, an operator) may
        not act inside one."""
        if self.agency is None:
            raise Forbidden("Tài khoản không thuộc Sở nào.", code="no_agency")
        return self.agency

    def in_agency(self, agency: str) -> bool:
        return self.agency == agency

    def in_unit(self, agency: str, unit: str | None) -> bool:
        """A unit head or staff member acts for their own unit of their own agency."""
        return self.agency == agency and self.unit is not None and self.unit == unit


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    roles = claims.get("roles") or []
    if isinstance(roles, str):
        roles = [roles]
    known = {r.value for r in Role}
    return Principal(
        subject=str(claims["sub"]),
        username=str(claims.get("preferred_username") or claims["sub"]),
        name=_vietnamese_name(claims),
        agency=_single(claims.get("agency")),
        unit=_single(claims.get("unit")),
        roles=frozenset(Role(r) for r in roles if r in known),
        province=_single(claims.get("province")),
    )


def _vietnamese_name(claims: dict[str, Any]) -> str:
    """Family name first, as Vietnamese write it ("Phạm Văn Minh"); the `name` claim
    of most providers puts the given name first."""
    family, given = claims.get("family_name"), claims.get("given_name")
    if family and given:
        return f"{family} {given}"
    return str(claims.get("name") or claims.get("preferred_username") or "")


def _single(value: Any) -> str | None:
    # Keycloak maps a user attribute to a list when it is multivalued.
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value else None


class TokenVerifier:
    """Checks bearer tokens of one issuer; keys fetched lazily and cached."""

    def __init__(
        self,
        issuer: str,
        audience: str,
        *,
        jwks_url: str | None = None,
        leeway_s: int = 30,
        algorithms: Iterable[str] = ("RS256", "ES256", "PS256"),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.leeway_s = leeway_s
        self.algorithms = list(algorithms)
        self._jwks_url = jwks_url
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        self._transport = transport  # tests serve the issuer's documents from memory

    async def verify(self, token: str) -> Principal:
        return principal_from_claims(await self.claims(token))

    async def claims(self, token: str, audience: str | None = None) -> dict[str, Any]:
        """The checked claims of a token of this issuer; ``audience`` other than the
        verifier's for an ID token (the console checks its own, audience = its client)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"not a JWT: {exc}") from None
        key = await self._key(str(header.get("kid") or ""))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=self.algorithms,
                audience=audience or self.audience,
                issuer=self.issuer,
                leeway=self.leeway_s,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired") from None
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from None
        return claims

    async def _key(self, kid: str) -> Any:
        if kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            # An unknown kid may be a rotated key: fetch again, but not more than once
            # every 10 s, so forged kids cannot make us hammer the issuer.
            if kid not in self._keys and time.monotonic() - self._fetched_at > 10:
                await self._fetch_keys()
        if kid not in self._keys:
            raise Unauthenticated("the token is signed by a key the issuer does not publish")
        return self._keys[kid]

    async def _fetch_keys(self) -> None:
        async with httpx.AsyncClient(timeout=10, transport=self._transport) as http:
            url = self._jwks_url
            if url is None:
                discovery = await http.get(f"{self.issuer}/.well-known/openid-configuration")
                discovery.raise_for_status()
                url = str(discovery.json()["jwks_uri"])
                self._jwks_url = url
            response = await http.get(url)
            response.raise_for_status()
        keys = {}
        for jwk in jwt.PyJWKSet.from_dict(response.json()).keys:
            if jwk.key_id and (jwk.public_key_use in (None, "sig")):
                keys[jwk.key_id] = jwk.key
        self._keys = keys
        self._fetched_at = time.monotonic()


# --- the HTTP side: one dependency, declared on every router ---------------------------

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="oidc",
    description="An access token of the configured OIDC issuer (Keycloak realm `chidao` "
    "locally): `Authorization: Bearer <token>`.",
)


async def authenticate(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The caller, verified; 401 without a valid bearer token. FastAPI caches it per
    request, so a route that also asks for it does not verify twice."""
    if credentials is None:
        raise Unauthenticated("sign in: this endpoint needs a bearer token")
    verifier: TokenVerifier = request.app.state.verifier
    return await verifier.verify(credentials.credentials)


CurrentUser = Annotated[Principal, Depends(authenticate)]
