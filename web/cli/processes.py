"""Commands that prepare the database and start the processes of a deployment."""

from __future__ import annotations

import os
import sys

import click

from core import migrate
from core.accounts import has_users, issue_setup_token
from core.settings import Settings
from web.cli.context import CliContext, CommandError, load_context, redact_url
from web.cli.supervisor import Supervisor, port_in_use
from worker.queues import QUEUE_NAMES, BrokerUnavailable, queue_depths


@click.command()
def init() -> None:
    """Create or upgrade the database schema (safe to run again)."""
    ctx = load_context()
    init_database(ctx)
    click.echo(
        f"database ready at {redact_url(ctx.settings.database_url)} "
        f"(schema {migrate.head_revision()})"
    )


@click.command()
def run() -> None:
    """Run web, worker and beat together on this machine; Ctrl-C stops them all."""
    ctx = load_context()
    init_database(ctx)
    check_broker(ctx)
    if port_in_use(ctx.settings.port):
        raise CommandError(
            f"port {ctx.settings.port} is already in use: stop what uses it or set CRMHUB_PORT"
        )
    with ctx.database.session() as session:
        token = None if has_users(session) else issue_setup_token(session)
    supervisor = Supervisor(
        commands={
            "web": [sys.executable, "-m", "web.cli", "web"],
            "worker": [sys.executable, "-m", "web.cli", "worker"],
            "beat": [sys.executable, "-m", "web.cli", "beat"],
        },
        web_port=ctx.settings.port,
    )
    try:
        supervisor.start()
    except RuntimeError as exc:
        raise CommandError(f"crmhub could not start: {exc}") from None
    click.echo(f"crmhub is running at http://127.0.0.1:{ctx.settings.port}")
    if token is not None:
        click.echo(
            f"no administrator yet: open {ctx.settings.base_url}/setup/{token} "
            "to choose the first admin's password (the link works once)"
        )
    click.echo("press Ctrl-C to stop")
    sys.stdout.flush()
    code = supervisor.wait()
    if code != 0:
        raise CommandError(supervisor.failure or f"a process exited with status {code}")
    click.echo("crmhub stopped")


@click.command()
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="gunicorn worker processes",
)
def web(workers: int) -> None:
    """Serve the web app and API with gunicorn (the production server)."""
    ctx = load_context()
    ctx.current_database()
    argv = gunicorn_argv(ctx.settings, workers, "web.app:create_app()")
    os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn, by design


def gunicorn_argv(settings: Settings, workers: int, app_spec: str) -> list[str]:
    """The production server's command line (the benchmarks serve other apps with it)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{settings.host}:{settings.port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--graceful-timeout",
        "20",
        "--access-logfile",
        "-",
        "--log-level",
        settings.log_level.lower(),
        "--name",
        "crmhub-web",
        "--no-control-socket",  # no admin socket in $HOME shared by every instance
        app_spec,
    ]


@click.command()
@click.option("--queues", "-Q", default=",".join(QUEUE_NAMES), show_default=True)
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(1, 64),
    default=None,
    help="pool processes (default: CRMHUB_WORKER_CONCURRENCY)",
)
def worker(queues: str, concurrency: int | None) -> None:
    """Run a Celery worker consuming the given queues."""
    ctx = load_context()
    ctx.current_database()
    check_broker(ctx)
    unknown = set(queues.split(",")) - set(QUEUE_NAMES)
    if unknown:
        raise click.BadParameter(f"unknown queue(s) {', '.join(sorted(unknown))}", param_hint="-Q")
    from worker.app import make_celery  # noqa: PLC0415 - only this command needs Celery loaded

    app = make_celery(ctx.settings)
    app.worker_main(
        [
            "worker",
            "--queues",
            queues,
            "--concurrency",
            str(concurrency or ctx.settings.worker_concurrency),
            "--loglevel",
            ctx.settings.log_level,
            "--hostname",
            f"crmhub-{os.getpid()}@%h",
            "--without-mingle",
            "--without-gossip",
        ]
    )


@click.command()
def beat() -> None:
    """Run the scheduler that enqueues periodic jobs (run exactly one per deployment)."""
    ctx = load_context()
    ctx.checked_database()
    check_broker(ctx)
    from worker.app import make_celery  # noqa: PLC0415 - only this command needs Celery loaded

    app = make_celery(ctx.settings)
    schedule = ctx.settings.data_dir / "celerybeat-schedule"
    app.start(["beat", "--schedule", str(schedule), "--loglevel", ctx.settings.log_level])


def init_database(ctx: CliContext) -> None:
    database = ctx.checked_database()
    migrate.upgrade(database)


def check_broker(ctx: CliContext) -> None:
    try:
        queue_depths(ctx.settings.broker_url)
    except BrokerUnavailable as exc:
        raise CommandError(
            f"cannot reach the broker at {redact_url(ctx.settings.broker_url)}: {exc}"
        ) from None
