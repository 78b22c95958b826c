"""Pieces every command shares: the --archive and --format options, output helpers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

F = TypeVar("F", bound=Callable[..., Any])

stdout = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
stderr = Console(stderr=True, soft_wrap=True)


def _remember_archive(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(dict)["archive"] = value


def archive_option(func: F) -> F:
    """``--archive PATH`` on the group and on every command (either place works)."""
    return click.option(
        "--archive", "-a", metavar="PATH", expose_value=False, is_eager=True,
        callback=_remember_archive,
        help="Archive folder [default: $SILLOK_ARCHIVE, else ./sillok-archive].",
    )(func)


def format_option(func: F) -> F:
    return click.option("--format", "fmt", type=click.Choice(["table", "json"]),
                        default="table", show_default=True, help="Output format.")(func)


def archive_from(ctx: click.Context) -> str | None:
    obj = ctx.find_root().obj or {}
    value = ctx.obj.get("archive") if isinstance(ctx.obj, dict) else None
    return value or obj.get("archive")


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, set):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=_default) + "\n")


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *,
                title: str | None = None, widths: dict[str, int] | None = None) -> None:
    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold", max_width=(widths or {}).get(column))
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    stdout.print(table)
