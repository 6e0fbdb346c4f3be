"""Who may do what, on every route of every service: the real services, real tokens
from the real Keycloak (the demo realm's people), nothing mocked.

- `MATRIX` has a row per route of every service and, in each row, the outcome for
  each of the nine people below: OK (2xx), 404 (another department's id: it does not
  exist for them) or a 403 with its code (`{"detail": <Vietnamese>, "code": ...}`).
  The routes a service serves are read from its OpenAPI document: one the matrix does
  not cover fails `test_the_matrix_covers_every_route_of_every_service`.
- Without a valid token (none, not a JWT, a forged signature, another key, expired)
  every route is 401 with `WWW-Authenticate: Bearer`.
- The rules of the issue, one test each: a unit head cannot complete another unit's
  task and lists its own unit's only; the second department sees nothing of the first
  and cannot number in its series; the province's reader writes nothing and reads a
  report once it is submitted; an operator reads no business data.
- Who acted is recorded: the leader on `chidao.directive.issued`, the unit head in the
  task's history.

Every object a row acts on is made for that row in `world` (a refusal changes
nothing, so only the one allowed person's call changes it): the cells do not depend
on each other's order.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chidao.people import CLIENT_ID, DEMO_PASSWORD
from shared.clock import VN_TZ
from shared.contracts.events import TOPIC_DIRECTIVES
from tests.integration.conftest import FIXTURES, Platform
from tests.integration.helpers import assignment, content, get_all, ok, set_clock, wait_for_tasks
from tests.integration.kafka_tools import Record, read_topic

# --- who ---------------------------------------------------------------------------------

CLERK = "vanthu.sxd"  # văn thư, Sở Xây dựng (sxd-thanhhoa)
LEADER = "giamdoc.sxd"  # lãnh đạo (and head of the Ban Giám đốc, GD)
OFFICE = "vanphong.sxd"  # head of the Văn phòng Sở (VP): the matrix's tasks are VP's
KHTC = "khtc.sxd"  # head of the Phòng Kế hoạch - Tài chính (KHTC)
INSPECTOR = "thanhtra.sxd"  # thanh tra (and head of the Thanh tra Sở, TTr)
CLERK_2 = "vanthu.sgtvt"  # văn thư, Sở Giao thông vận tải: the second department
LEADER_2 = "giamdoc.sgtvt"  # its lãnh đạo
PROVINCE = "snv"  # Sở Nội vụ: the province's reader
OPERATOR = "vanhanh"  # vận hành

SXD_PEOPLE = (CLERK, LEADER, OFFICE, KHTC, INSPECTOR)
SGTVT_PEOPLE = (CLERK_2, LEADER_2)
USERS = (*SXD_PEOPLE, *SGTVT_PEOPLE, PROVINCE, OPERATOR)

SXD, SGTVT = "sxd-thanhhoa", "sgtvt-thanhhoa"
SERVICES = ("directives", "tasks", "inspections", "reporting")

# --- outcomes ----------------------------------------------------------------------------

OK = "ok"  # 2xx
NOT_FOUND = "not_found"  # 404: another department's id does not exist for the caller
ROLE = "role_required"  # 403 codes, as the services answer them
OTHER_AGENCY = "other_agency"
OTHER_UNIT = "other_unit"
NO_AGENCY = "no_agency"  # an account of no department (the province, the operator)
FORBIDDEN = (ROLE, OTHER_AGENCY, OTHER_UNIT, NO_AGENCY)


def expect(otherwise: str, given: Mapping[str, str] | None = None) -> dict[str, str]:
    """The outcome for every one of `USERS`: `given`, else `otherwise`."""
    given = given or {}
    assert set(given) <= set(USERS), set(given) - set(USERS)
    return {user: given.get(user, otherwise) for user in USERS}


def each(users: tuple[str, ...], outcome: str) -> dict[str, str]:
    return dict.fromkeys(users, outcome)


# Department members list their own department's (the second one's lists hold none of
# the first's: `test_the_second_department_sees_nothing_of_the_first`); the province's
# reader and the operator have no department to list.
OWN_LIST = expect(ROLE, each((*SXD_PEOPLE, *SGTVT_PEOPLE), OK))
# An id of Sở Xây dựng's: its people read it; for everyone else it does not exist.
OWN_READ = expect(NOT_FOUND, each(SXD_PEOPLE, OK))
# A VP task's work: its lead unit's head only. The leader and the inspector are heads
# of other units (GD, TTr), so for them it is another unit's task.
UNIT_WORK = expect(ROLE, {OFFICE: OK, KHTC: OTHER_UNIT, LEADER: OTHER_UNIT, INSPECTOR: OTHER_UNIT})
# The leader's: the second department's leader holds the role, but not the id.
LEADERS_WORK = expect(ROLE, {LEADER: OK, LEADER_2: NOT_FOUND})
OPERATORS_WORK = expect(ROLE, {OPERATOR: OK})
INSPECTORS_WORK = expect(ROLE, {INSPECTOR: OK})

# --- when and what -----------------------------------------------------------------------

CLOCK = dt.datetime(2032, 3, 2, 9, 0, tzinfo=VN_TZ)  # a year no other test plays
DUE = "2032-06-30"  # the matrix's tasks' deadline
READ_YEAR = 2031  # a report read, never submitted
SUBMIT_YEAR = 2030  # the report the matrix's leader submits
SHOWN_YEAR = 2029  # submitted in `test_the_province_reads_a_report_once_it_is_submitted`
PROVINCE_NAME = "Thanh Hóa"

SEED = (FIXTURES / "letters" / "seed_sxd_2020.txt").read_text(encoding="utf-8")
TASKS = ("read", "acknowledge", "progress", "complete", "extend", "grant", "spare")
KHTC_TASKS = ("listed", "completed")
PLAN = {
    "title": "Kiểm tra việc thực hiện văn hóa công vụ quý I/2032",
    "decision": {
        "number": "12",
        "symbol": "QĐ-SXD",
        "date": "2032-02-10",
        "issuer": "Giám đốc Sở Xây dựng",
    },
    "team": [{"name": "Hoàng Văn Dũng", "role": "head", "unit": "TTr"}],
    "targets": ["KHTC"],
    "period_start": "2032-02-15",
    "period_end": "2032-02-20",
}
RESULT = {"unit": "KHTC", "criterion": "ATT-HOURS", "inspected_on": "2032-02-16"}
FINDING = {"severity": "minor", "description": "Đi muộn", "remediation_due": "2032-04-30"}
CLOCK_BODY = {"now": CLOCK.isoformat(), "frozen": True}

# --- the matrix --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A route of a service, what the call sends, and each person's outcome."""

    service: str
    route: str  # "METHOD /path", the path as the service's OpenAPI document writes it
    expected: dict[str, str]
    on: dict[str, str] = field(default_factory=dict)  # path parameter -> `world` key
    body: Any = None
    document: bytes | None = None  # sent as text/plain instead of a JSON body

    @property
    def method(self) -> str:
        return self.route.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.route.split(" ", 1)[1]

    def url(self, platform: Platform, world: Mapping[str, str]) -> str:
        values = {name: quote(world[key], safe="") for name, key in self.on.items()}
        return platform.url(self.service) + self.path.format(**values)


def _clock_rows() -> Iterator[Row]:
    for service in SERVICES:
        # Anyone signed in may ask a service its time; only the operator moves it.
        yield Row(service, "GET /v1/clock", expect(OK))
        yield Row(service, "PUT /v1/clock", OPERATORS_WORK, body=CLOCK_BODY)


MATRIX: tuple[Row, ...] = (
    # --- directives ---------------------------------------------------------------------
    Row(
        "directives",
        "POST /v1/directives/import",
        expect(ROLE, {CLERK: OK, CLERK_2: OK}),  # each into their own department
        body={"text": SEED},
    ),
    Row(
        "directives",
        "POST /v1/directives/import/document",
        expect(ROLE, {CLERK: OK, CLERK_2: OK}),
        document=SEED.encode(),
    ),
    Row(
        "directives",
        "POST /v1/directives",
        expect(ROLE, {CLERK: OK, CLERK_2: OK}),
        body={"content": content("Về việc đeo thẻ công chức")},
    ),
    Row(
        "directives",
        "PUT /v1/directives/{directive_id}",
        expect(ROLE, {CLERK: OK, CLERK_2: NOT_FOUND}),
        on={"directive_id": "draft to edit"},
        body=content("Về việc trang phục công sở"),
    ),
    Row(
        "directives",
        "POST /v1/directives/{directive_id}/issue",
        LEADERS_WORK,
        on={"directive_id": "draft to issue"},
    ),
    Row(
        "directives",
        "POST /v1/directives/{directive_id}/revoke",
        LEADERS_WORK,
        on={"directive_id": "issued to revoke"},
        body={"reason": "Ban hành nhầm"},
    ),
    # The province reader reads every issued directive of its province (docs/lineage.md).
    Row(
        "directives",
        "GET /v1/directives/{directive_id}",
        OWN_READ | {PROVINCE: OK},
        on={"directive_id": "directive"},
    ),
    Row(
        "directives",
        "GET /v1/directives/{directive_id}/lineage",
        OWN_READ | {PROVINCE: OK},
        on={"directive_id": "directive"},
    ),
    # The province reader: its province's directives that give departments duties.
    Row("directives", "GET /v1/directives", OWN_LIST | {PROVINCE: OK}),
    Row("directives", "GET /v1/org/{agency}", OWN_READ, on={"agency": "agency"}),
    # The register of outgoing documents: its department's clerk and leader read it; the
    # clerk continues it from the paper one (a number far ahead: it only moves forward).
    Row(
        "directives",
        "GET /v1/number-series/{agency}/{year}",
        expect(ROLE, {CLERK: OK, LEADER: OK, CLERK_2: OTHER_AGENCY, LEADER_2: OTHER_AGENCY}),
        on={"agency": "agency", "year": "register year"},
    ),
    Row(
        "directives",
        "PUT /v1/number-series/{agency}/{year}",
        expect(ROLE, {CLERK: OK, CLERK_2: OTHER_AGENCY}),
        on={"agency": "agency", "year": "register year"},
        body={"last_issued": 500},
    ),
    # --- tasks (of the Văn phòng Sở, VP) --------------------------------------------------
    Row("tasks", "GET /v1/tasks", OWN_LIST),
    Row(
        "tasks",
        "GET /v1/tasks/{task_id}",
        OWN_READ | {KHTC: OTHER_UNIT},
        on={"task_id": "task read"},
    ),
    Row(
        "tasks",
        "POST /v1/tasks/{task_id}/acknowledge",
        UNIT_WORK,
        on={"task_id": "task acknowledge"},
        body={"by": "Chánh Văn phòng"},
    ),
    Row(
        "tasks",
        "POST /v1/tasks/{task_id}/progress",
        UNIT_WORK,
        on={"task_id": "task progress"},
        body={"percent": 40, "note": "Đang dự thảo"},
    ),
    Row(
        "tasks",
        "POST /v1/tasks/{task_id}/complete",
        UNIT_WORK,
        on={"task_id": "task complete"},
        body={"result": "Đã hoàn thành"},
    ),
    Row(
        "tasks",
        "POST /v1/tasks/{task_id}/extension-request",
        UNIT_WORK,
        on={"task_id": "task extend"},
        body={"requested_due_date": "2032-07-31", "reason": "Chờ số liệu"},
    ),
    Row(
        "tasks",
        "POST /v1/tasks/{task_id}/extension-grant",
        LEADERS_WORK,
        on={"task_id": "task grant"},  # its extension was requested in `world`
        body={"reason": "Đồng ý"},
    ),
    Row("tasks", "POST /v1/tasks/overdue-scan", OPERATORS_WORK),
    # --- inspections --------------------------------------------------------------------
    # The criteria are the regulation's list (reference data, the same for all): anyone
    # signed in reads them, the operator and the province's reader included.
    Row("inspections", "GET /v1/criteria", expect(OK)),
    # The plan's agency is resolved (the body's, else the token's) before the role is
    # checked: an account of no department hears that first.
    Row(
        "inspections",
        "POST /v1/inspections",
        INSPECTORS_WORK | {PROVINCE: NO_AGENCY, OPERATOR: NO_AGENCY},
        body=PLAN,
    ),
    Row("inspections", "GET /v1/inspections", OWN_LIST),
    Row(
        "inspections",
        "GET /v1/inspections/{inspection_id}",
        OWN_READ,
        on={"inspection_id": "inspection to record"},
    ),
    Row(
        "inspections",
        "POST /v1/inspections/{inspection_id}/results",
        INSPECTORS_WORK,
        on={"inspection_id": "inspection to record"},
        body=[RESULT],
    ),
    Row(
        "inspections",
        "POST /v1/inspections/{inspection_id}/complete",
        INSPECTORS_WORK,
        on={"inspection_id": "inspection to complete"},  # its results recorded in `world`
    ),
    Row("inspections", "GET /v1/violations", OWN_LIST),
    Row(
        "inspections",
        "POST /v1/violations/{violation_id}/verify",
        INSPECTORS_WORK,
        on={"violation_id": "violation"},
        body={"note": "Đã kiểm tra lại, thực hiện nghiêm"},
    ),
    # --- reporting ----------------------------------------------------------------------
    # Never submitted: the province's reader does not see it yet.
    Row(
        "reporting",
        "GET /v1/reports/{agency}/{year}",
        OWN_READ,
        on={"agency": "agency", "year": "read year"},
    ),
    Row(
        "reporting",
        "GET /v1/reports/{agency}/{year}/docx",
        OWN_READ,
        on={"agency": "agency", "year": "read year"},
    ),
    # The Office drafts the report's text for the leader to sign (the yearly report
    # duty is the Văn phòng's). People of no department (the province's reader, the
    # operator) write nothing: 403; another department's find no such report: 404.
    Row(
        "reporting",
        "PUT /v1/reports/{agency}/{year}/narrative",
        expect(
            NOT_FOUND,
            each(SXD_PEOPLE, ROLE) | {LEADER: OK, OFFICE: OK, PROVINCE: ROLE, OPERATOR: ROLE},
        ),
        on={"agency": "agency", "year": "read year"},
        body={"sections": {"overview": "Năm qua, Sở đã triển khai đầy đủ Đề án."}},
    ),
    Row(
        "reporting",
        "POST /v1/reports/{agency}/{year}/submit",
        expect(NOT_FOUND, each(SXD_PEOPLE, ROLE) | {LEADER: OK, PROVINCE: ROLE, OPERATOR: ROLE}),
        on={"agency": "agency", "year": "submit year"},
    ),
    Row("reporting", "GET /v1/reminders", OWN_LIST),
    Row(
        "reporting",
        "GET /v1/provinces/{province}/reports/{year}",
        expect(ROLE, {PROVINCE: OK}),
        on={"province": "province", "year": "read year"},
    ),
    Row("reporting", "POST /v1/admin/rebuild", OPERATORS_WORK),
    # --- every service ------------------------------------------------------------------
    *_clock_rows(),
)

# Served without a token: the probes (and /openapi.json, /docs, which the documents
# themselves do not list).
# No business data: health for probes, metrics for Prometheus, the event catalogue
# (already public in the repository) for subscribers.
PUBLIC = {
    ("GET", "/health"),
    ("GET", "/health/live"),
    ("GET", "/health/ready"),
    ("GET", "/metrics"),
    ("GET", "/v1/asyncapi.yaml"),
}
WRITES = ("POST", "PUT", "PATCH", "DELETE")
# What an operator may read: a service's time, and the reference list of criteria.
NOT_BUSINESS_DATA = {"GET /v1/clock", "GET /v1/criteria"}


def _cells() -> list[Any]:
    return [
        pytest.param(row, user, id=f"{row.service} {row.route} {user}")
        for row in MATRIX
        for user in USERS
    ]


# --- the world the rows act on ---------------------------------------------------------


@pytest.fixture(scope="module")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60.0) as client:
        yield client


@pytest.fixture(scope="module")
async def world(platform: Platform, http: httpx.AsyncClient) -> dict[str, str]:
    """The objects the rows act on, each made by the person whose job it is, on
    2 March 2032: drafts, an issued directive with its VP and KHTC tasks (one per row
    that changes a task), inspections at each stage, a violation."""
    people = platform.people
    clerk, leader = people.headers("clerk"), people.headers("leader")
    inspector = people.headers("inspector")
    urls = [platform.url(s) for s in SERVICES]
    await set_clock(http, urls, CLOCK, people.headers("operator"))
    directives, tasks_url = platform.url("directives"), platform.url("tasks")
    inspections = platform.url("inspections")

    async def draft(body: dict[str, Any]) -> str:
        made = ok(await http.post(f"{directives}/v1/directives", json=body, headers=clerk), 201)
        return str(made["id"])

    async def issue(directive_id: str) -> None:
        ok(await http.post(f"{directives}/v1/directives/{directive_id}/issue", headers=leader))

    made: dict[str, str] = {
        "agency": SXD,
        "province": PROVINCE_NAME,
        "read year": str(READ_YEAR),
        "register year": str(CLOCK.year),
        "submit year": str(SUBMIT_YEAR),
        "draft to edit": await draft({"content": content("Về việc giờ làm việc")}),
        "draft to issue": await draft({"content": content("Về việc tiếp công dân")}),
        "issued to revoke": await draft({"content": content("Về việc ban hành nhầm")}),
    }
    await issue(made["issued to revoke"])

    deadline = {"kind": "date", "date": DUE}
    duties = [
        *(assignment("VP", "Văn phòng Sở", f"Nhiệm vụ {name}", deadline) for name in TASKS),
        *(
            assignment("KHTC", "Phòng Kế hoạch - Tài chính", f"Nhiệm vụ {name}", deadline)
            for name in KHTC_TASKS
        ),
    ]
    directive = await draft({"content": content("Về việc thực hiện văn hóa công vụ", *duties)})
    await issue(directive)
    made["directive"] = directive
    tasks = await wait_for_tasks(http, tasks_url, directive, len(duties), leader)
    for task in tasks:
        made[f"task {task['action'].removeprefix('Nhiệm vụ ')}"] = task["id"]
    ok(
        await http.post(
            f"{tasks_url}/v1/tasks/{made['task grant']}/extension-request",
            json={"requested_due_date": "2032-07-31", "reason": "Chờ số liệu quý II"},
            headers=people.headers("unit_head", "VP"),
        )
    )

    async def plan(results: list[dict[str, Any]], complete: bool) -> str:
        planned = ok(
            await http.post(f"{inspections}/v1/inspections", json=PLAN, headers=inspector), 201
        )
        url = f"{inspections}/v1/inspections/{planned['id']}"
        if results:
            ok(await http.post(f"{url}/results", json=results, headers=inspector))
        if complete:
            ok(await http.post(f"{url}/complete", headers=inspector))
        return str(planned["id"])

    made["inspection to record"] = await plan([], complete=False)
    made["inspection to complete"] = await plan([RESULT], complete=False)
    found = await plan([{**RESULT, "finding": FINDING}], complete=True)
    (violation,) = await get_all(
        http, f"{inspections}/v1/violations", {"inspection_id": found}, inspector
    )
    made["violation"] = violation["id"]
    return made


# --- the checks ------------------------------------------------------------------------

# A letter only Vietnamese writes: the reason given to a person is in their language.
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def assert_outcome(response: httpx.Response, expected: str, who: str) -> None:
    request = response.request
    answer = f"{response.status_code} {response.text[:300]}"
    where = f"{request.method} {request.url.path} as {who}: {answer}"
    if expected == OK:
        assert response.is_success, where
    elif expected == NOT_FOUND:
        assert response.status_code == 404, where
    else:
        assert expected in FORBIDDEN
        assert response.status_code == 403, where
        body = response.json()
        assert set(body) == {"detail", "code"}, where
        assert body["code"] == expected, where
        assert VIETNAMESE.search(body["detail"]), f"{where}: the reason is not Vietnamese"


async def call(
    http: httpx.AsyncClient,
    platform: Platform,
    row: Row,
    world: Mapping[str, str],
    headers: Mapping[str, str] | None,
) -> httpx.Response:
    kwargs: dict[str, Any] = {"headers": dict(headers or {})}
    if row.body is not None:
        kwargs["json"] = row.body
    if row.document is not None:
        kwargs["content"] = row.document
        kwargs["headers"]["Content-Type"] = "text/plain; charset=utf-8"
    return await http.request(row.method, row.url(platform, world), **kwargs)


@pytest.mark.parametrize(("row", "user"), _cells())
async def test_matrix(
    platform: Platform, http: httpx.AsyncClient, world: dict[str, str], row: Row, user: str
) -> None:
    response = await call(http, platform, row, world, platform.auth(user))
    assert_outcome(response, row.expected[user], user)


async def test_the_matrix_covers_every_route_of_every_service(
    platform: Platform, http: httpx.AsyncClient
) -> None:
    """New routes cannot slip in unchecked: each service's OpenAPI document (served
    without a token) lists exactly the matrix's routes plus the public probes."""
    for service in SERVICES:
        spec = ok(await http.get(f"{platform.url(service)}/openapi.json"))
        served = {
            (method.upper(), path): operation
            for path, operations in spec["paths"].items()
            for method, operation in operations.items()
        }
        open_ = {route for route, operation in served.items() if "security" not in operation}
        assert open_ == PUBLIC, f"{service}: served without a token: {sorted(open_)}"
        covered = {(row.method, row.path) for row in MATRIX if row.service == service}
        missing = sorted(set(served) - PUBLIC - covered)
        assert not missing, f"{service}: routes the authorization matrix does not cover: {missing}"
        gone = sorted(covered - set(served))
        assert not gone, f"{service}: the matrix has routes the service does not serve: {gone}"
        for method, path in PUBLIC:
            response = await http.request(method, f"{platform.url(service)}{path}")
            assert response.status_code in (200, 503), f"{service} {path}: {response.status_code}"
        assert (await http.get(f"{platform.url(service)}/docs")).status_code == 200


def test_the_matrix_keeps_the_rules_of_the_issue() -> None:
    """The table itself says what the issue says, so that editing a cell cannot quietly
    drop a rule: every person has an outcome on every route; the province's reader
    writes nothing; the operator reads no business data."""
    for row in MATRIX:
        assert set(row.expected) == set(USERS), row.route
        if row.method in WRITES:
            assert row.expected[PROVINCE] in FORBIDDEN, f"{row.route}: the province writes"
        elif row.route not in NOT_BUSINESS_DATA:
            assert row.expected[OPERATOR] in (ROLE, NOT_FOUND), f"{row.route}: operator reads"


# --- without a valid token ---------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_tokens(platform: Platform) -> dict[str, str]:
    """Tokens that must not open any route, each with the reason the service gives."""
    real = platform.people.token(CLERK)
    header, payload, signature = real.split(".")
    middle = len(signature) // 2  # not the last character: its low bits are padding
    flipped = "B" if signature[middle] == "A" else "A"
    forged = f"{header}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"
    # The same claims and key id, signed with a key Keycloak never published.
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(real, options={"verify_signature": False})
    kid = jwt.get_unverified_header(real)["kid"]
    resigned = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": kid})
    return {
        "not a JWT": "not-a-token",
        "signature flipped": forged,
        "signed with another key": resigned,
        "expired": _expired_token(platform),
    }


def _expired_token(platform: Platform) -> str:
    """A token Keycloak itself signed for the clerk, already expired by two minutes.

    Keycloak takes a client's own access token lifespan even when negative, so a client
    made for this (a copy of the CLI's, mappers included) issues tokens whose `exp` is
    in the past. Shortening the realm's lifespan and waiting would cost half a minute:
    the services allow 30 s of clock skew. Nothing shared is changed, and the client is
    deleted again."""
    base, realm = platform.stack.oidc_issuer.rsplit("/realms/", 1)
    admin = httpx.post(
        f"{base}/realms/master/protocol/openid-connect/token",
        data={
            "client_id": "admin-cli",
            "grant_type": "password",
            "username": "admin",
            "password": platform.stack.keycloak_admin_password(),
        },
        timeout=30,
    )
    admin.raise_for_status()
    clients = f"{base}/admin/realms/{realm}/clients"
    client_id = f"chidao-tests-expired-{uuid.uuid4().hex[:8]}"
    with httpx.Client(
        timeout=30, headers={"Authorization": f"Bearer {admin.json()['access_token']}"}
    ) as kc:
        (cli,) = kc.get(clients, params={"clientId": CLIENT_ID}).json()
        copy = {k: v for k, v in cli.items() if k not in ("id", "clientId")}
        copy["protocolMappers"] = [
            {k: v for k, v in m.items() if k != "id"} for m in cli.get("protocolMappers", [])
        ]
        copy["attributes"] = {**cli.get("attributes", {}), "access.token.lifespan": "-120"}
        created = kc.post(clients, json={**copy, "clientId": client_id})
        assert created.status_code == 201, created.text
        try:
            tokens = httpx.post(
                f"{platform.stack.oidc_issuer}/protocol/openid-connect/token",
                data={
                    "client_id": client_id,
                    "grant_type": "password",
                    "username": CLERK,
                    "password": DEMO_PASSWORD,
                },
                timeout=30,
            )
            tokens.raise_for_status()
        finally:
            kc.delete(created.headers["Location"]).raise_for_status()
    token = str(tokens.json()["access_token"])
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] < time.time() - 60, "Keycloak issued a token that has not expired"
    assert claims["aud"] == "chidao-api" or "chidao-api" in claims["aud"]
    return token


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: f"{row.service} {row.route}")
async def test_without_a_valid_token_every_route_is_401(
    platform: Platform,
    http: httpx.AsyncClient,
    world: dict[str, str],
    bad_tokens: dict[str, str],
    row: Row,
) -> None:
    attempts: dict[str, dict[str, str]] = {"no token": {}}
    attempts |= {what: {"Authorization": f"Bearer {t}"} for what, t in bad_tokens.items()}
    for what, headers in attempts.items():
        response = await call(http, platform, row, world, headers)
        where = f"{row.route} with {what}: {response.status_code} {response.text[:200]}"
        assert response.status_code == 401, where
        assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), where
        assert response.json()["code"] == "unauthenticated", where
        if what == "expired":
            assert "expired" in response.json()["detail"], where


# --- the rules of the issue, one by one --------------------------------------------------


async def test_a_unit_head_cannot_complete_another_units_task(
    platform: Platform, http: httpx.AsyncClient, world: dict[str, str]
) -> None:
    task = f"{platform.url('tasks')}/v1/tasks/{world['task spare']}"
    refused = await http.post(
        f"{task}/complete", json={"result": "Xong"}, headers=platform.auth(KHTC)
    )
    assert_outcome(refused, OTHER_UNIT, KHTC)
    assert "Văn phòng Sở" in refused.json()["detail"]  # whose task it is
    untouched = ok(await http.get(task, headers=platform.auth(LEADER)))
    assert untouched["status"] == "assigned"
    assert [h["kind"] for h in untouched["history"]] == ["assigned"]


async def test_a_unit_head_lists_its_own_units_tasks_only(
    platform: Platform, http: httpx.AsyncClient, world: dict[str, str]
) -> None:
    url = f"{platform.url('tasks')}/v1/tasks"
    mine = await get_all(http, url, None, platform.auth(KHTC))
    everything = await get_all(http, url, None, platform.auth(LEADER))

    def involves_khtc(task: dict[str, Any]) -> bool:
        units = [task["lead_unit"], *task["coordinating_units"]]
        return any(u["code"] == "KHTC" for u in units)

    assert mine and all(involves_khtc(t) for t in mine)
    assert {t["id"] for t in mine} == {t["id"] for t in everything if involves_khtc(t)}
    ids = {t["id"] for t in mine}
    assert {world["task listed"], world["task completed"]} <= ids
    assert not {world[f"task {name}"] for name in TASKS} & ids  # the Office's


async def test_the_second_department_sees_nothing_of_the_first(
    platform: Platform, http: httpx.AsyncClient, world: dict[str, str]
) -> None:
    directives = f"{platform.url('directives')}/v1/directives"
    first = [world[k] for k in ("draft to edit", "draft to issue", "directive")]
    for user in (CLERK_2, LEADER_2):
        headers = platform.auth(user)
        for directive_id in first:
            response = await http.get(f"{directives}/{directive_id}", headers=headers)
            assert_outcome(response, NOT_FOUND, user)
        listed = await get_all(http, directives, None, headers)
        assert {d["agency"] for d in listed} <= {SGTVT}
        assert not {d["id"] for d in listed} & set(first)
        named = await http.get(directives, params={"agency": SXD}, headers=headers)
        assert_outcome(named, OTHER_AGENCY, user)
        for service, path in (
            ("tasks", "/v1/tasks"),
            ("inspections", "/v1/inspections"),
            ("inspections", "/v1/violations"),
            ("reporting", "/v1/reminders"),
        ):
            found = await get_all(http, f"{platform.url(service)}{path}", None, headers)
            assert {item["agency"] for item in found} <= {SGTVT}, (user, path)
    imported = await http.post(
        f"{directives}/import", json={"text": SEED, "agency": SXD}, headers=platform.auth(CLERK_2)
    )
    assert_outcome(imported, OTHER_AGENCY, CLERK_2)

    # Nor can it number in the first's series: its leader's refused issue takes no number.
    clerk, leader = platform.auth(CLERK), platform.auth(LEADER)
    before, target = [
        ok(await http.post(directives, json={"content": content(s)}, headers=clerk), 201)["id"]
        for s in ("Về việc phòng cháy", "Về việc tiết kiệm điện")
    ]
    numbered = ok(await http.post(f"{directives}/{before}/issue", headers=leader))
    refused = await http.post(f"{directives}/{target}/issue", headers=platform.auth(LEADER_2))
    assert_outcome(refused, NOT_FOUND, LEADER_2)
    still = ok(await http.get(f"{directives}/{target}", headers=clerk))
    assert (still["status"], still["number"]) == ("draft", None)
    issued = ok(await http.post(f"{directives}/{target}/issue", headers=leader))
    assert int(issued["number"]) == int(numbered["number"]) + 1
    assert issued["reference"].endswith("/TB-SXD")


async def test_the_province_reads_a_report_once_it_is_submitted(
    platform: Platform, http: httpx.AsyncClient, world: dict[str, str]
) -> None:
    report = f"{platform.url('reporting')}/v1/reports/{SXD}/{SHOWN_YEAR}"
    province = platform.auth(PROVINCE)
    for url in (report, f"{report}/docx"):
        assert_outcome(await http.get(url, headers=province), NOT_FOUND, PROVINCE)
    submitted = ok(await http.post(f"{report}/submit", headers=platform.auth(LEADER)))
    assert submitted["report_id"] == f"{SXD}/{SHOWN_YEAR}"
    shown = ok(await http.get(report, headers=province))
    assert (shown["agency"], shown["year"]) == (SXD, SHOWN_YEAR)
    docx = await http.get(f"{report}/docx", headers=province)
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    # The other department's people still find nothing.
    other = await http.get(report, headers=platform.auth(LEADER_2))
    assert_outcome(other, NOT_FOUND, LEADER_2)


async def test_the_province_reader_is_refused_a_write_to_the_report_it_reads(
    platform: Platform, http: httpx.AsyncClient, world: dict[str, str]
) -> None:
    """The reader writes nothing, and is told so (403): a report they have just read
    cannot answer them "not found" when they try to change it."""
    report = f"{platform.url('reporting')}/v1/reports/{SXD}/{SHOWN_YEAR}"
    province = platform.auth(PROVINCE)
    submitted = await http.post(f"{report}/submit", headers=platform.auth(LEADER))
    assert submitted.status_code in (200, 409)  # 409: the test above submitted it
    ok(await http.get(report, headers=province))
    edit = await http.put(
        f"{report}/narrative", json={"sections": {"overview": "Sửa"}}, headers=province
    )
    assert_outcome(edit, ROLE, PROVINCE)
    again = await http.post(f"{report}/submit", headers=province)
    assert_outcome(again, ROLE, PROVINCE)


# --- who acted -----------------------------------------------------------------------


def subject(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


async def test_the_leader_who_issues_is_on_the_directive_issued_event(
    platform: Platform, http: httpx.AsyncClient, world: dict[str, str]
) -> None:
    directives = f"{platform.url('directives')}/v1/directives"
    draft = ok(
        await http.post(
            directives,
            json={"content": content("Về việc văn hóa giao tiếp")},
            headers=platform.auth(CLERK),
        ),
        201,
    )
    ok(await http.post(f"{directives}/{draft['id']}/issue", headers=platform.auth(LEADER)))

    def issued(records: list[Record]) -> list[Record]:
        return [
            r
            for r in records
            if r.headers.get("ce_subject") == draft["id"]
            and r.headers.get("ce_type") == "chidao.directive.issued.v1"
        ]

    (record,) = issued(
        await read_topic(platform.kafka, TOPIC_DIRECTIVES, lambda rs: bool(issued(rs)))
    )
    event = json.loads(record.value or b"{}")
    # The display name puts the family name first, as Vietnamese write it.
    assert event["actor"] == {
        "subject": subject(platform.people.token(LEADER)),
        "name": "Trần Quốc Hùng",
    }


async def test_the_unit_head_who_completes_is_in_the_tasks_history(
    platform: Platform, http: httpx.AsyncClient, world: dict[str, str]
) -> None:
    task = f"{platform.url('tasks')}/v1/tasks/{world['task completed']}"
    done = ok(
        await http.post(
            f"{task}/complete",
            json={"result": "Đã rà soát định mức chi"},
            headers=platform.auth(KHTC),
        )
    )
    expected = {"subject": subject(platform.people.token(KHTC)), "name": "Phạm Văn Minh"}
    for seen in (done, ok(await http.get(task, headers=platform.auth(LEADER)))):
        entry = seen["history"][-1]
        assert entry["kind"] == "completed"
        assert entry["data"]["actor"] == expected
