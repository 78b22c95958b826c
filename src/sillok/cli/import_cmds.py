"""``sillok import``: bring other organisations' datasets into the archive with their sources."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from .. import imports
from .common import archive_from, archive_option, format_option, print_json, print_table, stdout

PathArg = click.Path(exists=True, dir_okay=False, path_type=Path)


def _run(fmt: str, work: Callable[[], imports.ImportResult]) -> None:
    """Run an import; print its summary, or every bad record and exit 1."""
    try:
        result = work()
    except imports.ImportFailed as failed:
        if fmt != "json":
            raise
        print_json({"ok": False, "path": str(failed.path),
                    "problems": [{"file": p.file, "where": p.where, "column": p.column,
                                  "reason": p.reason}
                                 for p in failed.problems]})
        sys.exit(1)
    if fmt == "json":
        print_json({"ok": True, **result.as_dict()})
        return
    stdout.print(f"[bold]Imported {result.records} record(s)[/bold] from {result.path.name} "
                 f"({result.source.title}, retrieved {result.source.retrieved or 'unknown'}): "
                 f"{result.created} new, {result.updated} updated, {result.unchanged} "
                 f"unchanged; {result.linked} linked to knowledge-base facilities",
                 highlight=False)
    if result.unlinked:
        stdout.print(f"  not linked to a facility: {', '.join(result.unlinked[:20])}"
                     + (" ..." if len(result.unlinked) > 20 else ""), highlight=False)
    stdout.print(f"  logged as custody entry #{result.custody_event.get('seq')}",
                 highlight=False)


def register(cli: click.Group) -> None:
    """Add the ``import`` group to ``cli``."""

    @cli.group(name="import")
    def import_group() -> None:
        """Import facility and incident datasets (NKPD, the HRNK map, CSV) with their sources.

        Re-importing a file updates its records instead of adding copies; a file with
        any bad record is refused whole, naming each row and why.
        """

    retrieved_option = click.option(
        "--retrieved", metavar="DATE",
        help="When the file was downloaded (2024-05-01), if the file does not say.")

    @import_group.command(name="nkpd")
    @click.argument("path", type=PathArg)
    @retrieved_option
    @archive_option
    @format_option
    @click.pass_context
    def nkpd(ctx: click.Context, path: Path, retrieved: str | None, fmt: str) -> None:
        """Korea Future's North Korean Prison Database export (facilities.json)."""
        _run(fmt, lambda: imports.import_nkpd(path, archive=archive_from(ctx),
                                              retrieved=retrieved))

    @import_group.command(name="hrnk")
    @click.argument("path", type=PathArg)
    @retrieved_option
    @archive_option
    @format_option
    @click.pass_context
    def hrnk(ctx: click.Context, path: Path, retrieved: str | None, fmt: str) -> None:
        """The HRNK prison-camp map: its KML export or the JSON copy (camps.json)."""
        _run(fmt, lambda: imports.import_hrnk(path, archive=archive_from(ctx),
                                              retrieved=retrieved))

    @import_group.command(name="csv")
    @click.argument("path", type=PathArg)
    @click.option("--mapping", "-m", type=PathArg, required=True, metavar="MAP.yml",
                  help="YAML file naming the source and which column holds which field.")
    @archive_option
    @format_option
    @click.pass_context
    def csv_command(ctx: click.Context, path: Path, mapping: Path, fmt: str) -> None:
        """A CSV of facilities or incidents, read through a YAML mapping (see docs/export.md)."""
        _run(fmt, lambda: imports.import_csv(path, mapping, archive=archive_from(ctx)))

    @import_group.command(name="list")
    @click.option("--facility", metavar="ID", help="Only records linked to this facility.")
    @click.option("--source", metavar="ID", help="Only records from this source.")
    @click.option("--kind", type=click.Choice(["facility", "incident"]))
    @archive_option
    @format_option
    @click.pass_context
    def list_command(ctx: click.Context, facility: str | None, source: str | None,
                     kind: str | None, fmt: str) -> None:
        """The imported records, with their source and the facility each is linked to."""
        found = imports.imported(archive_from(ctx), facility=facility, source=source,
                                 kind=kind)
        if fmt == "json":
            print_json(found)
            return
        print_table([{**r, "where": r["origin"].get("where")} for r in found],
                    ["source", "kind", "external_id", "name", "facility_id", "retrieved",
                     "where"], widths={"name": 50})
