"""The web app's settings, declared once: name, default, help.

Read from the environment (``WEAKTIES_`` + the name in capitals) or given to
:func:`weakties.web.app.create_app`. Outside development a default secret is
refused: sessions, CSRF tokens and reset links would be forgeable.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_SECRET", "Settings", "default_workers"]

DEFAULT_SECRET = "change-this-secret"  # refused outside development


def default_workers() -> int:
    """Two worker processes, one on a one-core machine (docs/platform.md, "Serving").

    Python runs one request at a time per process: a second process lets two
    members' pages be computed at once on two cores. More cost one more copy of
    what each process keeps in memory (its members' networks) each; an operator
    with the cores and the memory sets WEAKTIES_WORKERS."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(2, cores or 1))


class Settings(BaseSettings):
    """Everything an operator can set, with its default and meaning."""

    model_config = SettingsConfigDict(env_prefix="WEAKTIES_", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        default="development",
        description="development allows the default secret; nothing else does",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(DEFAULT_SECRET),
        description="signs session cookies, CSRF tokens and links (32+ random characters)",
    )
    db: str | None = Field(
        default=None,
        description="database file or URL (default: weakties.sqlite in the data folder)",
    )
    signup: Literal["open", "invitation"] = Field(
        default="open", description="open sign-up, or only with an invitation from a member"
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000", description="the address members use (links in e-mails)"
    )
    session_days: int = Field(default=14, ge=1, le=365, description="days a sign-in lasts")
    sign_in_attempts: int = Field(
        default=5,
        ge=1,
        description="failed sign-ins per e-mail address (and 4x per client) per window",
    )
    sign_in_window_minutes: int = Field(
        default=15, ge=1, description="the window of sign_in_attempts"
    )
    photo_max_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1024, description="largest profile photo accepted"
    )
    import_max_bytes: int = Field(
        default=100 * 1024 * 1024,
        ge=4096,
        description="largest LinkedIn export a member may upload (the ZIP)",
    )
    request_max_bytes: int = Field(
        default=6 * 1024 * 1024, ge=4096, description="largest request body (uploads included)"
    )
    default_locale: Literal["en", "fr"] = Field(
        default="en", description="language when neither the member nor the browser says"
    )
    smtp_host: str | None = Field(
        default=None,
        description="mail server for reset links; without one they go to the server log",
    )
    smtp_port: int = Field(default=587, description="mail server port")
    smtp_user: str | None = Field(default=None, description="mail server user")
    smtp_password: SecretStr | None = Field(default=None, description="mail server password")
    smtp_from: str = Field(default="weakties@localhost", description="sender of the e-mails")
    smtp_starttls: bool = Field(default=True, description="use STARTTLS with the mail server")
    batch_results: str | None = Field(
        default=None,
        description="folder of the nightly batch's results (weakties batch --output); "
        "without one, suggestions are computed on request",
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="worker processes of weakties serve (default: 2, or 1 on a "
        "one-core machine or an in-memory database)",
    )
    worker_interval: float = Field(
        default=2.0,
        ge=0,
        le=3600,
        description="seconds between two passes of the background loop (0: no loop here)",
    )
    # read by weakties.service.live itself (commands keep pages too); declared here so
    # that `weakties serve` refuses a bad value at start and the setting is documented
    live_viewers: int = Field(
        default=500,
        ge=0,
        description="members whose network pages each process keeps in memory between "
        "requests, at most (0: none)",
    )
    live_mb: float = Field(
        default=512,
        ge=0,
        description="MiB of network pages each process keeps in memory between requests, "
        "at most (the least recently active members' dropped first)",
    )
    warm_kernels: bool = Field(
        default=True,
        description="load the graph engine's compiled kernels in the background when a "
        "server process starts (its first network page is then not slowed by them)",
    )

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        secret = self.secret_key.get_secret_value()
        if self.environment != "development":
            if secret == DEFAULT_SECRET:
                raise ValueError(
                    "set WEAKTIES_SECRET_KEY to a long random value: the default secret "
                    f"is refused outside development (environment: {self.environment})"
                )
            if len(secret) < 32:
                raise ValueError("WEAKTIES_SECRET_KEY must have at least 32 characters")
        return self

    @property
    def serving_workers(self) -> int:
        """The worker processes to serve with: ``workers``, else the default."""
        return self.workers or default_workers()

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS, as soon as the platform is served over HTTPS."""
        return self.base_url.startswith("https://")
