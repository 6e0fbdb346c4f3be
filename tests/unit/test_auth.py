"""Bearer tokens: what verifies, what is refused (401), and what a token says."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.auth import Principal, Role, TokenVerifier, principal_from_claims
from shared.errors import Forbidden, Unauthenticated

ISSUER = "https://sso.thanhhoa.gov.vn/realms/chidao"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Issuer:
    """An OIDC issuer in memory: discovery, JWKS, and tokens signed with its keys."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {"k1": _key()}
        self.jwks_fetches = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(200, json={"jwks_uri": f"{ISSUER}/certs"})
        self.jwks_fetches += 1
        keys = []
        for kid, key in self.keys.items():
            jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return httpx.Response(200, json={"keys": keys})

    def token(self, kid: str = "k1", key: rsa.RSAPrivateKey | None = None, **claims: Any) -> str:
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "aud": "chidao-api",
            "sub": "883eacad-46fb-4684",
            "iat": now,
            "exp": now + 300,
            "preferred_username": "khtc.sxd",
            "given_name": "Minh",
            "family_name": "Phạm Văn",
            "agency": "sxd-thanhhoa",
            "unit": "KHTC",
            "roles": ["unit_head", "offline_access"],
            **claims,
        }
        return jwt.encode(body, key or self.keys[kid], algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


def verifier(issuer: Issuer) -> TokenVerifier:
    return TokenVerifier(ISSUER, "chidao-api", transport=httpx.MockTransport(issuer.handler))


async def test_a_valid_token_says_who_which_department_and_unit(issuer: Issuer) -> None:
    who = await verifier(issuer).verify(issuer.token())
    assert who == Principal(
        subject="883eacad-46fb-4684",
        username="khtc.sxd",
        name="Phạm Văn Minh",
        agency="sxd-thanhhoa",
        unit="KHTC",
        roles=frozenset({Role.UNIT_HEAD}),
    )
    assert who.actor.name == "Phạm Văn Minh"


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"exp": int(time.time()) - 120}, "expired"),
        ({"aud": "another-api"}, "Audience"),
        ({"iss": "https://evil.example/realms/chidao"}, "issuer"),
    ],
)
async def test_expired_foreign_or_misaddressed_tokens_are_refused(
    issuer: Issuer, claims: dict[str, Any], why: str
) -> None:
    with pytest.raises(Unauthenticated, match=why):
        await verifier(issuer).verify(issuer.token(**claims))


async def test_a_token_signed_with_another_key_is_refused(issuer: Issuer) -> None:
    forged = issuer.token(key=_key())  # right kid, wrong key
    with pytest.raises(Unauthenticated, match="Signature"):
        await verifier(issuer).verify(forged)
    unsigned = jwt.encode({"sub": "x"}, key="", algorithm="none")
    with pytest.raises(Unauthenticated):
        await verifier(issuer).verify(unsigned)
    with pytest.raises(Unauthenticated, match="not a JWT"):
        await verifier(issuer).verify("not-a-token")


async def test_a_rotated_key_is_fetched_once_and_an_unknown_one_refused(issuer: Issuer) -> None:
    check = verifier(issuer)
    await check.verify(issuer.token())
    assert issuer.jwks_fetches == 1
    await check.verify(issuer.token())
    assert issuer.jwks_fetches == 1  # cached
    issuer.keys["k2"] = _key()
    check._fetched_at -= 60  # the last fetch was a while ago
    assert (await check.verify(issuer.token(kid="k2"))).username == "khtc.sxd"
    assert issuer.jwks_fetches == 2
    with pytest.raises(Unauthenticated, match="does not publish"):
        await check.verify(issuer.token(kid="k3", key=_key()))
    assert issuer.jwks_fetches == 2  # not again within 10 s


def test_roles_are_checked_with_a_vietnamese_reason_and_an_english_code() -> None:
    clerk = principal_from_claims(
        {"sub": "s", "preferred_username": "vanthu.sxd", "agency": "sxd", "roles": ["clerk"]}
    )
    clerk.require(Role.CLERK, doing="nhập văn bản")
    with pytest.raises(Forbidden) as refused:
        clerk.require(Role.LEADER, doing="ban hành văn bản")
    assert str(refused.value) == "Chỉ lãnh đạo được ban hành văn bản."
    assert refused.value.code == "role_required"
    province = principal_from_claims(
        {"sub": "p", "roles": ["province_reader"], "province": ["Thanh Hóa"]}
    )
    assert province.agency is None and province.province == "Thanh Hóa"
    with pytest.raises(Forbidden) as no_agency:
        province.agency_or_refuse()
    assert no_agency.value.code == "no_agency"
