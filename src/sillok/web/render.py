"""Templates: the Jinja environment (autoescaped), its helpers, and page rendering."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ..__about__ import __version__
from ..accounts import ADMIN, READ_ALL, REVIEW, WRITE
from ..kb import load_kb
from .auth import optional_principal
from .charts import bar_chart, estimates_chart
from .geo import Point, map_svg
from .highlight import item_label, segments
from .state import TEMPLATES, web_state


def _label(kind: str, value: str | None) -> str:
    """The knowledge base's display name for an id (the id when unknown)."""
    if value is None:
        return ""
    kb = load_kb()
    try:
        if kind == "facility":
            return kb.facilities[value].names[0]
        if kind == "facility_type":
            return kb.facility_types[value].label
        if kind == "violation":
            return kb.violations[value].label
        if kind == "organization":
            return kb.organizations[value].name
        if kind == "agency":
            return kb.agencies[value].name
        if kind == "measure":
            return kb.measures[value].label
    except KeyError:
        return value
    if kind == "subject":
        if value == "all":
            return "all facilities"
        return _label("facility_type", value) if value in kb.facility_types else \
            _label("facility", value)
    return value


def _number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _map_for(points: list[dict[str, Any]], highlight: str | None = None) -> Any:
    return map_svg([Point(**p) for p in points], highlight=highlight)


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.autoescape = True
    env.filters["label"] = lambda value, kind: _label(kind, value)
    env.filters["num"] = _number
    env.filters["short"] = lambda value: (value or "")[:12]
    env.globals["version"] = __version__
    env.globals["segments"] = segments
    env.globals["item_label"] = lambda item: item_label(item, lambda v, k: _label(k, v))
    env.globals["estimates_chart"] = estimates_chart
    env.globals["bar_chart"] = bar_chart
    env.globals["map_for"] = _map_for
    return templates


def render(request: Request, template: str, data: dict[str, Any], *, status: int = 200
           ) -> HTMLResponse:
    """The page ``template`` filled with ``data`` (the same dict its JSON twin returns)."""
    who = optional_principal(request)
    context = {
        "request": request, "d": data, "who": who,
        "csrf": who.session.csrf_token if who else "",
        "can": {"read_all": bool(who and who.can(READ_ALL)),
                "review": bool(who and who.can(REVIEW)),
                "write": bool(who and who.can(WRITE)),
                "admin": bool(who and who.can(ADMIN))},
    }
    response: HTMLResponse = web_state(request).templates.TemplateResponse(
        request, template, context, status_code=status)
    return response


def twin(router: APIRouter, path: str, *, template: str, summary: str,
         api_path: str | None = None) -> Callable[[Callable[..., dict[str, Any]]],
                                                   Callable[..., dict[str, Any]]]:
    """Register a GET data function twice: as JSON under ``/api`` and as an HTML page.

    The function's parameters (path, query, the authorisation dependency) apply to
    both, so the page and its JSON twin always show the same data to the same user.
    """
    json_path = api_path or ("/api" + (path if path != "/" else "/dashboard"))

    def register(func: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        router.add_api_route(json_path, func, methods=["GET"], summary=summary,
                             description=inspect.getdoc(func) or summary)

        @functools.wraps(func)
        def page(*args: Any, **kwargs: Any) -> HTMLResponse:
            request = kwargs["request"]
            return render(request, template, func(*args, **kwargs))

        page.__signature__ = inspect.signature(  # type: ignore[attr-defined]
            func, eval_str=True).replace(return_annotation=HTMLResponse)
        router.add_api_route(path, page, methods=["GET"], include_in_schema=False,
                             response_class=HTMLResponse, response_model=None)
        return func

    return register
