"""Operator commands: ``chidao up | down | status | reset`` for the local stack."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from chidao.stack.maven import Download, OnProgress
from chidao.stack.procs import StackError
from chidao.stack.services import SERVICES
from chidao.stack.stack import LocalStack, PartStatus, StackInfo

app = typer.Typer(
    help="Local stack without Docker: Kafka, PostgreSQL, Keycloak and the four services."
)
console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # one message, one line
T = TypeVar("T")


def _run(action: Callable[[], T]) -> T:
    # StackError messages are written for operators: show them plainly, no traceback.
    try:
        return action()
    except StackError as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, markup=True)
        raise typer.Exit(1) from None


def _info_table(info: StackInfo, services: list[str]) -> Table:
    table = Table(title=f"chidao local stack ({info.state_dir})")
    table.add_column("Part")
    table.add_column("Listens on")
    table.add_column("Started now")
    for part, address in info.addresses().items():
        if part in info.services and part not in services:
            continue  # only the services asked for
        table.add_row(part, address, "yes" if part in info.started else "already running")
    return table


def _number(details: dict[str, Any], key: str, warn_above: int = 0) -> str:
    value = details.get(key)
    if not isinstance(value, int):
        return "-"
    return f"[yellow]{value}[/]" if value > warn_above else str(value)


def _status_table(rows: list[PartStatus], stack: LocalStack) -> Table:
    table = Table(title=f"chidao local stack ({stack.state_dir})")
    for column in ("Part", "PID", "Running", "Address", "Healthy"):
        table.add_column(column)
    # What a service's readiness (GET /health/ready) says about its events.
    table.add_column("Consumer lag", justify="right")
    table.add_column("Outbox backlog", justify="right")
    table.add_column("Dead letters", justify="right")
    for row in rows:
        table.add_row(
            row.name,
            str(row.pid) if row.pid is not None else "-",
            "[green]yes[/]" if row.running else "[dim]no[/]",
            row.address,
            "[green]yes[/]" if row.healthy else ("[red]no[/]" if row.running else "-"),
            _number(row.details, "consumer_lag"),
            _number(row.details, "outbox_backlog"),
            _number(row.details, "dead_lettered"),
        )
    return table


def _problems(rows: list[PartStatus]) -> list[str]:
    return [f"{row.name}: {p}" for row in rows for p in row.details.get("problems", [])]


@contextmanager
def download_progress(out: Console | None = None) -> Iterator[OnProgress]:
    """A Rich progress bar per download (files and bytes so far), shown only for the
    parts that actually download; a stack whose jars are here shows nothing."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[files]} files"),
        TextColumn("[dim]{task.fields[current]}[/]"),
        TimeElapsedColumn(),
        console=out or console,
    )
    tasks: dict[str, TaskID] = {}

    def on_progress(state: Download) -> None:
        if state.part not in tasks:
            if state.finished:
                return  # nothing was downloaded
            tasks[state.part] = progress.add_task(
                f"Downloading {state.part}", total=None, files=0, current=""
            )
        description = f"{state.part} downloaded" if state.finished else None
        progress.update(
            tasks[state.part],
            completed=state.bytes,
            files=state.files,
            current=state.current or "",
            description=description or f"Downloading {state.part}",
            total=state.bytes if state.finished else None,
        )

    with progress:
        yield on_progress


@app.command()
def up(
    services: Annotated[
        list[str] | None,
        typer.Argument(help=f"Services to start (default: all of {', '.join(SERVICES)})."),
    ] = None,
    infra_only: Annotated[
        bool, typer.Option("--infra-only", help="Start only Kafka, PostgreSQL and Keycloak.")
    ] = False,
    with_zipkin: Annotated[
        bool,
        typer.Option(
            "--zipkin/--no-zipkin",
            help="Run Zipkin, the trace UI (http://127.0.0.1:9411/zipkin/), and send it the "
            "services' spans.",
        ),
    ] = True,
    brokers: Annotated[
        int | None,
        typer.Option(
            "--brokers",
            envvar="KAFKA_BROKERS",
            min=1,
            help="Kafka nodes: 1, or 3 for a cluster on ports 9092/9094/9096 (replication 3, "
            "min.insync.replicas 2). Default: what the state folder was started with, else 1.",
        ),
    ] = None,
) -> None:
    """Start Kafka, PostgreSQL, Keycloak and the services; returns once all are healthy."""
    names = [] if infra_only else list(services or SERVICES)
    unknown = sorted(set(names) - set(SERVICES))
    if unknown:
        err_console.print(f"Unknown service(s): {', '.join(unknown)}; known: {', '.join(SERVICES)}")
        raise typer.Exit(2)
    stack = _run(lambda: LocalStack(kafka_brokers=brokers, with_zipkin=with_zipkin))
    with download_progress() as on_progress:  # a first start's long step
        _run(lambda: stack.download(on_progress))
    with console.status("Starting the local stack..."):
        info = _run(lambda: stack.up(names))
    console.print(_info_table(info, names))
    console.print(
        f"Tokens: issuer {stack.oidc_issuer} (demo users: password chidao-demo). "
        f"Keycloak admin console: {info.keycloak}/admin, user admin, password in "
        f"{stack.paths.keycloak_admin_password}",
        highlight=False,
    )
    if "console" in info.services and "console" in names:
        console.print(
            f"Web console: {info.services['console']} (sign in as a demo user)", highlight=False
        )


@app.command()
def down() -> None:
    """Stop every part of the local stack (data is kept)."""
    stack = _run(LocalStack)
    with console.status("Stopping the local stack..."):
        _run(stack.down)
    console.print(f"Local stack stopped; data kept under {stack.state_dir}.")


@app.command()
def status() -> None:
    """Show each part: pid, running, address, healthy."""
    stack = _run(LocalStack)
    rows = _run(stack.status)
    console.print(_status_table(rows, stack))
    for problem in _problems(rows):
        console.print(f"[red]•[/] {problem}", highlight=False)


@app.command()
def reset(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete Kafka's, PostgreSQL's and Keycloak's data (downloads are kept)."""
    stack = _run(LocalStack)
    running = _run(stack.running)
    if running:
        names = ", ".join(running)
        err_console.print(f"Refusing to reset while running: {names}. Run 'chidao down' first.")
        raise typer.Exit(1)
    if not yes:
        typer.confirm(
            f"Delete all Kafka, PostgreSQL and Keycloak data under {stack.state_dir}?", abort=True
        )
    _run(stack.reset)
    console.print("Kafka, PostgreSQL and Keycloak data deleted.")


def register(target: typer.Typer) -> None:
    """Mount ``up``, ``down``, ``status`` and ``reset`` as top-level commands of ``target``."""
    for command in (up, down, status, reset):
        target.command()(command)
