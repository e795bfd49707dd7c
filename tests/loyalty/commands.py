"""Run `carecycle …` commands as a user would, in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def carecycle_command(env: dict[str, str], cwd: Path, *prefix: str) -> Callable[..., str]:
    """Return a runner of `carecycle PREFIX… ARGS…` that asserts success and returns stdout."""

    def run(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "carecycle", *prefix, *args],
                              capture_output=True, text=True, env=env, cwd=cwd)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run


def loyalty_command(env: dict[str, str], cwd: Path) -> Callable[..., str]:
    """Return a runner of `carecycle loyalty ARGS…`."""
    return carecycle_command(env, cwd, "loyalty")
