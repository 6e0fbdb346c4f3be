"""The `chidao` command: run the local stack, the demo, imports, traces, dead letters."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import httpx
import typer
from rich.console import Console

from chidao import contracts
from chidao.client import ScenarioError
from chidao.stack.cli import register as register_stack
from shared.settings import REPO_ROOT

app = typer.Typer(
    help="chidao: directives, tasks, inspections and reports on Kafka.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
dlq_app = typer.Typer(help="Dead-letter topics: list and redrive failed messages.")
app.add_typer(dlq_app, name="dlq")
report_app = typer.Typer(help="The annual report: show, export, rebuild the read model.")
app.add_typer(report_app, name="report")
agency_app = typer.Typer(
    help="Other agencies subscribe to the public topics, read-only (docs/kafka-security.md).",
    no_args_is_help=True,
)
app.add_typer(agency_app, name="agency")
kafka_app = typer.Typer(help="The stack's Kafka: client settings of its principals.")
app.add_typer(kafka_app, name="kafka")
outbox_app = typer.Typer(help="Outboxes: the rows the broker kept refusing.")
app.add_typer(outbox_app, name="outbox")
ReportingUrl = Annotated[str, typer.Option(envvar="REPORTING_URL")]
register_stack(app)
# Wide enough for the task tables when the output is not a terminal (logs, CI).
console = Console(width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, soft_wrap=True)


def state_dir() -> Path:
    return Path(os.environ.get("CHIDAO_STATE_DIR", REPO_ROOT / ".state"))


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


@app.command()
def demo() -> None:
    """Import and issue the seed letter on the local stack; show each unit's tasks."""
    from chidao.demo import DemoError, run

    try:
        run(console)
    except DemoError as exc:
        raise fail(str(exc)) from exc


@app.command()
def login(
    user: Annotated[str, typer.Argument(help="Your user name, e.g. vanthu.sxd.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Sign in (OIDC, the issuer in CHIDAO_OIDC_ISSUER); later commands act as you."""
    from chidao import session

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt(f"Mật khẩu của {user}", hide_input=True)
    if not password:
        raise fail("no password given")
    try:
        signed_in = session.login(state_dir(), user, password)
    except ScenarioError as exc:
        raise fail(str(exc)) from None
    console.print(f"signed in as {signed_in.username} ({signed_in.issuer})")


@app.command()
def logout() -> None:
    """Sign out: end the session at the identity provider and forget the tokens."""
    from chidao import session

    who = session.logout(state_dir())
    console.print(f"signed out {who}" if who else "not signed in")


def _auth() -> dict[str, str]:
    from chidao import session

    try:
        return session.bearer(state_dir())
    except ScenarioError as exc:
        raise fail(str(exc)) from None


_DOCUMENT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The letter: UTF-8 text, .docx or .pdf.")],
    agency: Annotated[str | None, typer.Option(help="Agency whose unit directory applies.")] = None,
    url: Annotated[str, typer.Option(envvar="DIRECTIVES_URL")] = "http://127.0.0.1:8001",
) -> None:
    """Import a letter (text, .docx or .pdf with a text layer) as a draft; print it (JSON)."""
    media = _DOCUMENT_TYPES.get(file.suffix.lower())
    try:
        data = file.read_bytes()
        text = "" if media else data.decode("utf-8")
    except FileNotFoundError:
        raise fail(f"{file}: no such file") from None
    except UnicodeDecodeError:
        raise fail(f"{file}: not UTF-8 text") from None
    except OSError as exc:
        raise fail(f"{file}: {exc.strerror}") from None
    if not data.strip() or not (media or text.strip()):
        raise fail(f"{file}: the file is empty")
    try:
        if media:
            # The service reads the document (python-docx, pypdf): one reader for all clients.
            response = httpx.post(
                f"{url}/v1/directives/import/document",
                content=data,
                params={"agency": agency} if agency else {},
                headers={**_auth(), "content-type": media},
                timeout=60,
            )
        else:
            response = httpx.post(
                f"{url}/v1/directives/import",
                json={"text": text, "agency": agency},
                headers=_auth(),
                timeout=30,
            )
    except httpx.HTTPError:
        raise fail(f"directives service not reachable at {url} (start it: chidao up)") from None
    if response.status_code >= 400:
        detail = response.json().get("detail")
        message = detail[0]["message"] if isinstance(detail, list) else detail
        raise fail(f"{file}: {message}")
    console.print_json(json.dumps(response.json(), ensure_ascii=False))


@app.command()
def trace(trace_id: str) -> None:
    """Print the span tree of one trace across every service."""
    from chidao.traces import load_spans, span_tree

    spans = load_spans(state_dir(), trace_id.lower())
    if not spans:
        raise fail(f"no spans of trace {trace_id} in {state_dir() / 'traces'}")
    console.print(span_tree(trace_id, spans))


@app.command("contracts")
def write_contracts(
    check: Annotated[
        bool, typer.Option(help="Fail if a generated file is stale or a change breaks.")
    ] = False,
) -> None:
    """Generate contracts/ (JSON Schemas, asyncapi.yaml) from the event models, and
    release the schemas unless a change breaks the released ones."""
    if check:
        stale = [
            name
            for name, text in contracts.expected_files().items()
            if not (contracts.CONTRACTS_DIR / name).exists()
            or (contracts.CONTRACTS_DIR / name).read_text(encoding="utf-8") != text
        ]
        if stale:
            raise fail(f"stale contracts: {', '.join(stale)} (run: chidao contracts)")
        _report_breaking(contracts.breaking_changes())
        console.print("contracts are up to date and compatible with the released ones")
        return
    result = contracts.write()
    for path in result.paths:
        console.print(f"wrote {path.relative_to(REPO_ROOT)}")
    _report_breaking(result.breaking)


def _report_breaking(breaking: dict[str, list[str]]) -> None:
    if not breaking:
        return
    for name, problems in breaking.items():
        for problem in problems:
            console.print(f"[red]{name}[/]: {problem}")
    raise fail(
        "not released: these changes break subscribers or the stored events; keep the "
        "released type and add a new .v2 type instead (docs/event-catalogue.md)"
    )


T = TypeVar("T")


def _kafka_call(coro: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a Kafka operation; what goes wrong is one line and exit status 1."""
    import logging

    from aiokafka.errors import KafkaConnectionError, KafkaError

    from chidao.stack.kafka_admin import KafkaAdminError
    from chidao.stack.procs import StackError

    # aiokafka logs each refused connection itself: the one line below says it all.
    logger = logging.getLogger("aiokafka")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        return asyncio.run(coro())
    except StackError as exc:
        raise fail(" ".join(str(exc).split())) from None
    except KafkaConnectionError as exc:
        raise fail(f"Kafka: cannot connect or log in (is it running? chidao up): {exc}") from None
    except (KafkaAdminError, KafkaError, OSError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise fail(f"Kafka: {message}") from None
    finally:
        logger.setLevel(level)


def _operator() -> Any:
    from chidao.agencies import operator_access
    from chidao.stack.procs import StackError

    try:
        return operator_access()
    except StackError as exc:
        raise fail(" ".join(str(exc).split())) from None


async def _as_admin(action: Callable[[Any], Awaitable[T]]) -> T:
    from chidao.stack.kafka_admin import kafka_admin

    async with kafka_admin(_operator()) as admin:
        return await action(admin)


@dlq_app.command("list")
def dlq_list(service: str) -> None:
    """Show the dead letters of a service, with the error and the source offset."""
    from rich.table import Table

    from chidao.dlq import read_all

    access = _operator()
    letters = _kafka_call(lambda: read_all(access, service))
    table = Table(title=f"chidao.dlq.{service}: {len(letters)} message(s)")
    for column in ("offset", "source", "type", "error"):
        table.add_column(column)
    for letter in letters:
        table.add_row(
            str(letter.offset), letter.source, letter.headers.get("ce_type", "?"), letter.error
        )
    console.print(table)


@dlq_app.command("redrive")
def dlq_redrive(service: str) -> None:
    """Send the service's dead letters back to their source topics (once each)."""
    from chidao.dlq import redrive

    access = _operator()
    count = _kafka_call(lambda: redrive(access, service))
    console.print(f"redriven {count} message(s) from chidao.dlq.{service}")


@agency_app.command("add")
def agency_add(
    name: Annotated[str, typer.Argument(help="Short name, e.g. snv (user agency-snv).")],
    topics: Annotated[
        str | None,
        typer.Option(help="Comma-separated public topics to grant (default: all of them)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create an agency's read-only principal and print what its subscriber needs
    (the password is shown this once and kept nowhere)."""
    from chidao.agencies import add_agency, parse_topics
    from chidao.stack.kafka_security import check_agency_name
    from chidao.stack.procs import StackError

    try:
        check_agency_name(name)
        granted = parse_topics(topics)
    except StackError as exc:
        raise fail(str(exc)) from None
    grant = _kafka_call(lambda: _as_admin(lambda admin: add_agency(admin, name, granted)))
    data = grant.as_json()
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
        return
    console.print(f"Agency [bold]{name}[/bold] may read: {', '.join(data['topics'])}")
    for key in ("bootstrap_servers", "security_protocol", "sasl_mechanism", "username"):
        console.print(f"  {key}: {data[key]}", highlight=False)
    console.print(f"  password: {data['password']}  (shown once, kept nowhere)", highlight=False)
    console.print(f"  consumer groups: {data['group_prefix']}<anything>", highlight=False)
    console.print(f"  event schemas (JSON Schema): {data['schemas']}", highlight=False)
    console.print(
        "Example: kcat -b {b} -X security.protocol={p} -X sasl.mechanisms={m} "
        "-X sasl.username={u} -X sasl.password=... -G {g}reader {t}".format(
            b=data["bootstrap_servers"],
            p=data["security_protocol"],
            m=data["sasl_mechanism"],
            u=data["username"],
            g=data["group_prefix"],
            t=data["topics"][0],
        ),
        highlight=False,
        soft_wrap=True,
    )


@agency_app.command("list")
def agency_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON array.")] = False,
) -> None:
    """The agencies and the topics each may read."""
    from rich.table import Table

    from chidao.agencies import list_agencies

    agencies = _kafka_call(lambda: _as_admin(list_agencies))
    if as_json:
        rows = [
            {
                "agency": a.name,
                "username": a.username,
                "topics": a.topics,
                "group_prefix": a.group_prefix,
            }
            for a in agencies
        ]
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"{len(agencies)} agency principal(s)")
    for column in ("agency", "user", "topics", "groups"):
        table.add_column(column)
    for a in agencies:
        table.add_row(a.name, a.username, ", ".join(a.topics) or "-", f"{a.group_prefix}*")
    console.print(table)


@agency_app.command("remove")
def agency_remove(name: str) -> None:
    """Delete an agency's credential and ACLs: its access ends at once."""
    from chidao.agencies import remove_agency
    from chidao.stack.kafka_security import check_agency_name
    from chidao.stack.procs import StackError

    try:
        check_agency_name(name)
    except StackError as exc:
        raise fail(str(exc)) from None
    if not _kafka_call(lambda: _as_admin(lambda admin: remove_agency(admin, name))):
        raise fail(f"no agency {name}")
    console.print(f"agency {name} removed: its credential and ACLs are gone")


@kafka_app.command("client-config")
def kafka_client_config(
    principal: Annotated[str, typer.Argument(help="admin, or a service: directives, tasks...")],
    style: Annotated[
        str,
        typer.Option(
            "--format",
            help="kcat (librdkafka properties), java (--command-config) "
            "or env (KAFKA_* variables).",
        ),
    ] = "kcat",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Print the Kafka client settings of one of the stack's principals (with its
    password: for kcat, the Kafka tools, scripts)."""
    from chidao.agencies import client_config, render_config, settings_of
    from chidao.stack.procs import StackError

    try:
        access = client_config(principal)
        text = json.dumps(settings_of(access)) + "\n" if as_json else render_config(access, style)
    except StackError as exc:
        raise fail(" ".join(str(exc).split())) from None
    sys.stdout.write(text)


def _reporting_call(method: str, url: str, timeout: float = 60.0) -> httpx.Response:
    try:
        response = httpx.request(method, url, headers=_auth(), timeout=timeout)
    except httpx.HTTPError:
        raise fail(f"reporting service not reachable at {url} (start it: chidao up)") from None
    if response.status_code >= 400:
        raise fail(f"{response.status_code}: {response.json().get('detail')}")
    return response


@report_app.command("rebuild")
def report_rebuild(url: ReportingUrl = "http://127.0.0.1:8004") -> None:
    """Drop the reporting read model, replay every public topic, wait until caught up."""
    with console.status("Rebuilding the read model from the topics..."):
        result = _reporting_call("POST", f"{url}/v1/admin/rebuild", timeout=600).json()
    console.print(
        f"replayed {result['replayed']} events; the read model holds {result['facts']} facts"
    )


@report_app.command("show")
def report_show(agency: str, year: int, url: ReportingUrl = "http://127.0.0.1:8004") -> None:
    """Print the JSON form of an agency's annual report."""
    response = _reporting_call("GET", f"{url}/v1/reports/{agency}/{year}")
    console.print_json(json.dumps(response.json(), ensure_ascii=False))


@report_app.command("export")
def report_export(
    agency: str,
    year: int,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out"),
    url: ReportingUrl = "http://127.0.0.1:8004",
) -> None:
    """Write the annual report as JSON and DOCX into a folder."""
    from chidao.client import export_report

    try:
        paths = export_report(url, agency, year, out, headers=_auth())
    except ScenarioError as exc:
        raise fail(str(exc)) from None
    except httpx.HTTPError as exc:
        raise fail(f"reporting service at {url}: {exc}") from None
    for path in paths:
        console.print(f"wrote {path}")


@outbox_app.command("stuck")
def outbox_stuck(service: str) -> None:
    """List the outbox rows of a service set aside after the broker kept refusing them."""
    from rich.table import Table

    from chidao.outbox import stuck_rows
    from chidao.stack.stack import LocalStack

    env = f"{service.upper()}_DATABASE_URL"
    url = os.environ.get(env) or LocalStack(state_dir=state_dir()).database_url(service)
    try:
        rows = asyncio.run(stuck_rows(url))
    except OSError as exc:
        raise fail(
            f"database of {service} not reachable ({exc}); set {env} or: chidao up"
        ) from None
    table = Table(title=f"{service}: {len(rows)} outbox row(s) set aside")
    for column in ("id", "event", "type", "topic", "bytes", "tries", "set aside", "error"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r.id),
            r.event_id,
            r.event_type,
            r.topic,
            f"{r.size:,}",
            str(r.attempts),
            f"{r.set_aside_at:%d/%m/%Y %H:%M}",
            r.last_error or "",
        )
    console.print(table)


if __name__ == "__main__":
    app()
