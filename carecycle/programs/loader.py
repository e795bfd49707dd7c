"""Read program files: built-in ones shipped in the package and a user's own, one loader.

A bad file is refused with its path, the line of the offending field and the reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from carecycle.datafile import parse_model, read_text
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
    return parse_program(read_text(path, "program"), str(path))


def parse_program(text: str, source: str) -> ProgramFile:
    """Return the program YAML text defines; `source` names it in errors."""
    holds = "a program file holds a mapping (id, name, stages, …)"
    program = parse_model(text, source, Program, holds, "program")
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
