"""Docs are part of the product: every command and setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from carecycle.cli import _register, app
from carecycle.config import Settings

DOCS = Path(__file__).parents[1] / "docs"


def _command_paths(group: typer.Typer, prefix: str = "carecycle") -> list[str]:
    paths = []
    for command in group.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        paths.append(f"{prefix} {name}")
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        paths.append(f"{prefix} {sub.name}")
        paths.extend(_command_paths(sub.typer_instance, f"{prefix} {sub.name}"))
    return paths


def test_every_cli_command_is_in_the_cli_doc() -> None:
    _register()
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = [p for p in _command_paths(app) if p not in text]
    assert not missing, f"add to docs/cli.md: {missing}"


def test_every_setting_is_in_the_configuration_doc() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`{name}`" not in text]
    assert not missing, f"add to docs/configuration.md: {missing}"


def test_the_imports_the_docs_show_work() -> None:
    # The examples in the docs import from the package: those imports must keep working.
    blocks = [
        block
        for page in sorted(DOCS.glob("*.md"))
        for block in re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    ]
    imports = [
        line for block in blocks for line in block.splitlines()
        if re.match(r"from carecycle[.\w]* import [^(]+$", line)
    ]  # fmt: skip
    assert imports, "the docs show no import to check"
    for line in imports:
        exec(line, {})
