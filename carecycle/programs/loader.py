"""Read program files: built-in ones shipped in the package and a user's own, one loader.

A bad file is refused with its path, the line of the offending field and the reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from carecycle.errors import InputError
from carecycle.programs.model import Program


@dataclass(frozen=True)
class ProgramFile:
    """A validated program and the text it was read from."""

    program: Program
    source: str
    text: str

    @property
    def sha256(self) -> str:
        """Return the digest of the file's text: a changed file is a new revision."""
        return hashlib.sha256(self.text.encode()).hexdigest()


def builtin_dir() -> Path:
    """Return the folder of the built-in program files."""
    return Path(str(resources.files("carecycle.programs") / "builtin"))


def builtin_programs() -> list[ProgramFile]:
    """Return every built-in program, by file name."""
    return [load_program(path) for path in sorted(builtin_dir().glob("*.yaml"))]


def load_program(path: Path) -> ProgramFile:
    """Return the program a YAML file defines, or raise InputError naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read program file: {exc}") from None
    return parse_program(text, str(path))


def parse_program(text: str, source: str) -> ProgramFile:
    """Return the program YAML text defines; `source` names it in errors."""
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
        raise InputError(f"{source}: a program file holds a mapping (id, name, stages, …)")
    try:
        program = Program.model_validate(raw)
    except ValidationError as exc:
        raise InputError(_describe(exc, node, source)) from None
    return ProgramFile(program, source, text)


def resolve_program(name: str) -> ProgramFile:
    """Return a built-in program by id, or the program in the file `name` points to."""
    for found in builtin_programs():
        if found.program.id == name:
            return found
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return load_program(path)
    known = ", ".join(p.program.id for p in builtin_programs())
    raise InputError(f"no program '{name}': give a program file or a built-in id ({known})")


def _describe(exc: ValidationError, node: Any, source: str) -> str:
    lines = []
    errors = exc.errors()
    # A stage that fails also leaves `stages` short; that echo would only confuse.
    deeper = {tuple(e["loc"][:1]) for e in errors if len(e["loc"]) > 1}
    errors = [e for e in errors if not (e["type"] == "too_short" and tuple(e["loc"]) in deeper)]
    for error in errors:
        loc = [part for part in error["loc"] if not str(part).startswith("function-")]
        line = _line_of(node, loc)
        where = ".".join(map(str, loc)) or "program"
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
