"""``sillok kb``: the detention-system knowledge base (facilities, spellings, sources)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from .. import imports
from ..exc import SillokError
from ..kb import load_kb
from ..kb.importer import KB_FOLDER, import_reference
from .common import archive_from, format_option, print_json, print_table, stdout


def register(cli: click.Group) -> None:
    """Add the ``kb`` group to ``cli``."""

    @cli.group()
    def kb() -> None:
        """The knowledge base: facilities, types, agencies, organisations, violations."""

    @kb.command(name="facilities")
    @click.option("--type", "type_", metavar="TYPE", help="Only this facility type id.")
    @format_option
    def facilities(type_: str | None, fmt: str) -> None:
        """List facilities with type, province and the names they are known by."""
        found = [f for f in load_kb().facilities.values() if not type_ or f.type == type_]
        if fmt == "json":
            print_json([dataclasses.asdict(f) for f in found])
            return
        print_table([{"id": f.id, "type": f.type, "province": f.province,
                      "names": "; ".join(f.names[:4])} for f in found],
                    ["id", "type", "province", "names"], widths={"names": 70})

    @kb.command(name="facility")
    @click.argument("name")
    @click.option("--archive", "-a", "archive", metavar="PATH",
                  help="Also show the records imported into this archive (`sillok import`).")
    @format_option
    @click.pass_context
    def facility(ctx: click.Context, name: str, archive: str | None, fmt: str) -> None:
        """One facility, by id or any of its names ("Yoduk", "요덕", "Camp 15").

        A name or place several facilities share ("Kaechon") lists every candidate
        with its type and id, and says it is ambiguous."""
        base = load_kb()
        found = [base.facilities[name]] if name in base.facilities else \
            base.facility_by_name(name)
        if not found:
            raise SillokError(f"no facility is known as {name!r}: `sillok kb facilities` "
                              "lists them")
        if len(found) > 1:
            # "Kaechon" hosts Camp 14 and Kyohwaso No. 1: list every candidate, pick none
            candidates = sorted(found, key=lambda f: (f.type, f.id))
            if fmt == "json":
                print_json({"name": name, "ambiguous": True,
                            "candidates": [{"id": f.id, "type": f.type, "number": f.number,
                                            "province": f.province, "names": f.names}
                                           for f in candidates]})
                return
            stdout.print(f"{name!r} is ambiguous: {len(candidates)} facilities are known by "
                         "this name or place. Show one with `sillok kb facility ID`.",
                         highlight=False)
            print_table([{"id": f.id, "type": f.type, "province": f.province,
                          "names": "; ".join(f.names[:4])} for f in candidates],
                        ["id", "type", "province", "names"], widths={"names": 60})
            return
        archive = archive or archive_from(ctx)
        records = {f.id: imports.imported(archive, facility=f.id) if archive else []
                   for f in found}
        if fmt == "json":
            print_json([dataclasses.asdict(f) | ({"imported": records[f.id]} if archive else {})
                        for f in found])
            return
        for item in found:
            for key, value in dataclasses.asdict(item).items():
                if value not in (None, [], ""):
                    stdout.print(f"[bold]{key:>20}[/bold]  {value}", highlight=False)
            for record in records[item.id]:
                stdout.print(f"[bold]{'imported':>20}[/bold]  {record['source_title']} "
                             f"({record['source']}) record {record['external_id']!r}: "
                             f"{record['name']}; retrieved {record['retrieved'] or 'unknown'}"
                             f"; {record['record_url'] or ''}", highlight=False)
            stdout.print()

    @kb.command(name="import-reference")
    @click.argument("hrnk", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.argument("nkpd", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                  default=KB_FOLDER / "facilities_reference.yml", show_default=True,
                  help="The generated facility file to rebuild.")
    def import_reference_cmd(hrnk: Path, nkpd: Path, out: Path) -> None:
        """Rebuild the reference facilities from the HRNK camp map (JSON or KML) and the
        Korea Future prison database export; facts keep their source."""
        report = import_reference(hrnk, nkpd, out)
        stdout.print(report.summary(), highlight=False)
