"""Queue names and depths, read through kombu so Redis and the SQL transport look alike."""

from __future__ import annotations

from kombu import Connection

QUEUE_NAMES = ("sync", "ingest", "deliver", "default")
BROKER_TIMEOUT = 5.0


class BrokerUnavailable(RuntimeError):
    """The broker cannot be reached; the message says why in one line."""


def queue_depths(broker_url: str) -> dict[str, int]:
    """Messages waiting in each queue (not counting the ones a worker already holds)."""
    try:
        with Connection(
            broker_url,
            connect_timeout=BROKER_TIMEOUT,
            transport_options=broker_transport_options(broker_url),
        ) as connection:
            connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
            channel = connection.default_channel
            return {
                name: int(
                    channel.queue_declare(queue=name, passive=False, durable=True).message_count
                )
                for name in QUEUE_NAMES
            }
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BrokerUnavailable(reason) from exc


def broker_transport_options(broker_url: str) -> dict[str, object]:
    """Options for the broker connection; the SQL transport passes them to create_engine."""
    if broker_url.startswith("sqla+sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {}
