"""The one place that wires the runtime: settings, then the store."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from carecycle.config import Settings, load_settings
from carecycle.errors import ConfigError
from carecycle.store import migrate
from carecycle.store.db import Store, open_store


@dataclass
class Runtime:
    """Everything a command needs, built once."""

    settings: Settings
    store: Store

    def close(self) -> None:
        """Release the store."""
        self.store.close()


def settings_from(**overrides: object) -> Settings:
    """Return validated settings, or raise ConfigError naming the bad setting."""
    try:
        return load_settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"setting {name} (CARECYCLE_{name.upper()}): {first['msg']}") from None


def build_runtime(settings: Settings, *, upgrade: bool = True) -> Runtime:
    """Open the store; create its schema when empty, refuse an outdated one."""
    store = open_store(settings.database_url)
    try:
        if upgrade:
            migrate.ensure_current(store)
    except Exception:
        store.close()
        raise
    return Runtime(settings=settings, store=store)
