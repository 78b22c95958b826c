"""Commands that share evidence: package, verify-package, export, import-jsonl (and the
dataset importers, :mod:`sillok.cli.import_cmds`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .. import export as share
from .common import archive_from, archive_option, format_option, print_json, stderr, stdout
from .import_cmds import register as register_imports

F = TypeVar("F", bound=Callable[..., Any])


def selection_options(func: F) -> F:
    """--document, --facility and --query: which documents to include (default: all)."""
    func = click.option("--query", "-q", metavar="WORDS",
                        help="Only documents whose clean text or title contains every word.")(func)
    func = click.option("--facility", metavar="ID",
                        help="Only documents whose extraction names this facility "
                        "(e.g. kwanliso-15).")(func)
    return click.option("--document", "-d", "documents", metavar="DOC", multiple=True,
                        help="A document (id, id prefix or ingested path); repeat for more.")(func)


@contextmanager
def _progress(verb: str, fmt: str) -> Iterator[Callable[[str], None] | None]:
    """A running count on stderr when it is a terminal; nothing otherwise."""
    if not (stderr.is_terminal and fmt == "table"):
        yield None
        return
    with Progress(SpinnerColumn(), TextColumn(f"[bold]{verb}[/bold] {{task.completed}} "
                                              "document(s)"), TimeElapsedColumn(),
                  console=stderr, transient=True) as progress:
        task = progress.add_task(verb, total=None)
        yield lambda _doc_id: progress.advance(task)


def register(cli: click.Group) -> None:
    """Add the sharing commands (and ``sillok import``) to ``cli``."""
    register_imports(cli)

    @cli.command()
    @click.argument("out", type=click.Path(file_okay=False))
    @selection_options
    @click.option("--organization", envvar="SILLOK_ORGANIZATION", metavar="NAME",
                  help="Source-Organization in bag-info.txt [env SILLOK_ORGANIZATION].")
    @click.option("--description", metavar="TEXT",
                  help="External-Description in bag-info.txt [default: a summary].")
    @archive_option
    @format_option
    @click.pass_context
    def package(ctx: click.Context, out: str, documents: tuple[str, ...], facility: str | None,
                query: str | None, organization: str | None, description: str | None,
                fmt: str) -> None:
        """Write an evidence package (a BagIt bag) to the new folder OUT.

        It holds the originals, clean texts, extractions and custody-log entries of
        the selected documents (default: all), with SHA-256 and SHA-512 manifests.
        The export is recorded in the archive's custody log.
        """
        with _progress("packaging", fmt) as tick:
            result = share.package(out, documents=documents, facility=facility, query=query,
                                   archive=archive_from(ctx), organization=organization,
                                   description=description, on_document=tick)
        if fmt == "json":
            print_json(result.as_dict())
            return
        stdout.print(f"[bold]Packaged {result.documents} document(s)[/bold] into {result.path}",
                     highlight=False)
        stdout.print(f"  {result.texts} text(s), {result.extractions} extraction(s), "
                     f"{result.custody_entries} custody entries; Payload-Oxum "
                     f"{result.payload_oxum}", highlight=False)
        stdout.print(f"  export {result.export_id} logged as custody entry "
                     f"#{result.custody_event.get('seq')} (tagmanifest-sha256.txt "
                     f"{result.tagmanifest_sha256[:16]}...)", highlight=False)
        stdout.print(f"  check it with: sillok verify-package {result.path}", highlight=False)

    @cli.command(name="verify-package")
    @click.argument("path", type=click.Path(exists=True, file_okay=False))
    @format_option
    def verify_package(path: str, fmt: str) -> None:
        """Validate the bag at PATH and the custody entries in it; exit 1 on any problem."""
        report = share.verify_package(path)
        if fmt == "json":
            print_json(report.as_dict())
        else:
            for problem in report.problems:
                stdout.print(f"[red]{problem.kind}[/red] {problem.where}: {problem.message}",
                             highlight=False)
            verdict = "[green]OK[/green]" if report.ok else \
                f"[red]FAILED[/red] ({len(report.problems)} problem(s))"
            what = (f"{report.documents} documents, {report.custody_entries} custody entries "
                    "checked" if report.sillok_package else
                    "not a Sillok package: bag checked, no custody entries to check")
            stdout.print(f"Package {verdict}: bag {'valid' if report.bag_valid else 'INVALID'}; "
                         f"{what}", highlight=False)
        if not report.ok:
            sys.exit(1)

    @cli.command()
    @click.argument("out", type=click.Path(file_okay=False))
    @click.option("--format", "file_format", type=click.Choice(["jsonl", "csv", "ftm"]),
                  default="jsonl", show_default=True,
                  help="jsonl: complete records (re-importable); csv: one file per kind; "
                  "ftm: FollowTheMoney entities for Aleph.")
    @click.option("--originals", type=click.Choice(["alongside", "base64", "none"]),
                  default="alongside", show_default=True,
                  help="jsonl only: originals as files in OUT/originals, base64 in each line, "
                  "or left out (then the export cannot be imported).")
    @selection_options
    @click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
    @archive_option
    @click.pass_context
    def export(ctx: click.Context, out: str, file_format: str, originals: str,
               documents: tuple[str, ...], facility: str | None, query: str | None,
               as_json: bool) -> None:
        """Export documents, mentions, violations and claims to the folder OUT.

        Writes documents, mentions, violations and claims as .jsonl or .csv files (or
        FollowTheMoney entities in entities.ftm.json), export.json (what, when, who)
        and SHA256SUMS; the export is recorded in the custody log.
        """
        with _progress("exporting", "json" if as_json else "table") as tick:
            result = share.export(out, file_format, documents=documents, facility=facility,
                                  query=query, archive=archive_from(ctx), originals=originals,
                                  on_document=tick)
        if as_json:
            print_json(result.as_dict())
            return
        counts = ", ".join(f"{n} {kind}" for kind, n in result.counts.items())
        stdout.print(f"[bold]Exported[/bold] {counts} as {file_format} into {result.path}",
                     highlight=False)

    @cli.command(name="import-jsonl")
    @click.argument("path", type=click.Path(exists=True))
    @archive_option
    @format_option
    @click.pass_context
    def import_jsonl(ctx: click.Context, path: str, fmt: str) -> None:
        """Import a JSON Lines export (its folder or documents.jsonl) into the archive.

        Every original, text and extraction is checked against its hash first; a
        document already in the archive is left as it is. Exit 1 if any line failed.
        """
        with _progress("importing", fmt) as tick:
            callback = (lambda doc_id, _outcome: tick(doc_id)) if tick else None
            result = share.import_jsonl(path, archive=archive_from(ctx), on_document=callback)
        if fmt == "json":
            print_json(result.as_dict())
        else:
            stdout.print(f"[bold]Imported {result.imported} document(s)[/bold] "
                         f"({result.extractions} with extractions, {result.links} link(s)); "
                         f"{result.existing} already in the archive; {len(result.failed)} "
                         "failed", highlight=False)
            for failure in result.failed:
                stdout.print(f"  [red]line {failure['line']}[/red]: {failure['reason']}",
                             highlight=False)
        if not result.ok:
            sys.exit(1)
