"""Operator commands: ``chidao up | down | status | reset`` for the local stack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

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


def _status_table(rows: list[PartStatus], stack: LocalStack) -> Table:
    table = Table(title=f"chidao local stack ({stack.state_dir})")
    for column in ("Part", "PID", "Running", "Address", "Healthy"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.name,
            str(row.pid) if row.pid is not None else "-",
            "[green]yes[/]" if row.running else "[dim]no[/]",
            row.address,
            "[green]yes[/]" if row.healthy else ("[red]no[/]" if row.running else "-"),
        )
    return table


@app.command()
def up(
    services: Annotated[
        list[str] | None,
        typer.Argument(help=f"Services to start (default: all of {', '.join(SERVICES)})."),
    ] = None,
    infra_only: Annotated[
        bool, typer.Option("--infra-only", help="Start only Kafka, PostgreSQL and Keycloak.")
    ] = False,
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
    stack = _run(lambda: LocalStack(kafka_brokers=brokers))
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
    console.print(_status_table(_run(stack.status), stack))


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
