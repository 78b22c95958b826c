"""``sillok extract``: facts with provenance, for archive documents or files given directly."""

from __future__ import annotations

import json
import os
import sys

import click

from .. import api
from ..exc import DocumentNotFound
from .common import archive_from, archive_option, print_table, stdout


def register(cli: click.Group) -> None:
    """Add ``extract`` to ``cli``."""

    @cli.command()
    @click.argument("targets", nargs=-1)
    @click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]),
                  default="table", show_default=True,
                  help="table: a summary; json/jsonl: the extraction JSON (one line per "
                  "document with jsonl).")
    @archive_option
    @click.pass_context
    def extract(ctx: click.Context, targets: tuple[str, ...], fmt: str) -> None:
        """Extract facilities, violations, figures and sources.

        TARGETS that are existing files are read directly, outside any archive, and
        their JSON printed with `document` set to the path as given. Otherwise TARGETS
        are archive documents (id, id prefix or path); none means every document. The
        output is stored in the archive under the extractor's name and version;
        re-running is idempotent.
        """
        files = [t for t in targets if os.path.isfile(t)]
        if files and len(files) == len(targets):
            for path in files:
                output = api.extract_file(path)
                if fmt == "table":
                    _print_summary(output)
                else:
                    indent = 2 if fmt == "json" else None
                    sys.stdout.write(json.dumps(output, ensure_ascii=False, indent=indent) + "\n")
            return
        archive = archive_from(ctx)
        counts = api.extract(list(targets) or None, archive)
        if fmt == "table":
            stdout.print(f"Extraction: {counts['extracted']} extracted, {counts['unchanged']} "
                         f"unchanged, {counts['skipped']} without text", highlight=False)
            return
        refs = list(targets) or [d["id"] for d in api.list_documents(archive)]
        for ref in refs:
            try:
                output = api.extraction(ref, archive)
            except DocumentNotFound:
                continue
            indent = 2 if fmt == "json" else None
            sys.stdout.write(json.dumps(output, ensure_ascii=False, indent=indent) + "\n")


def _print_summary(output: dict[str, object]) -> None:
    stdout.print(f"[bold]{output['document']}[/bold]", highlight=False)
    rows = []
    for field in ("facility_types", "facilities", "agencies", "organizations", "violations"):
        entries = output.get(field) or []
        assert isinstance(entries, list)
        rows.append({"field": field, "ids": ", ".join(e["id"] for e in entries)})
    print_table(rows, ["field", "ids"])
    claims = output.get("claims") or []
    assert isinstance(claims, list)
    print_table([{**c, "attributed_to": ", ".join(c["attributed_to"])} for c in claims],
                ["subject", "measure", "low", "high", "as_of", "attributed_to"], title="claims")
