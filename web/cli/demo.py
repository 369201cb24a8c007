"""``crmhub demo``: crmhub on generated mail, end to end, on this machine.

A Gmail emulator serves generated mailboxes (reps, customers, threads, newsletters);
one rep's mailbox is connected with a grant the emulator issued, and the product's
own sync backfills it. ``--once`` runs the backfill in this process and prints what
it found; without it, web, worker and beat start as with ``crmhub run`` and the
admin watches customers and their email timelines appear.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import click
import requests
from sqlalchemy import select

from connectors.gmail.account import mailbox_client
from connectors.gmail.config import GoogleApp
from connectors.gmail.emulator import GmailEmulator
from connectors.gmail.sync import Mailbox, sync_mailbox
from connectors.mailboxes import Spec, generate
from core.accounts import has_users, issue_setup_token
from core.db import Database
from core.models import SyncRun
from core.vault import Vault
from web.cli.context import CliContext, CommandError, load_context
from web.cli.demo_data import DemoCounts, connect_gmail, demo_counts, prepare_policy
from web.cli.processes import check_broker, init_database
from web.cli.progress import progress_bar
from web.cli.supervisor import Supervisor, die_with_parent, port_in_use
from worker.app import make_celery

DEMO_DATA_DIR = Path("var") / "demo"
SEED = 7
PROCESSES = ("web", "worker", "beat")


@click.command()
@click.option("--once", is_flag=True, help="backfill, print the counts and exit")
@click.option("--reps", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option(
    "--messages", type=click.IntRange(10, 20_000), default=1000, show_default=True,
    help="messages in each rep's mailbox",
)  # fmt: skip
def demo(once: bool, reps: int, messages: int) -> None:
    """Try crmhub on emulated Gmail: a mailbox connected and backfilled, with progress.

    Uses its own data folder (./var/demo) unless CRMHUB_DATA_DIR is set.
    """
    os.environ.setdefault("CRMHUB_DATA_DIR", str(DEMO_DATA_DIR))
    ctx = load_context()
    init_database(ctx)
    spec = Spec(seed=SEED, reps=reps, messages_per_mailbox=messages)
    if once:
        _once(ctx, spec)
    else:
        _live(ctx, spec)


def _once(ctx: CliContext, spec: Spec) -> None:
    with GmailEmulator(generate(spec)) as emulator:
        click.echo(
            f"Gmail emulator at {emulator.url}: {spec.reps} reps, "
            f"{spec.messages_per_mailbox} messages each"
        )
        email = next(iter(emulator.mailboxes))
        connector_id = _connect(ctx, email, emulator.credentials(email), spec)
        app = _app(emulator.url, emulator.client_id, emulator.client_secret)
        vault = Vault(ctx.settings.encryption_keys)
        client = mailbox_client(ctx.database, vault, app, connector_id)
        with ctx.database.session() as session:
            mailbox = Mailbox.load(session, connector_id)
        failure: list[BaseException] = []

        def backfill() -> None:
            try:
                sync_mailbox(ctx.database, client, mailbox)
            except BaseException as error:
                failure.append(error)

        worker = threading.Thread(target=backfill, daemon=True)
        worker.start()
        _follow(ctx.database, connector_id, lambda: not worker.is_alive())
        worker.join()
        if failure:
            raise CommandError(f"the backfill failed: {failure[0]}")
        _report(ctx, [connector_id], spec.messages_per_mailbox)


def _live(ctx: CliContext, spec: Spec) -> None:
    check_broker(ctx)
    if port_in_use(ctx.settings.port):
        raise CommandError(f"port {ctx.settings.port} is already in use: set CRMHUB_PORT")
    emulator, url, accounts = _start_emulator(spec)
    try:
        os.environ.update(_google_env(url, accounts["client_id"], accounts["client_secret"]))
        email = next(iter(accounts["accounts"]))
        connector_id = _connect(ctx, email, accounts["accounts"][email], spec)
        make_celery(ctx.settings).send_task(
            "worker.tasks.sync.sync_connector", args=[connector_id], queue="sync"
        )
        with ctx.database.session() as session:
            token = None if has_users(session) else issue_setup_token(session)
        supervisor = Supervisor(
            commands={
                name: [sys.executable, "-m", "web.cli", name] for name in ("web", "worker", "beat")
            },
            web_port=ctx.settings.port,
        )
        supervisor.start()
        click.echo(f"crmhub demo is running at http://127.0.0.1:{ctx.settings.port}")
        if token is not None:
            click.echo(
                f"first open {ctx.settings.base_url}/setup/{token} to choose the admin's password"
            )
        click.echo(f"Gmail emulator at {url}; connected mailbox {email}; press Ctrl-C to stop")
        _follow(ctx.database, connector_id, lambda: supervisor.stopping, pause=supervisor.pause)
        if not supervisor.stopping:
            _report(ctx, [connector_id], spec.messages_per_mailbox)
        code = supervisor.wait()
        if code != 0:
            raise CommandError(supervisor.failure or f"a process exited with status {code}")
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)


def _start_emulator(spec: Spec) -> tuple[subprocess.Popen[bytes], str, dict[str, Any]]:
    """The emulator as a child process (web, worker and beat reach it over HTTP)."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "connectors.gmail.emulator", "--reps", str(spec.reps),
         "--messages", str(spec.messages_per_mailbox), "--seed", str(SEED), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        preexec_fn=die_with_parent,  # noqa: PLW1509 - no threads run yet here
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            accounts = requests.get(f"{url}/_emulator/accounts", timeout=2).json()
        except (requests.RequestException, ValueError):
            time.sleep(0.2)
            continue
        first = next(iter(accounts.values()))
        return (
            process,
            url,
            {
                "accounts": accounts,
                "client_id": first["client_id"],
                "client_secret": first["client_secret"],
            },
        )
    process.kill()
    raise CommandError("the Gmail emulator did not start")


def _connect(ctx: CliContext, email: str, grant: dict[str, Any], spec: Spec) -> int:
    vault = Vault(ctx.settings.encryption_keys)
    with ctx.database.session() as session:
        prepare_policy(session, spec.internal_domains)
        connector_id = connect_gmail(session, vault, email, grant)
    click.echo(f"connected mailbox {email} (Gmail)")
    return connector_id


def _follow(database: Database, connector_id: int, done: Any, pause: Any = time.sleep) -> None:
    """A progress bar fed from the mailbox's sync run, until it ends or ``done()``."""
    with progress_bar("backfill", "messages") as update:
        while True:
            with database.session() as session:
                run = session.scalar(
                    select(SyncRun).where(SyncRun.connector_id == connector_id)
                    .order_by(SyncRun.id.desc()).limit(1)
                )  # fmt: skip
                state = (run.done, run.total, run.status) if run else (0, None, "queued")
            if state[1]:
                update(state[0], state[1])
            if state[2] in ("succeeded", "failed") or done():
                return
            pause(0.3)


def _report(ctx: CliContext, connector_ids: list[int], expected: int) -> None:
    with ctx.database.session() as session:
        counts: DemoCounts = demo_counts(session, connector_ids)
    skipped = ", ".join(f"{reason} {n}" for reason, n in counts.skipped.most_common()) or "none"
    click.echo(f"mailboxes: {counts.mailboxes}")
    click.echo(f"messages: {counts.messages} accounted for of {expected * counts.mailboxes}")
    click.echo(f"logged as activities: {counts.logged}")
    click.echo(f"skipped: {sum(counts.skipped.values())} ({skipped})")
    click.echo(f"customers: {counts.customers}")
    click.echo(f"activities: {counts.activities}")


def _app(url: str, client_id: str, client_secret: str) -> GoogleApp:
    return GoogleApp(client_id, client_secret, f"{url}/o/oauth2/auth", f"{url}/token", url)


def _google_env(url: str, client_id: str, client_secret: str) -> dict[str, str]:
    return {
        "CRMHUB_GOOGLE_CLIENT_ID": client_id,
        "CRMHUB_GOOGLE_CLIENT_SECRET": client_secret,
        "CRMHUB_GOOGLE_AUTH_URI": f"{url}/o/oauth2/auth",
        "CRMHUB_GOOGLE_TOKEN_URI": f"{url}/token",
        "CRMHUB_GOOGLE_API_URL": url,
    }


def _free_port() -> int:
    import socket  # noqa: PLC0415 - only this needs it

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
