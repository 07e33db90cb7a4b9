"""Settings: defaults, then config/hub.toml (or the file named by HUB_CONFIG), then HUB_* env vars.

Every setting is documented in config/hub.example.toml.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_CONFIG_FILE = Path("config/hub.toml")


def _config_file() -> Path:
    return Path(os.environ.get("HUB_CONFIG", str(DEFAULT_CONFIG_FILE)))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", extra="forbid")

    database_url: str = "sqlite+aiosqlite:///var/hub.db"
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    secret_key: SecretStr | None = None
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://127.0.0.1:8000", "http://localhost:8000"]
    )
    data_dir: Path = Path("var")
    log_level: str = "info"

    session_ttl_hours: int = Field(default=24 * 14, ge=1)
    ws_ticket_ttl_seconds: int = Field(default=30, ge=1, le=600)
    ws_auth_timeout_seconds: float = Field(default=5.0, gt=0)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_minutes: int = Field(default=30, ge=1)

    max_message_chars: int = Field(default=10_000, ge=1)
    max_frame_bytes: int = Field(default=64 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    unattached_upload_days: float = Field(default=7.0, gt=0)
    unattached_upload_quota_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)
    send_rate_per_second: float = Field(default=20.0, gt=0)
    send_rate_burst: int = Field(default=60, ge=1)

    connection_queue_frames: int = Field(default=2_000, ge=10)
    replay_limit: int = Field(default=2_000, ge=1)
    heartbeat_seconds: float = Field(default=25.0, gt=0)
    account_check_seconds: float = Field(default=5.0, gt=0)
    group_commit_max_batch: int = Field(default=512, ge=1)

    # Bots (docs/bots.md)
    bots: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["poll"])
    bot_settings: dict[str, dict[str, Any]] = Field(default_factory=dict)
    bot_handler_timeout_seconds: float = Field(default=5.0, gt=0)

    # Working days (hub.workdays): "CN" is the official Chinese calendar with its adjusted
    # days; another ISO country code uses its public holidays and Monday to Friday.
    workdays_country: str = Field(default="CN", pattern=r"^[A-Za-z]{2}$")
    company_days_off: list[date] = Field(default_factory=list)
    company_workdays: list[date] = Field(default_factory=list)

    # Timers
    timer_poll_seconds: float = Field(default=1.0, gt=0)
    timer_late_after_seconds: float = Field(default=60.0, ge=0)
    timer_lease_seconds: float = Field(default=300.0, gt=0)

    # Webhooks (docs/integrations.md)
    webhook_retry_seconds: Annotated[list[float], NoDecode] = Field(
        default_factory=lambda: [5.0, 30.0, 120.0, 600.0, 3600.0, 21600.0]
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_poll_seconds: float = Field(default=1.0, gt=0)
    incoming_webhook_max_bytes: int = Field(default=64 * 1024, ge=1024)

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        # HUB_ALLOWED_ORIGINS may be a JSON list or a plain comma-separated list.
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [part.strip().rstrip("/") for part in value.split(",") if part.strip()]
        return value

    @field_validator("bots", "webhook_retry_seconds", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        # HUB_BOTS=poll,tasks and HUB_WEBHOOK_RETRY_SECONDS=1,2,5 as plain lists, or JSON.
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_file()
        if path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def secret(self) -> bytes:
        """The key that protects stored tokens; made once and kept under data_dir if not set."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.data_dir / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip().encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
