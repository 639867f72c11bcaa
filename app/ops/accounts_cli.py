"""The `explorer user`, `token` and `audit` commands: editors' accounts, API tokens and the audit
trail, each change recorded with who ran the command."""

import getpass
import sys
from collections.abc import Callable
from typing import TypeVar

import click
from sqlmodel import Session

from app.config import get_settings
from app.editing.accounts import ROLES, add_user, create_token, disable_user, revoke_tokens
from app.errors import AppError
from app.store import queries
from app.store.db import make_engine

CLI = "command line"  # where the audit trail says a command came from
T = TypeVar("T")


def cli_actor() -> str:
    """Who ran a command, as the audit trail records it: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _accounts(action: Callable[[Session], T]) -> T:
    """Run an account change; a refusal is one line on stderr and exit status 1."""
    engine = make_engine(get_settings().database_url)
    try:
        with Session(engine) as session:
            return action(session)
    except AppError as exc:
        click.echo(f"error: {exc.field + ': ' if exc.field else ''}{exc.message}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()


@click.group("user")
def user_group() -> None:
    """Editors' accounts: add, list, disable."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_add(name: str, role: str, password_stdin: bool) -> None:
    """Add an account NAME with ROLE (editor, reviewer or admin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    _accounts(lambda s: add_user(s, name, role, password, by=cli_actor(), client=CLI))
    click.echo(f"added {name} as {role}")


@user_group.command("list")
def user_list() -> None:
    """Every account: name, role, and whether it is disabled."""
    for u in _accounts(queries.users):
        click.echo(f"{u.name}\t{u.role}\t{'disabled' if u.disabled else 'active'}")


@user_group.command("disable")
@click.argument("name")
def user_disable(name: str) -> None:
    """Disable NAME: its sessions end and its API tokens stop working at once."""
    _accounts(lambda s: disable_user(s, name, by=cli_actor(), client=CLI))
    click.echo(f"disabled {name}")


@click.group("token")
def token_group() -> None:
    """API tokens (for `Authorization: Bearer`)."""


@token_group.command("create")
@click.argument("name")
def token_create(name: str) -> None:
    """Print a new API token for NAME. It is shown once: only its hash is stored."""
    click.echo(_accounts(lambda s: create_token(s, name, by=cli_actor(), client=CLI)))


@token_group.command("revoke")
@click.argument("name")
def token_revoke(name: str) -> None:
    """Revoke every API token of NAME."""
    n = _accounts(lambda s: revoke_tokens(s, name, by=cli_actor(), client=CLI))
    click.echo(f"revoked {n} token(s) of {name}")


@click.command("audit")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000))
def audit_cmd(limit: int) -> None:
    """Print the audit trail, newest first: when (UTC), who, what, from where, detail."""
    for e in _accounts(lambda s: queries.audit_events(s, limit=limit)):
        when = e.at.strftime("%Y-%m-%d %H:%M:%S")
        click.echo(f"{when}\t{e.actor}\t{e.action}\t{e.client}\t{e.detail}")
