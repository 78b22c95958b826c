"""Commands that collect and preserve: init, ingest, demo, list, show, text, original,
verify, log."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .. import api
from ..ingest.pipeline import IngestReport, ItemResult
from .common import (
    archive_from,
    archive_option,
    format_option,
    print_json,
    print_table,
    stderr,
    stdout,
)


def _short(doc_id: str | None) -> str:
    return (doc_id or "")[:12]


def _run_ingest(archive: str | None, paths: list[str], max_size: str | None,
                fmt: str) -> IngestReport:
    show_bar = stderr.is_terminal and fmt == "table"
    with ExitStack() as stack:
        progress: Progress | None = None
        task = None
        if show_bar:
            progress = stack.enter_context(Progress(
                TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[current]}"), TimeElapsedColumn(),
                console=stderr, transient=True, auto_refresh=False))

        def on_start(total: int) -> None:
            nonlocal task
            if progress is not None:
                task = progress.add_task("ingest", total=total, current="")

        def on_item(item: ItemResult) -> None:
            if progress is not None and task is not None:
                progress.update(task, advance=1, current=Path(item.source).name[:40])
                progress.refresh()  # no refresh thread: ingest workers are forked

        return api.ingest_path(*paths, archive=archive, on_start=on_start, on_item=on_item,
                               max_file_size=max_size)
    raise AssertionError("unreachable")


def print_summary(report: IngestReport) -> None:
    counts = report.counts
    summary = report.as_dict()
    order = ["ok", "needs-ocr", "skipped-duplicate", "skipped", "too-large", "failed"]
    parts = [f"{counts[s]} {s}" for s in order if counts.get(s)]
    stdout.print(f"[bold]Ingested {len(report.items)} item(s)[/bold]: " + ", ".join(parts))
    if report.problems:
        stdout.print("[bold red]Problems:[/bold red]")
        for item in report.problems:
            stdout.print(f"  [red]{item.status}[/red] {item.source}: {item.reason}",
                         highlight=False)
    if report.warnings:
        stdout.print("[bold yellow]Warnings (kept):[/bold yellow]")
        for item in report.warnings:
            stdout.print(f"  [yellow]warning[/yellow] {item.source}: {item.reason}",
                         highlight=False)
    needs_ocr = [i for i in report.items if i.status == "needs-ocr"]
    for item in needs_ocr:
        stdout.print(f"  [yellow]needs-ocr[/yellow] {item.source}: {item.reason}", highlight=False)
    stdout.print(f"Elapsed {summary['elapsed_seconds']:.2f} s, "
                 f"{summary['documents_per_second']:.1f} documents/s, "
                 f"{summary['megabytes_per_second']:.2f} MB/s", highlight=False)


def register(cli: click.Group) -> None:
    """Add the archive commands to ``cli``."""

    @cli.command()
    @click.argument("path", required=False)
    @archive_option
    @click.pass_context
    def init(ctx: click.Context, path: str | None) -> None:
        """Create an archive folder (PATH, or --archive, or the default)."""
        archive = api.init_archive(path or archive_from(ctx))
        stdout.print(f"Archive ready at {archive.root}", highlight=False)

    @cli.command()
    @click.argument("paths", nargs=-1, required=True, type=click.Path())
    @click.option("--max-size", metavar="SIZE", help="Largest file to ingest, e.g. 200MB, 2GiB.")
    @archive_option
    @format_option
    @click.pass_context
    def ingest(ctx: click.Context, paths: tuple[str, ...], max_size: str | None,
               fmt: str) -> None:
        """Ingest files, folders (recursively), zips, mailboxes and web archives.

        Exit status 1 when any file failed or was too large; the rest are kept.
        """
        report = _run_ingest(archive_from(ctx), list(paths), max_size, fmt)
        if fmt == "json":
            print_json({**report.as_dict(), "items": [vars(i) for i in report.items]})
        else:
            print_summary(report)
        if not report.ok:
            sys.exit(1)

    @cli.command()
    @archive_option
    @click.option("--archive-into", "target", metavar="PATH", hidden=True)
    @format_option
    @click.pass_context
    def demo(ctx: click.Context, target: str | None, fmt: str) -> None:
        """Ingest and extract the small synthetic demo corpus that ships with Sillok."""
        corpus = resources.files("sillok.demo") / "corpus"
        with resources.as_file(corpus) as folder:
            files = sorted(str(p) for p in Path(folder).iterdir()
                           if p.is_file() and p.name != "README.md")
            report = _run_ingest(archive_from(ctx), files, None, fmt)
        counts = api.extract(None, archive_from(ctx))
        if fmt == "json":
            print_json({**report.as_dict(), "extraction": counts})
            return
        print_summary(report)
        stdout.print(f"Extraction: {counts['extracted']} extracted, {counts['unchanged']} "
                     f"unchanged, {counts['skipped']} without text", highlight=False)
        stdout.print(f"\nArchive: {api.archive_path(archive_from(ctx))}\nNext: `sillok list`, "
                     "`sillok show DOC`, `sillok text DOC`, `sillok verify`, "
                     "`sillok search 요덕`, `sillok dossier Yodok`, `sillok estimates`, "
                     "`sillok matrix`; in a browser: `sillok user add NAME --role admin`, "
                     "then `sillok serve`", highlight=False)

    @cli.command(name="list")
    @click.option("--status", type=click.Choice(
        ["ok", "failed", "needs-ocr", "too-large", "skipped"]))
    @click.option("--limit", type=int)
    @click.option("--problems", is_flag=True,
                  help="List files and members that failed, were skipped, too large or "
                       "need OCR, or were kept with a warning, with the reason (from each "
                       "one's latest ingest), including those that never became documents.")
    @archive_option
    @format_option
    @click.pass_context
    def list_(ctx: click.Context, status: str | None, limit: int | None, problems: bool,
              fmt: str) -> None:
        """List the documents in the archive (or, with --problems, files with problems)."""
        if problems:
            found = api.problem_items(archive_from(ctx), status=status)[:limit]
            if fmt == "json":
                print_json(found)
                return
            rows = [{**f, "status": f["status"] if f["status"] != "ok" else "ok (warning)",
                     "document": _short(f["document_id"])} for f in found]
            print_table(rows, ["run_id", "status", "source", "reason", "document"],
                        widths={"source": 50, "reason": 70})
            return
        docs = api.list_documents(archive_from(ctx), status=status, limit=limit)
        if fmt == "json":
            print_json(docs)
            return
        rows = [{**d, "id": _short(d["id"]), "title": (d["title"] or "")[:70],
                 "name": d["original_name"]} for d in docs]
        print_table(rows, ["id", "status", "language", "media_type", "size", "name", "title"],
                    widths={"name": 36, "title": 60})

    @cli.command()
    @click.argument("doc")
    @archive_option
    @format_option
    @click.pass_context
    def show(ctx: click.Context, doc: str, fmt: str) -> None:
        """One document's metadata, status, sources, children and near-duplicates."""
        info = api.show_document(doc, archive_from(ctx))
        if fmt == "json":
            print_json(info)
            return
        _print_document(info)

    @cli.command()
    @click.argument("doc")
    @archive_option
    @click.pass_context
    def text(ctx: click.Context, doc: str) -> None:
        """Print the clean text that extraction and search work on.

        DOC is an archive document (id, id prefix or ingested path). Only when nothing in
        the archive matches is a file of that name read directly, with a note on stderr
        (the text `extract FILE` offsets point into).
        """
        text, from_archive = api.text_of(doc, archive_from(ctx))
        if not from_archive:
            stderr.print(f"{doc} is not in the archive; reading the file directly",
                         highlight=False)
        sys.stdout.write(text)
        sys.stdout.write("\n")

    @cli.command()
    @click.argument("doc")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
                  help="Write the original here instead of standard output.")
    @archive_option
    @click.pass_context
    def original(ctx: click.Context, doc: str, output: str | None) -> None:
        """Write a document's original bytes, exactly as ingested."""
        data = api.original_bytes(doc, archive_from(ctx))
        if output:
            Path(output).write_bytes(data)
        else:
            sys.stdout.buffer.write(data)

    @cli.command()
    @archive_option
    @format_option
    @click.pass_context
    def verify(ctx: click.Context, fmt: str) -> None:
        """Re-hash every original and encrypted testimony file, check the custody and
        audit logs; exit 1 on any problem."""
        report = api.verify(archive_from(ctx))
        if fmt == "json":
            print_json(report.as_dict())
        else:
            for problem in report.problems:
                stdout.print(f"[red]{problem.kind}[/red]: {problem.message}", highlight=False)
            verdict = "[green]OK[/green]" if report.ok else \
                f"[red]FAILED[/red] ({len(report.problems)} problem(s))"
            stdout.print(f"Verify {verdict}: {report.documents} documents, "
                         f"{report.originals_checked} originals re-hashed, "
                         f"{report.log_entries} custody entries, "
                         f"{report.testimony_files} encrypted testimony files and "
                         f"{report.audit_entries} audit entries checked "
                         f"in {report.elapsed:.2f} s")
        if not report.ok:
            sys.exit(1)

    @cli.command()
    @click.argument("doc", required=False)
    @archive_option
    @format_option
    @click.pass_context
    def log(ctx: click.Context, doc: str | None, fmt: str) -> None:
        """Custody history of the archive, or of one document."""
        entries = api.custody_log(doc, archive_from(ctx))
        if fmt == "json":
            print_json(entries)
            return
        rows = [{**e, "object": _short(e["object_id"]) if e["object_type"] == "document"
                 else e["object_id"], "hash": e["entry_hash"][:12],
                 "details": _details(e["details"])} for e in entries]
        print_table(rows, ["seq", "at", "action", "object", "actor", "details", "hash"],
                    widths={"details": 50})


def _details(details: dict[str, Any]) -> str:
    keep = {k: v for k, v in details.items() if v not in (None, False) and k != "text_extractor"}
    return ", ".join(f"{k}={str(v)[:40]}" for k, v in keep.items())


def _print_document(info: dict[str, Any]) -> None:
    fields = ["id", "status", "reason", "title", "author", "publisher", "published", "url",
              "language", "media_type", "encoding", "size", "original_name", "ingested_at"]
    for key in fields:
        if info.get(key) not in (None, ""):
            stdout.print(f"[bold]{key:>14}[/bold]  {info[key]}", highlight=False)
    if info.get("text"):
        t = info["text"]
        stdout.print(f"[bold]{'text':>14}[/bold]  {t['characters']} characters "
                     f"({t['extractor']}), sha256 {t['sha256'][:16]}", highlight=False)
    for source in info["sources"]:
        stdout.print(f"[bold]{'seen as':>14}[/bold]  {source['source']} ({source['status']}, "
                     f"{source['at']})", highlight=False)
    for parent in info["parents"]:
        stdout.print(f"[bold]{'inside':>14}[/bold]  {_short(parent['parent_id'])} as "
                     f"{parent['member']}", highlight=False)
    for child in info["children"]:
        stdout.print(f"[bold]{'contains':>14}[/bold]  {_short(child['child_id'])} "
                     f"{child['member']} ({child['status']})", highlight=False)
    for dup in info["near_duplicates"]:
        stdout.print(f"[bold]{'near-duplicate':>14}[/bold]  {_short(dup['id'])} "
                     f"{dup['similarity']}% {dup['title'] or dup['original_name']}",
                     highlight=False)
    stdout.print(f"[bold]{'custody':>14}[/bold]  {info['custody_events']} event(s): "
                 "`sillok log DOC`", highlight=False)
