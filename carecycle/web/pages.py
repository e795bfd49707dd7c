"""Server-rendered pages, from the package's Jinja2 templates."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("carecycle.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
    )


def render_page(name: str, **context: object) -> str:
    """Return the page `name` rendered with `context`."""
    return _environment().get_template(name).render(**context)
