"""``crmhub demo``: crmhub on generated mail, end to end, on this machine.

A Gmail emulator and an Outlook (Microsoft Graph) emulator serve one generated
organization (reps, customers, threads, newsletters): one rep's mailbox is connected
on each, with grants the emulators issued, and the product's own syncs backfill them.
Mail between the two reps shows the Message-ID rule at work: one activity, both reps.
``--once`` runs the backfills in this process and prints what they found; without it,
web, worker and beat start as with ``crmhub run`` and the admin watches customers and
their email timelines appear.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import click
from sqlalchemy import select

from connectors.gmail.account import mailbox_client as gmail_client
from connectors.gmail.config import GoogleApp
from connectors.gmail.emulator import GmailEmulator
from connectors.gmail.sync import Mailbox, sync_mailbox
from connectors.mailboxes import Spec, generate
from connectors.outlook.config import MicrosoftApp
from connectors.outlook.emulator import OutlookEmulator
from connectors.outlook.sync import sync_connector as sync_outlook
from core.accounts import has_users, issue_setup_token
from core.db import Database
from core.models import Connector, SyncRun
from core.vault import Vault
from web.cli.context import CliContext, CommandError, load_context
from web.cli.demo_data import (
    connect_gmail,
    connect_outlook,
    demo_counts,
    prepare_policy,
)
from web.cli.processes import check_broker, init_database
from web.cli.progress import progress_bar
from web.cli.supervisor import Supervisor, die_with_parent, port_in_use
from worker.app import make_celery

DEMO_DATA_DIR = Path("var") / "demo"
SEED = 7
PROCESSES = ("web", "worker", "beat")
FINISHED = ("succeeded", "failed")


@click.command()
@click.option("--once", is_flag=True, help="backfill, print the counts and exit")
@click.option("--reps", type=click.IntRange(2, 20), default=3, show_default=True)
@click.option(
    "--messages", type=click.IntRange(10, 20_000), default=1000, show_default=True,
    help="messages in each rep's mailbox",
)  # fmt: skip
def demo(once: bool, reps: int, messages: int) -> None:
    """Try crmhub on emulated Gmail and Outlook: two mailboxes connected and backfilled.

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
    organization = generate(spec)
    vault = Vault(ctx.settings.encryption_keys)
    with GmailEmulator(organization) as gmail, OutlookEmulator(organization) as outlook:
        click.echo(
            f"emulators: Gmail at {gmail.url}, Outlook at {outlook.url}; "
            f"{spec.reps} reps, {spec.messages_per_mailbox} messages each"
        )
        first, second = list(gmail.mailboxes)[:2]
        grant = gmail.credentials(first)
        refresh = outlook.user_refresh_token(second)
        gmail_id = _connect(
            ctx, spec, "Gmail", first, lambda s: connect_gmail(s, vault, first, grant)
        )
        outlook_id = _connect(
            ctx, spec, "Outlook", second, lambda s: connect_outlook(s, vault, second, refresh)
        )
        google = GoogleApp(
            gmail.client_id,
            gmail.client_secret,
            f"{gmail.url}/o/oauth2/auth",
            f"{gmail.url}/token",
            gmail.url,
        )
        microsoft = _microsoft_app(
            outlook.authority("common"),
            outlook.graph_url,
            outlook.client_id,
            outlook.client_secret,
            outlook.certificate_path,
        )
        failures: list[BaseException] = []

        def backfill() -> None:
            try:
                with ctx.database.session() as session:
                    mailbox = Mailbox.load(session, gmail_id)
                client = gmail_client(ctx.database, vault, google, gmail_id)
                sync_mailbox(ctx.database, client, mailbox)
                sync_outlook(ctx.database, vault, microsoft, outlook_id)
            except BaseException as error:
                failures.append(error)

        worker = threading.Thread(target=backfill, daemon=True)
        worker.start()
        _follow(ctx.database, [gmail_id, outlook_id], lambda: not worker.is_alive())
        worker.join()
        if failures:
            raise CommandError(f"the backfill failed: {failures[0]}")
        _report(ctx, [gmail_id, outlook_id], spec.messages_per_mailbox)


def _live(ctx: CliContext, spec: Spec) -> None:
    check_broker(ctx)
    if port_in_use(ctx.settings.port):
        raise CommandError(f"port {ctx.settings.port} is already in use: set CRMHUB_PORT")
    vault = Vault(ctx.settings.encryption_keys)
    children: list[subprocess.Popen[str]] = []
    try:
        gmail_process, gmail = _start_gmail(spec)
        children.append(gmail_process)
        outlook_process, outlook = _start_outlook(spec)
        children.append(outlook_process)
        os.environ.update(_environment(gmail, outlook))
        first, second = list(gmail["accounts"])[:2]
        grant = gmail["accounts"][first]
        gmail_id = _connect(
            ctx, spec, "Gmail", first, lambda s: connect_gmail(s, vault, first, grant)
        )
        refresh = outlook["mailboxes"][second]["refresh_token"]
        outlook_id = _connect(
            ctx, spec, "Outlook", second, lambda s: connect_outlook(s, vault, second, refresh)
        )
        queue = make_celery(ctx.settings)
        for connector_id in (gmail_id, outlook_id):
            queue.send_task("worker.tasks.sync.sync_connector", args=[connector_id], queue="sync")
        with ctx.database.session() as session:
            token = None if has_users(session) else issue_setup_token(session)
        supervisor = Supervisor(
            commands={name: [sys.executable, "-m", "web.cli", name] for name in PROCESSES},
            web_port=ctx.settings.port,
        )
        supervisor.start()
        click.echo(f"crmhub demo is running at http://127.0.0.1:{ctx.settings.port}")
        if token is not None:
            setup = f"{ctx.settings.base_url}/setup/{token}"
            click.echo(f"first open {setup} to choose the admin's password (the link works once)")
        click.echo("press Ctrl-C to stop")
        ids = [gmail_id, outlook_id]
        stop = lambda: supervisor.stopping or supervisor.child_died  # noqa: E731
        _follow(ctx.database, ids, stop, pause=supervisor.pause)
        if not stop():
            _report(ctx, ids, spec.messages_per_mailbox)
        code = supervisor.wait()
        if code != 0:
            raise CommandError(supervisor.failure or f"a process exited with status {code}")
    finally:
        for child in children:
            child.terminate()
            child.wait(timeout=30)


def _emulator(module: str, spec: Spec) -> subprocess.Popen[str]:
    """An emulator as a child process: web, worker and beat reach it over HTTP."""
    return subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", module, "--reps", str(spec.reps), "--messages",
         str(spec.messages_per_mailbox), "--seed", str(SEED)],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=die_with_parent,  # noqa: PLW1509 - no threads run yet here
    )  # fmt: skip


def _start_gmail(spec: Spec) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    process = _emulator("connectors.gmail.emulator", spec)
    details = _printed_json(process)
    first = next(iter(details["accounts"].values()))
    details["client_id"], details["client_secret"] = first["client_id"], first["client_secret"]
    return process, details


def _start_outlook(spec: Spec) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    process = _emulator("connectors.outlook.emulator", spec)
    return process, _printed_json(process)


def _printed_json(process: subprocess.Popen[str], timeout: float = 60) -> dict[str, Any]:
    """The JSON document an emulator prints once it listens (after one line of text)."""
    stream: IO[str] | None = process.stdout
    assert stream is not None
    deadline, text = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        if text or line.startswith("{"):
            text += line
            try:
                return dict(json.loads(text))
            except ValueError:
                continue
    process.kill()
    raise CommandError("an emulator did not start")


def _environment(gmail: dict[str, Any], outlook: dict[str, Any]) -> dict[str, str]:
    """What points web, worker and beat at the emulators (as a deployment's variables would)."""
    url = gmail["url"]
    authority = outlook["authority"].rsplit("/", 1)[0] + "/common"
    return {
        "CRMHUB_GOOGLE_CLIENT_ID": gmail["client_id"],
        "CRMHUB_GOOGLE_CLIENT_SECRET": gmail["client_secret"],
        "CRMHUB_GOOGLE_AUTH_URI": f"{url}/o/oauth2/auth",
        "CRMHUB_GOOGLE_TOKEN_URI": f"{url}/token",
        "CRMHUB_GOOGLE_API_URL": url,
        "CRMHUB_MICROSOFT_CLIENT_ID": outlook["client_id"],
        "CRMHUB_MICROSOFT_CLIENT_SECRET": outlook["client_secret"],
        "CRMHUB_MICROSOFT_AUTH_URI": authority,
        "CRMHUB_MICROSOFT_TOKEN_URI": f"{authority}/oauth2/v2.0/token",
        "CRMHUB_MICROSOFT_API_URL": outlook["graph_url"],
        "CRMHUB_MICROSOFT_CA_BUNDLE": outlook["certificate_path"],
    }


def _microsoft_app(
    authority: str, graph_url: str, client_id: str, client_secret: str, ca_bundle: str
) -> MicrosoftApp:
    return MicrosoftApp(client_id, client_secret, authority,
                        f"{authority}/oauth2/v2.0/token", graph_url, ca_bundle)  # fmt: skip


def _connect(
    ctx: CliContext, spec: Spec, provider: str, email: str, connect: Callable[[Any], int]
) -> int:
    with ctx.database.session() as session:
        prepare_policy(session, spec.internal_domains)
        connector_id = connect(session)
    click.echo(f"connected mailbox {email} ({provider})")
    return connector_id


def _follow(
    database: Database,
    connector_ids: list[int],
    done: Callable[[], bool],
    pause: Callable[[float], Any] = time.sleep,
) -> None:
    """One progress bar over the mailboxes' sync runs, until they end or ``done()``."""
    with progress_bar("backfill", "messages") as update:
        while True:
            with database.session() as session:
                runs = [_latest_run(session, i) for i in connector_ids]
                stuck = _stuck(session, connector_ids)
            started = [run for run in runs if run is not None]
            finished = len(started) == len(runs) and all(r.status in FINISHED for r in started)
            if stuck:
                raise CommandError(f"a mailbox could not sync: {stuck}")
            if started:  # a run without an estimate counts what it has done so far
                done_so_far = sum(run.done for run in started)
                update(done_so_far, max(sum(run.total or run.done for run in started), 1))
            if finished or done():
                return
            pause(0.3)


def _stuck(session: Any, connector_ids: list[int]) -> str:
    """A mailbox that stopped before its run could start (its grant was refused)."""
    query = select(Connector.name, Connector.last_error).where(
        Connector.id.in_(connector_ids), Connector.status.in_(("needs_reconnect", "error"))
    )
    row = session.execute(query).first()
    return f"{row[0]}: {row[1]}" if row else ""


def _latest_run(session: Any, connector_id: int) -> SyncRun | None:
    query = select(SyncRun).where(SyncRun.connector_id == connector_id, SyncRun.stream == "mail")
    return session.scalar(query.order_by(SyncRun.id.desc()).limit(1))


def _report(ctx: CliContext, connector_ids: list[int], per_mailbox: int) -> None:
    with ctx.database.session() as session:
        counts = demo_counts(session, connector_ids)
    skipped = ", ".join(f"{reason} {n}" for reason, n in counts.skipped.most_common()) or "none"
    click.echo(f"mailboxes: {counts.mailboxes}")
    click.echo(f"messages: {counts.messages} accounted for of {per_mailbox * counts.mailboxes}")
    click.echo(f"logged: {counts.logged} (as {counts.activities} activities: "
               "a message in both mailboxes is one activity)")  # fmt: skip
    click.echo(f"skipped: {sum(counts.skipped.values())} ({skipped})")
    click.echo(f"customers: {counts.customers}")
