"""Settings from ``CRMHUB_*`` environment variables, with embedded defaults.

Every process (web, worker, beat, CLI) reads the same variables through
``load_settings`` so that one environment describes one deployment. A wrong value
raises ``ConfigError`` naming the variable; the CLI turns it into a one-line message.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

PREFIX = "CRMHUB_"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
ENCRYPTION_KEYS_FILE = "encryption_keys"


class ConfigError(ValueError):
    """A setting is missing or malformed; ``variable`` names the culprit."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


@dataclass(frozen=True)
class Settings:
    """One deployment's configuration; immutable once loaded."""

    data_dir: Path
    database_url: str
    broker_url: str
    host: str
    port: int
    base_url: str
    secret_key: str
    encryption_keys: tuple[str, ...]
    secure_cookies: bool
    worker_concurrency: int
    visibility_timeout: int
    task_time_limit: int
    max_task_deliveries: int
    heartbeat_interval: float
    login_max_failures: int
    login_window_seconds: int
    outbound_allowlist: tuple[str, ...] = field(default_factory=tuple)
    log_level: str = "INFO"
    inbound_max_bytes: int = 1024 * 1024  # the largest inbound webhook body accepted
    google: OAuthApp = field(default_factory=lambda: OAuthApp(**GOOGLE_DEFAULTS))
    microsoft: OAuthApp = field(default_factory=lambda: OAuthApp(**MICROSOFT_DEFAULTS))
    microsoft_ca_bundle: str = ""  # a CA certificate trusted for the authority and Graph
    mail_poll_minutes: int = 5
    sync_lease_seconds: int = 120  # a crashed sync blocks its account this long at most
    # Gmail push (Pub/Sub): the OIDC token's audience and signer; no topic = polling only.
    gmail_push_audience: str = ""
    gmail_push_service_account: str = ""
    google_certs_url: str = "https://www.googleapis.com/oauth2/v1/certs"
    gmail_push_topic: str = ""
    # A worker reads a SQLite store into the page cache at start (core/sqlite_prewarm.py).
    sqlite_prewarm: bool = True

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def broker_is_sql(self) -> bool:
        return self.broker_url.startswith("sqla+")


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting; create the data dir and first-start keys."""
    env = os.environ if environ is None else environ
    data_dir = Path(_get(env, "DATA_DIR", "./var")).expanduser().resolve()
    _ensure_data_dir(data_dir)
    port = _int(env, "PORT", 8000, minimum=1, maximum=65535)
    host = _get(env, "HOST", "127.0.0.1")
    _check_host(host)
    base_url = _url(env, "BASE_URL", f"http://127.0.0.1:{port}", schemes=("http", "https"))
    visibility_timeout = _int(env, "VISIBILITY_TIMEOUT", 3600, minimum=60)
    task_time_limit = _int(env, "TASK_TIME_LIMIT", 1800, minimum=10)
    if task_time_limit >= visibility_timeout:
        raise ConfigError(
            PREFIX + "TASK_TIME_LIMIT",
            f"must be below CRMHUB_VISIBILITY_TIMEOUT ({visibility_timeout} s), "
            "or a running task is handed to a second worker",
        )
    return Settings(
        data_dir=data_dir,
        database_url=_database_url(env, data_dir),
        broker_url=_broker_url(env, data_dir),
        host=host,
        port=port,
        base_url=base_url.rstrip("/"),
        secret_key=_secret_key(env, data_dir),
        encryption_keys=_encryption_keys(env, data_dir),
        secure_cookies=_bool(env, "SECURE_COOKIES", base_url.startswith("https://")),
        worker_concurrency=_int(env, "WORKER_CONCURRENCY", 2, minimum=1, maximum=64),
        visibility_timeout=visibility_timeout,
        task_time_limit=task_time_limit,
        max_task_deliveries=_int(env, "MAX_TASK_DELIVERIES", 5, minimum=1),
        heartbeat_interval=_float(env, "HEARTBEAT_INTERVAL", 10.0, minimum=0.2),
        login_max_failures=_int(env, "LOGIN_MAX_FAILURES", 5, minimum=1),
        login_window_seconds=_int(env, "LOGIN_WINDOW_SECONDS", 900, minimum=1),
        outbound_allowlist=_cidrs(env, "OUTBOUND_ALLOWLIST"),
        log_level=_choice(env, "LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
        inbound_max_bytes=_int(
            env, "INBOUND_MAX_BYTES", 1024 * 1024, minimum=1024, maximum=64 * 1024 * 1024
        ),
        google=_oauth_app(env, "GOOGLE", GOOGLE_DEFAULTS),
        microsoft=_oauth_app(env, "MICROSOFT", MICROSOFT_DEFAULTS),
        microsoft_ca_bundle=_ca_bundle(env, "MICROSOFT_CA_BUNDLE"),
        mail_poll_minutes=_int(env, "MAIL_POLL_MINUTES", 5, minimum=1, maximum=1440),
        sync_lease_seconds=_int(env, "SYNC_LEASE_SECONDS", 120, minimum=5, maximum=3600),
        gmail_push_audience=_get(env, "GMAIL_PUSH_AUDIENCE", f"{base_url.rstrip('/')}/push/gmail"),
        gmail_push_service_account=_get(env, "GMAIL_PUSH_SERVICE_ACCOUNT", ""),
        google_certs_url=_url(env, "GOOGLE_CERTS_URL", GOOGLE_CERTS_URL, schemes=("http", "https")),
        gmail_push_topic=_get(env, "GMAIL_PUSH_TOPIC", ""),
        sqlite_prewarm=_bool(env, "SQLITE_PREWARM", True),
    )


@dataclass(frozen=True)
class OAuthApp:
    """An OAuth client registered with a provider, and where that provider lives.

    The URLs default to the provider's own; pointing them elsewhere is how the demo
    and the tests reach the local emulators.
    """

    client_id: str
    client_secret: str
    auth_uri: str
    token_uri: str
    api_url: str

    @property
    def configured(self) -> bool:
        return bool(self.client_id and self.client_secret)


GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"

GOOGLE_DEFAULTS = {
    "client_id": "",
    "client_secret": "",
    "auth_uri": "https://accounts.google.com/o/oauth2/auth",
    "token_uri": "https://oauth2.googleapis.com/token",
    "api_url": "https://gmail.googleapis.com",
}

MICROSOFT_DEFAULTS = {
    "client_id": "",
    "client_secret": "",
    "auth_uri": "https://login.microsoftonline.com/common",  # MSAL's authority
    "token_uri": "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    "api_url": "https://graph.microsoft.com/v1.0",
}


def _oauth_app(env: Mapping[str, str], name: str, defaults: Mapping[str, str]) -> OAuthApp:
    values = {key: _get(env, f"{name}_{key.upper()}", default) for key, default in defaults.items()}
    for key in ("auth_uri", "token_uri", "api_url"):
        values[key] = _url(env, f"{name}_{key.upper()}", values[key], schemes=("http", "https"))
    return OAuthApp(**values)


def _ca_bundle(env: Mapping[str, str], name: str) -> str:
    """A CA certificate file to trust (how a local emulator's certificate is trusted)."""
    value = _get(env, name, "")
    if value and not Path(value).expanduser().is_file():
        raise ConfigError(PREFIX + name, f"no such certificate file: {value!r}")
    return str(Path(value).expanduser()) if value else ""


def _get(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(PREFIX + name, "").strip()
    return value or default


def _int(
    env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int | None = None
) -> int:
    raw = _get(env, name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(PREFIX + name, f"expected a whole number, got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise ConfigError(PREFIX + name, f"must be at least {minimum}{upper}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    raw = _get(env, name, str(default))
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(PREFIX + name, f"expected a number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(PREFIX + name, f"must be at least {minimum}, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _get(env, name, "true" if default else "false").lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(PREFIX + name, f"expected true or false, got {raw!r}")


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _get(env, name, default).upper()
    if value not in choices:
        raise ConfigError(PREFIX + name, f"expected one of {', '.join(choices)}, got {value!r}")
    return value


def _url(env: Mapping[str, str], name: str, default: str, schemes: tuple[str, ...]) -> str:
    value = _get(env, name, default)
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ConfigError(
            PREFIX + name, f"expected a {' or '.join(schemes)} URL with a host, got {value!r}"
        )
    return value


def _check_host(host: str) -> None:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not host or any(c in host for c in "/: "):
            raise ConfigError(PREFIX + "HOST", f"expected an IP address, got {host!r}") from None


def _database_url(env: Mapping[str, str], data_dir: Path) -> str:
    value = _get(env, "DATABASE_URL", f"sqlite:///{data_dir / 'crmhub.db'}")
    scheme = value.split("://", 1)[0]
    if "://" not in value or scheme.split("+")[0] not in ("sqlite", "postgresql"):
        raise ConfigError(
            PREFIX + "DATABASE_URL",
            f"expected a sqlite:/// or postgresql:// URL, got {scheme!r}",
        )
    if scheme == "postgresql":
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        value = "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def _broker_url(env: Mapping[str, str], data_dir: Path) -> str:
    value = _get(env, "BROKER_URL", f"sqla+sqlite:///{data_dir / 'broker.db'}")
    scheme = value.split("://", 1)[0]
    if "://" not in value or scheme not in ("redis", "rediss", "sqla+sqlite", "sqla+postgresql"):
        raise ConfigError(
            PREFIX + "BROKER_URL",
            f"expected a redis:// or sqla+sqlite:/// URL, got {scheme!r}",
        )
    return value


def _cidrs(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = _get(env, name, "")
    cidrs = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        try:
            cidrs.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ConfigError(PREFIX + name, f"{item!r} is not a CIDR range") from None
    return tuple(cidrs)


def _ensure_data_dir(data_dir: Path) -> None:
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            PREFIX + "DATA_DIR", f"cannot create {data_dir}: {exc.strerror}"
        ) from None


def _secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    value = env.get(PREFIX + "SECRET_KEY", "").strip()
    if value:
        if len(value) < 32:
            raise ConfigError(PREFIX + "SECRET_KEY", "must be at least 32 characters")
        return value
    return _read_or_create(data_dir / SECRET_KEY_FILE, lambda: secrets.token_urlsafe(48))


def _encryption_keys(env: Mapping[str, str], data_dir: Path) -> tuple[str, ...]:
    """The first key encrypts; every key decrypts (MultiFernet), so keys can rotate."""
    raw = env.get(PREFIX + "ENCRYPTION_KEYS", "").strip()
    variable = PREFIX + "ENCRYPTION_KEYS"
    if not raw:
        raw = _read_or_create(
            data_dir / ENCRYPTION_KEYS_FILE, lambda: Fernet.generate_key().decode()
        )
        variable = str(data_dir / ENCRYPTION_KEYS_FILE)
    keys = tuple(filter(None, (k.strip() for k in raw.replace("\n", ",").split(","))))
    for index, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ConfigError(variable, f"key {index} is not a Fernet key") from None
    if not keys:
        raise ConfigError(variable, "holds no key")
    return keys


def _read_or_create(path: Path, make: Callable[[], str]) -> str:
    """Read a generated secret, creating it with mode 0600 on first start.

    The value is written to a private temporary file and hard-linked into place, so
    of several processes starting together exactly one wins and none reads a half file.
    """
    if path.exists():
        return path.read_text().strip()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(make() + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


def write_encryption_keys(data_dir: Path, keys: tuple[str, ...]) -> None:
    """Replace the key file atomically (used by key rotation)."""
    path = data_dir / ENCRYPTION_KEYS_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(keys) + "\n")
    tmp.replace(path)
