"""Settings from `CARECYCLE_*` environment variables and an optional `carecycle.toml`."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_DATABASE_URL = "duckdb:///carecycle.duckdb"


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
