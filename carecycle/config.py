"""Settings from `CARECYCLE_*` environment variables and an optional `carecycle.toml`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_DATABASE_URL = "duckdb:///carecycle.duckdb"
DEFAULT_HEALTH_WEIGHTS = {
    "usage": 0.30, "usage_trend": 0.15, "support": 0.15, "survey": 0.10, "engagement": 0.10,
    "renewal": 0.20,
}  # fmt: skip


class Settings(BaseSettings):
    """Runtime settings; every field is documented in docs/configuration.md."""

    model_config = SettingsConfigDict(
        env_prefix="CARECYCLE_", toml_file="carecycle.toml", extra="forbid"
    )

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the store: duckdb:///FILE or postgresql+psycopg://…",
    )
    default_region: str = Field(
        "CN", description="ISO 3166 region used to read phone numbers written without +country."
    )
    name_similarity: float = Field(
        88.0, ge=50, le=100, description="Score (0–100) above which two names count as the same."
    )

    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="Address of `carecycle serve` as customers reach it: tracked links, "
        "the open pixel and unsubscribe point there.",
    )
    site_url: str = Field(
        "https://www.example.com", description="The business's own site, where emails link to."
    )
    api_token: SecretStr | None = Field(
        None,
        description="Token the team's loyalty API asks for (`Authorization: Bearer TOKEN`); "
        "without it that API is off.",
    )
    link_secret: SecretStr | None = Field(
        None,
        description="Key that signs tracked and unsubscribe links (default: one made "
        "and kept in the store on first use).",
    )
    mail_from: str = Field("care@example.com", description="Sender address of emails.")
    mail_from_name: str = Field("Customer Care", description="Sender name of emails.")
    smtp_host: str = Field("127.0.0.1", description="SMTP server that relays emails.")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP server port.")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        "none", description="none, starttls (upgrade a plain connection) or tls (implicit TLS)."
    )
    smtp_username: str | None = Field(None, description="SMTP login, when the server asks.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    smtp_ca_file: Path | None = Field(
        None, description="CA certificates to trust for the SMTP server's TLS (a private CA)."
    )
    smtp_timeout: float = Field(30.0, gt=0, description="Seconds to wait for the SMTP server.")
    email_max_attempts: int = Field(
        5, ge=1, description="Tries before an email the server keeps deferring counts as failed."
    )
    email_retry_minutes: int = Field(
        30, ge=1, description="Wait before retrying an email the server deferred."
    )
    letter_company: str = Field("CareCycle Licensing", description="Sender printed on letters.")
    letter_address: list[str] = Field(
        default_factory=lambda: ["1 Example Road", "Shanghai 200000"],
        description="Sender address lines printed on letters.",
    )
    letter_signature: str = Field(
        "Customer Care Team", description="Signature line printed on letters."
    )
    outbox_dir: Path = Field(
        Path("outbox"), description="Where letters, mail-house files and hand-off lists go."
    )
    call_teams: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Call teams and the account regions each works; other regions go to "
        "team `general`.",
    )
    call_max_attempts: int = Field(
        3, ge=1, description="Call attempts before a contact counts as not reached."
    )
    call_retry_hours: int = Field(
        24, ge=1, description="Wait before calling an unreached contact again."
    )
    channel_costs: dict[str, float] = Field(
        default_factory=lambda: {
            "edm": 0.05, "dm": 1.5, "tsr_call": 4.0, "pam": 30.0, "partner": 12.0, "web": 0.0,
        },
        description="Cost of one sent touch per channel, in the reports' currency (ROI).",
    )  # fmt: skip
    attribution_days: int = Field(
        90, ge=0, description="Days after a touch whose purchases and renewals it may claim."
    )
    tier_cuts: tuple[float, float] = Field(
        (0.8, 0.95),
        description="Cumulative revenue shares that close value tiers A and B (the 20/80 rule).",
    )
    service_levels: dict[str, str] = Field(
        default_factory=lambda: {
            "A": "account manager (PAM), a TSR call each quarter, every eDM and event",
            "B": "a TSR call twice a year, every eDM",
            "C": "eDM and self-service on the site",
        },
        description="The service each value tier earns, shown with the tiers.",
    )

    health_weights: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_HEALTH_WEIGHTS),
        description="Weight of each health component: usage, usage_trend, support, survey, "
        "engagement, renewal (docs/intelligence.md).",
    )
    health_cuts: tuple[float, float] = Field(
        (70.0, 40.0), description="Health from which an account is green, and amber (0–100)."
    )
    health_days: int = Field(
        180, ge=1, description="Days of usage, cases, answers and touches health reads."
    )

    margin_rates: dict[str, float] = Field(
        default_factory=dict,
        description="Gross-margin rate (0–1) of each product family, for value tiers by margin "
        "(carecycle segments --by margin).",
    )
    loyalty_rules: str = Field(
        default="scoring-plan",
        description="The earning rules points are awarded by: a built-in rule set's id or a "
        "rules file (carecycle loyalty award).",
    )
    planned_families: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "new_pcs": ["windows"], "new_servers": ["server"], "desktop_upgrade": ["windows"],
            "office_upgrade": ["office", "collaboration"],
            "server_software": ["server", "database", "collaboration"],
            "security": ["security"], "backup": ["cloud"], "management": ["management"],
            "cloud": ["cloud"],
        },
        description="Product families each answer to the profiling question planned_purchases "
        "points cross-sell offers to.",
    )  # fmt: skip

    @field_validator("margin_rates")
    @classmethod
    def _margin_rates(cls, value: dict[str, float]) -> dict[str, float]:
        bad = sorted(f for f, rate in value.items() if not 0 <= rate <= 1)
        if bad:
            raise ValueError(f"rates must be between 0 and 1 (families {', '.join(bad)})")
        return value

    @field_validator("tier_cuts")
    @classmethod
    def _tier_cuts(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not 0 < value[0] < value[1] <= 1:
            raise ValueError("must be two shares 0 < A < B <= 1, e.g. [0.8, 0.95]")
        return value

    @field_validator("public_url", "site_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("default_region")
    @classmethod
    def _upper_region(cls, value: str) -> str:
        if len(value) != 2 or not value.isalpha():
            raise ValueError("must be a two-letter ISO 3166 region such as CN or US")
        return value.upper()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def load_settings(**overrides: Any) -> Settings:
    """Return settings from the environment and ./carecycle.toml, with overrides on top."""
    given = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**given)
