import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from core.settings import ConfigError, load_settings


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"CRMHUB_DATA_DIR": str(tmp_path / "var"), **extra}


def test_defaults_are_embedded_under_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(_env(tmp_path))
    data_dir = (tmp_path / "var").resolve()
    assert settings.data_dir == data_dir
    assert settings.database_url == f"sqlite:///{data_dir / 'crmhub.db'}"
    assert settings.broker_url == f"sqla+sqlite:///{data_dir / 'broker.db'}"
    assert settings.port == 8000
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.is_sqlite
    assert settings.broker_is_sql
    assert not settings.secure_cookies
    assert settings.sqlite_prewarm


def test_the_sqlite_preload_can_be_turned_off(tmp_path: Path) -> None:
    assert not load_settings(_env(tmp_path, CRMHUB_SQLITE_PREWARM="off")).sqlite_prewarm
    assert load_settings(_env(tmp_path, CRMHUB_SQLITE_PREWARM="1")).sqlite_prewarm


def test_keys_are_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    first = load_settings(_env(tmp_path))
    second = load_settings(_env(tmp_path))
    assert first.secret_key == second.secret_key
    assert first.encryption_keys == second.encryption_keys
    assert len(first.secret_key) >= 32
    Fernet(first.encryption_keys[0])
    for name in ("secret_key", "encryption_keys"):
        mode = stat.S_IMODE((tmp_path / "var" / name).stat().st_mode)
        assert mode == 0o600, name
    assert not list((tmp_path / "var").glob(".*"))  # no temporary files left behind


def test_environment_overrides_and_postgres_driver(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    settings = load_settings(
        _env(
            tmp_path,
            CRMHUB_DATABASE_URL="postgresql://u:p@db:5432/crm",
            CRMHUB_BROKER_URL="redis://redis:6379/0",
            CRMHUB_PORT="9000",
            CRMHUB_BASE_URL="https://crm.example.com/",
            CRMHUB_SECRET_KEY="x" * 40,
            CRMHUB_ENCRYPTION_KEYS=f"{key}, {Fernet.generate_key().decode()}",
            CRMHUB_OUTBOUND_ALLOWLIST="127.0.0.1/32, 10.0.0.0/8",
        )
    )
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/crm"
    assert settings.port == 9000
    assert settings.base_url == "https://crm.example.com"
    assert settings.secure_cookies
    assert settings.encryption_keys[0] == key
    assert len(settings.encryption_keys) == 2
    assert settings.outbound_allowlist == ("127.0.0.1/32", "10.0.0.0/8")
    assert not (tmp_path / "var" / "secret_key").exists()


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CRMHUB_PORT", "eighty", "expected a whole number"),
        ("CRMHUB_PORT", "70000", "at most 65535"),
        ("CRMHUB_DATABASE_URL", "mysql://x/y", "sqlite:/// or postgresql://"),
        ("CRMHUB_BROKER_URL", "amqp://x", "redis://"),
        ("CRMHUB_BASE_URL", "ftp://x", "http or https URL"),
        ("CRMHUB_SECRET_KEY", "short", "at least 32"),
        ("CRMHUB_ENCRYPTION_KEYS", "not-a-key", "not a Fernet key"),
        ("CRMHUB_SECURE_COOKIES", "maybe", "true or false"),
        ("CRMHUB_SQLITE_PREWARM", "later", "true or false"),
        ("CRMHUB_OUTBOUND_ALLOWLIST", "10.0.0.0/99", "not a CIDR"),
        ("CRMHUB_TASK_TIME_LIMIT", "7200", "below CRMHUB_VISIBILITY_TIMEOUT"),
        ("CRMHUB_LOG_LEVEL", "LOUD", "expected one of"),
    ],
)
def test_invalid_setting_names_the_variable(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_env(tmp_path, **{variable: value}))
    assert caught.value.variable == variable
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unwritable_data_dir_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError) as caught:
        load_settings({"CRMHUB_DATA_DIR": str(blocker / "sub")})
    assert caught.value.variable == "CRMHUB_DATA_DIR"
