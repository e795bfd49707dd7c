"""Which touches of a program a channel could not render: templates and scripts missing."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from carecycle.channels.email import missing_templates
from carecycle.channels.mail import missing_letter_templates
from carecycle.channels.scripts import missing_scripts
from carecycle.programs.model import Program

# The channels that render content; pam, partner and web hand over lists, not text.
MISSING: dict[str, tuple[str, Callable[[Iterable[str]], list[str]]]] = {
    "edm": ("email template", missing_templates),
    "dm": ("letter template", missing_letter_templates),
    "tsr_call": ("call script", missing_scripts),
}


def content_gaps(program: Program) -> list[str]:
    """Return one line per touch and channel whose content cannot be rendered."""
    gaps = []
    for stage in program.stages:
        for touch in stage.touches:
            for channel in touch.channels:
                if channel not in MISSING:
                    continue
                what, missing = MISSING[channel]
                for name in missing([touch.content]):
                    gaps.append(f"{stage.id}.{touch.id}: {channel} has no {what} {name}")
    return gaps
