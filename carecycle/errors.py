"""Errors a user can act on; the CLI prints them as one line, the API as a 4xx."""

from __future__ import annotations


class CareCycleError(Exception):
    """A problem caused by input or environment that the user can fix."""

    exit_code = 1


class ConfigError(CareCycleError):
    """A setting is missing or malformed."""


class StoreError(CareCycleError):
    """The store cannot be reached or is not at the expected schema version."""


class StoreLockedError(StoreError):
    """The DuckDB file is held by another process."""

    exit_code = 3


class InputError(CareCycleError):
    """An input file or argument cannot be used as given."""


class NotFoundError(InputError):
    """Something asked for by its id is not in the store."""
