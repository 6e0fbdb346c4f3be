"""The `chidao` command: run the local stack, the demo, imports, traces, dead letters."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Annotated

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


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Plain-text letter (UTF-8).")],
    agency: Annotated[str | None, typer.Option(help="Agency whose unit directory applies.")] = None,
    url: Annotated[str, typer.Option(envvar="DIRECTIVES_URL")] = "http://127.0.0.1:8001",
) -> None:
    """Import a letter as a draft directive and print it (JSON)."""
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(f"{file}: no such file") from None
    except UnicodeDecodeError:
        raise fail(f"{file}: not UTF-8 text") from None
    except OSError as exc:
        raise fail(f"{file}: {exc.strerror}") from None
    if not text.strip():
        raise fail(f"{file}: the file is empty")
    try:
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
    check: Annotated[bool, typer.Option(help="Fail if a committed schema is stale.")] = False,
) -> None:
    """Generate contracts/<ce_type>.schema.json from the event models."""
    if check:
        stale = [
            name
            for name, text in contracts.expected_files().items()
            if not (contracts.CONTRACTS_DIR / name).exists()
            or (contracts.CONTRACTS_DIR / name).read_text(encoding="utf-8") != text
        ]
        if stale:
            raise fail(f"stale contracts: {', '.join(stale)} (run: chidao contracts)")
        console.print("contracts are up to date")
        return
    for path in contracts.write():
        console.print(f"wrote {path.relative_to(REPO_ROOT)}")


def _bootstrap() -> str:
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")


@dlq_app.command("list")
def dlq_list(service: str) -> None:
    """Show the dead letters of a service, with the error and the source offset."""
    from rich.table import Table

    from chidao.dlq import read_all

    letters = asyncio.run(read_all(_bootstrap(), service))
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

    count = asyncio.run(redrive(_bootstrap(), service))
    console.print(f"redriven {count} message(s) from chidao.dlq.{service}")


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


if __name__ == "__main__":
    app()
