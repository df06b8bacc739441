"""The one HTML page: every page the product writes (the agreement report, the codebook) is a
jinja2 template extending ``templates/page.html.j2``, styled by the one stylesheet
``templates/page.css``, inlined so the file is self-contained (no scripts, no network).

Autoescape is on: every value a template prints is escaped unless it is :class:`Markup`
(the SVG chart, which :mod:`coder.reports._svg` builds from escaped parts).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from markupsafe import Markup


@cache
def _environment() -> Any:
    # jinja2 is imported here, not at the top: only an HTML export needs it.
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("coder.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


@cache
def stylesheet() -> str:
    """The one stylesheet of every page."""
    return resources.files("coder.reports").joinpath("templates", "page.css").read_text("utf-8")


def markup(html: str) -> Markup:
    """Trusted, already escaped HTML (a chart) that a template prints as it is."""
    return Markup(html)


def render_page(template: str, *, title: str, main_class: str = "", **context: object) -> str:
    """The page ``templates/<template>`` rendered with ``context``: a whole HTML document."""
    return str(
        _environment()
        .get_template(template)
        .render(
            title=title,
            main_class=main_class,
            stylesheet=Markup(stylesheet().strip()),
            **context,
        )
    )
