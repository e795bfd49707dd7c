"""Every touch of the built-in programs can be rendered on every channel it may use."""

from __future__ import annotations

import pytest

from carecycle.channels.coverage import content_gaps
from carecycle.programs.loader import ProgramFile, builtin_programs, parse_program


@pytest.mark.parametrize("found", builtin_programs(), ids=lambda f: f.program.id)
def test_every_builtin_touch_has_its_templates_and_scripts(found: ProgramFile) -> None:
    assert content_gaps(found.program) == []


def test_a_touch_whose_content_has_no_template_is_named_per_channel() -> None:
    text = """\
id: gaps
name: Gaps
version: 1
holdout: {share: 0.1, salt: gaps}
stages:
  - id: welcome
    name: Welcome
    window: {from: start, to: start+1mo}
    touches:
      - {id: hello, name: Hello, channel: [edm, dm, tsr_call, pam],
         content: welcome/no-such-thing, trigger: start+1d}
"""
    gaps = content_gaps(parse_program(text, "gaps.yaml").program)
    assert gaps == [
        "welcome.hello: edm has no email template email/welcome/no-such-thing.en.j2",
        "welcome.hello: edm has no email template email/welcome/no-such-thing.zh.j2",
        "welcome.hello: dm has no letter template letters/welcome/no-such-thing.en.j2",
        "welcome.hello: dm has no letter template letters/welcome/no-such-thing.zh.j2",
        "welcome.hello: tsr_call has no call script welcome/no-such-thing",
    ]
