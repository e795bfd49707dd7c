"""Read YAML data files (programs, earning rules) into pydantic models, one way.

A bad file is refused with its path, the line of the offending field and the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from carecycle.errors import InputError

M = TypeVar("M", bound=BaseModel)


def read_text(path: Path, kind: str) -> str:
    """Return a data file's text, or raise InputError saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read {kind} file: {exc}") from None


def parse_model(text: str, source: str, model: type[M], holds: str, what: str) -> M:
    """Return the `model` YAML text defines; `source` names it in errors, `holds` says
    what a file of this kind holds (e.g. "a program file holds a mapping (id, …)") and
    `what` names the whole of it in an error that has no field."""
    try:
        raw = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(
            f"{source}{line}: not valid YAML: {getattr(exc, 'problem', exc)}"
        ) from None
    if not isinstance(raw, dict):
        raise InputError(f"{source}: {holds}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise InputError(_describe(exc, node, source, what)) from None


def _describe(exc: ValidationError, node: Any, source: str, what: str) -> str:
    lines = []
    errors = exc.errors()
    # A list item that fails also leaves its list short; that echo would only confuse.
    deeper = {tuple(e["loc"][:1]) for e in errors if len(e["loc"]) > 1}
    errors = [e for e in errors if not (e["type"] == "too_short" and tuple(e["loc"]) in deeper)]
    for error in errors:
        loc = [part for part in error["loc"] if not str(part).startswith("function-")]
        line = _line_of(node, loc)
        where = ".".join(map(str, loc)) or what
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{source}:{line}: {where}: {message}")
    return "\n".join(lines)


def _line_of(node: Any, loc: list[Any]) -> int:
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None
