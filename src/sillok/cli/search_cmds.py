"""Commands that find and analyse: search, searches, index, dossier, corroborate,
estimates, matrix. Each prints a readable table, or JSON with ``--format json``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .. import analyse
from .. import export as share
from ..api import get_archive
from ..index import refresh
from ..search import (
    SearchOptions,
    delete_saved,
    run_saved,
    save_search,
    saved_searches,
    search,
)
from .common import archive_from, archive_option, format_option, print_json, stderr, stdout


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, title: str | None = None,
           widths: dict[str, int] | None = None) -> None:
    """A table whose cells are plain text (never read as markup)."""
    table = Table(title=title, header_style="bold", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold", max_width=(widths or {}).get(column))
    for row in rows:
        cells: list[Text] = []
        for column in columns:
            value = row.get(column)
            cells.append(value if isinstance(value, Text) else
                         Text("" if value is None else str(value)))
        table.add_row(*cells)
    stdout.print(table)


def _highlighted(snippet: str) -> Text:
    """``**word**`` marks as bold."""
    text = Text()
    for i, part in enumerate(snippet.split("**")):
        text.append(part, style="bold yellow" if i % 2 else "")
    return text


def _print_search(result: dict[str, Any]) -> None:
    stdout.print(Text(f"{result['total']} document(s) for {result['query']!r}"))
    for notice in result.get("notices", []):
        stdout.print(Text(f"  Note: {notice}", style="yellow"))
    for expansion in result.get("expansions", []):
        ids = ", ".join(expansion["ids"])
        names = ", ".join(expansion["names"])
        stdout.print(Text(f"  {expansion['term']!r} → {ids}: {names}", style="dim"))
    rows = [{"#": result.get("offset", 0) + i + 1, "score": r["score"],
             "document": f"{r['id'][:12]}\n{r['title'] or ''}\n{r['path'] or ''}",
             "date": r["published"], "snippet": _highlighted(r["snippet"]),
             "new": "new" if r.get("new") else ""}
            for i, r in enumerate(result["results"])]
    columns = ["#", "score", "document", "date", "snippet"]
    if "saved_search" in result:
        columns.append("new")
    _table(rows, columns, widths={"document": 40, "snippet": 90})
    for name, values in result.get("facets", {}).items():
        if values:
            shown = ", ".join(f"{v['label']} ({v['count']})" for v in values[:12])
            stdout.print(Text(f"{name}: {shown}"))


def _print_sources(sources: list[dict[str, Any]], indent: str = "    ") -> None:
    for source in sources:
        docs = ", ".join(d[:12] for d in source["documents"])
        more = source["documents_total"] - len(source["documents"])
        stdout.print(Text(f"{indent}• {source['label']}: {source['documents_total']} "
                          f"document(s) [{docs}{f', +{more}' if more > 0 else ''}]", style="dim"))


def register(cli: click.Group) -> None:
    """Add the search and analysis commands to ``cli``."""

    @cli.command("search")
    @click.argument("query", nargs=-1)
    @click.option("--no-expand", is_flag=True, help="Search only the words as typed "
                  "(no knowledge-base spellings).")
    @click.option("--limit", "-n", type=int, default=20, show_default=True)
    @click.option("--offset", type=int, default=0, show_default=True)
    @click.option("--facets", is_flag=True, help="Count results per facility, type, "
                  "violation, organisation, publisher, language and year.")
    @click.option("--facility", multiple=True, help="Only documents about this facility "
                  "(id or any spelling). Repeat for either of several.")
    @click.option("--type", "facility_type", multiple=True, help="Facility type (kwanliso, ...).")
    @click.option("--violation", multiple=True, help="Violation category (torture, ...).")
    @click.option("--org", "organization", multiple=True, help="Organisation cited (id or name).")
    @click.option("--agency", multiple=True, help="Agency named (id or name).")
    @click.option("--publisher", multiple=True, help="Publisher (organisation or name).")
    @click.option("--language", multiple=True, help="Language code (en, ko).")
    @click.option("--since", help="Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).")
    @click.option("--until", help="Published on or before (YYYY, YYYY-MM or YYYY-MM-DD).")
    @click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance",
                  show_default=True)
    @click.option("--save", "save_as", metavar="NAME", help="Save this search as NAME.")
    @click.option("--run", "run_name", metavar="NAME", help="Run the saved search NAME.")
    @format_option
    @archive_option
    @click.pass_context
    def search_command(ctx: click.Context, query: tuple[str, ...], no_expand: bool,
                       limit: int, offset: int, facets: bool, facility: tuple[str, ...],
                       facility_type: tuple[str, ...], violation: tuple[str, ...],
                       organization: tuple[str, ...], agency: tuple[str, ...],
                       publisher: tuple[str, ...], language: tuple[str, ...],
                       since: str | None, until: str | None, sort: str,
                       save_as: str | None, run_name: str | None, fmt: str) -> None:
        """Full-text search, ranked, with highlighted snippets.

        QUERY words are all required; use OR, NOT (or -word), "quoted phrases",
        (brackets) and prefix* as needed. Facility, organisation and facility-type
        names are searched in every spelling the knowledge base lists ("Yoduk" also
        finds Yodok, 요덕, Camp 15); the expansion is shown, and --no-expand turns it off.
        """
        archive = archive_from(ctx)
        if run_name:
            if query:
                raise click.UsageError("give either QUERY or --run NAME, not both")
            result = run_saved(run_name, archive)
        else:
            if not query:
                raise click.UsageError("give a QUERY (or --run NAME for a saved search)")
            filters = {name: list(values) for name, values in (
                ("facility", facility), ("facility_type", facility_type),
                ("violation", violation), ("organization", organization),
                ("agency", agency), ("publisher", publisher), ("language", language))
                if values}
            options = SearchOptions(expand=not no_expand, limit=limit, offset=offset,
                                    facets=facets, sort=sort, since=since, until=until,
                                    filters=filters)
            text = " ".join(query)
            if save_as:
                result = save_search(save_as, text, archive, options=options)
            else:
                result = search(text, archive, options=options)
        if fmt == "json":
            print_json(result)
        else:
            _print_search(result)
            if save_as:
                stdout.print(Text(f"Saved as {save_as!r}: run it again with "
                                  f"`sillok search --run {save_as!r}`", style="dim"))

    @cli.command("searches")
    @click.option("--delete", "to_delete", metavar="NAME", help="Delete the saved search NAME.")
    @format_option
    @archive_option
    @click.pass_context
    def searches_command(ctx: click.Context, to_delete: str | None, fmt: str) -> None:
        """List saved searches (save one with `sillok search QUERY --save NAME`)."""
        archive = archive_from(ctx)
        if to_delete:
            delete_saved(to_delete, archive)
        found = saved_searches(archive)
        if fmt == "json":
            print_json(found)
            return
        _table(found, ["name", "query", "last_run_at", "last_total"])

    @cli.command("index")
    @click.option("--rebuild", is_flag=True, help="Discard the index and build it anew.")
    @format_option
    @archive_option
    @click.pass_context
    def index_command(ctx: click.Context, rebuild: bool, fmt: str) -> None:
        """Bring the search and analysis index up to date, comparing every document
        (search and analysis do this too, for what the custody log shows has changed)."""
        archive = get_archive(archive_from(ctx))
        if stderr.is_terminal and fmt == "table":
            with Progress(TextColumn("[bold]index"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=stderr, transient=True) as progress:
                task = progress.add_task("index", total=None)
                report = refresh(archive, rebuild=rebuild, full=True,
                                 on_progress=lambda done, total: progress.update(
                                     task, completed=done, total=total))
        else:
            report = refresh(archive, rebuild=rebuild, full=True)
        if fmt == "json":
            print_json(report.as_dict())
            return
        stdout.print(Text(f"Index: {report.indexed} document(s) indexed, {report.removed} "
                          f"removed, {report.unchanged} unchanged; {report.total} in the "
                          f"index ({report.seconds:.2f} s)"))

    @cli.command("dossier")
    @click.argument("facility")
    @click.option("--documents", "documents_limit", type=int, default=100, show_default=True,
                  help="How many mentioning documents to list.")
    @click.option("--documents-offset", type=int, default=0, show_default=True,
                  help="Skip this many (in date order): the next page of a long list.")
    @click.option("--quotes", type=int, default=5, show_default=True)
    @click.option("--html", "html_out", type=click.Path(dir_okay=False), metavar="FILE",
                  help="Also write the dossier as an HTML page, or a PDF when FILE ends in "
                  ".pdf, citing exact spans (with its JSON twin beside it).")
    @format_option
    @archive_option
    @click.pass_context
    def dossier_command(ctx: click.Context, facility: str, documents_limit: int,
                        documents_offset: int, quotes: int, html_out: str | None,
                        fmt: str) -> None:
        """Everything on one FACILITY (an id or any spelling: kwanliso-15, Yodok, 요덕)."""
        if html_out is not None:
            facility_id = analyse.resolve_facility(facility)
            html_path, json_path, written = share.dossier(facility_id, html_out,
                                                          archive=archive_from(ctx))
            stderr.print(f"[bold]Dossier on {facility_id}[/bold]: "
                         f"{len(written.documents)} document(s), {len(written.violations)} "
                         f"violation citation(s), {len(written.claims)} figure(s) -> "
                         f"{html_path} and {json_path}", highlight=False)
        found = analyse.dossier(facility, archive_from(ctx), documents_limit=documents_limit,
                                documents_offset=documents_offset, quotes=quotes)
        if fmt == "json":
            print_json(found)
            return
        _print_dossier(found)

    @cli.command("corroborate")
    @click.option("--facility", help="Only this facility (id or any spelling).")
    @click.option("--violation", help="Only this violation category.")
    @click.option("--groups/--no-groups", default=True, show_default=True,
                  help="Show which documents form each independent source.")
    @format_option
    @archive_option
    @click.pass_context
    def corroborate_command(ctx: click.Context, facility: str | None, violation: str | None,
                            groups: bool, fmt: str) -> None:
        """Documents and independent sources per facility × violation."""
        rows = analyse.corroborate(archive_from(ctx), facility=facility, violation=violation)
        if fmt == "json":
            print_json(rows)
            return
        for row in rows:
            stdout.print(Text(f"{row['facility_label']} × {row['violation']}: "
                              f"{row['documents']} document(s), {row['independent_sources']} "
                              "independent source(s)"))
            if groups:
                _print_sources(row["sources"])

    @cli.command("estimates")
    @click.argument("subject", required=False)
    @click.option("--measure", help="Only this measure (prisoner-population, deaths, ...).")
    @click.option("--conflicts", "conflicts_only", is_flag=True,
                  help="Only (subject, measure) pairs with conflicting figures.")
    @format_option
    @archive_option
    @click.pass_context
    def estimates_command(ctx: click.Context, subject: str | None, measure: str | None,
                          conflicts_only: bool, fmt: str) -> None:
        """Every figure per SUBJECT and measure; figures whose ranges disagree are flagged.

        SUBJECT is 'all', a facility type (kwanliso) or a facility (Yodok); none means all.
        """
        groups = analyse.estimates(archive_from(ctx), subject=subject, measure=measure)
        if conflicts_only:
            groups = [g for g in groups if g["conflicting_figures"]]
        if fmt == "json":
            print_json(groups)
            return
        for group in groups:
            rows = [{"#": f["index"], "figure": f["figure"], "as of": f["as_of"],
                     "reported": f["reported"], "credited": ", ".join(f["credited"]),
                     "documents": ", ".join(d[:12] for d in f["documents"]) or f["source"],
                     "conflicts with": ", ".join(str(c["index"]) for c in f["conflicts_with"])
                     + (f" (+{f['conflicts'] - len(f['conflicts_with'])})"
                        if f["conflicts"] > len(f["conflicts_with"]) else ""),
                     "flag": "CONFLICT" if f["conflict"]
                     else "changed" if f.get("changes") else ""}
                    for f in group["figures"]]
            _table(rows, ["#", "figure", "as of", "reported", "credited", "documents",
                          "conflicts with", "flag"],
                   title=f"{group['subject']} · {group['measure']}")
        if not groups:
            stdout.print("No figures found.")

    @cli.command("matrix")
    @click.option("--facility", help="Only this facility (id or any spelling).")
    @click.option("--quotes", type=int, default=1, show_default=True,
                  help="Quotes per facility × violation.")
    @format_option
    @archive_option
    @click.pass_context
    def matrix_command(ctx: click.Context, facility: str | None, quotes: int, fmt: str) -> None:
        """Rome Statute art. 7(1) crimes against humanity and the evidence for each."""
        found = analyse.matrix(archive_from(ctx), facility=facility, quotes=quotes)
        if fmt == "json":
            print_json(found)
            return
        rows = []
        for crime in found:
            for item in crime["evidence"] or [{}]:
                quote = (item.get("quotes") or [{}])[0]
                rows.append({
                    "art. 7(1)": f"({crime['letter']}) {crime['crime']}",
                    "facility": item.get("facility_label", "—"),
                    "violation": item.get("violation", ""),
                    "docs": item.get("documents", 0),
                    "independent": item.get("independent_sources", 0),
                    "strongest quote": (f"“{quote['text']}” [{quote['document'][:12]} "
                                        f"{quote['start']}–{quote['end']}]" if quote else ""),
                })
        _table(rows, ["art. 7(1)", "facility", "violation", "docs", "independent",
                      "strongest quote"], widths={"art. 7(1)": 28, "strongest quote": 80})


def _print_dossier(found: dict[str, Any]) -> None:
    facility = found["facility"]
    stdout.print(Text(f"{facility['names'][0]} ({facility['id']})", style="bold"))
    facts = [("type", facility["type_label"]), ("number", facility["number"]),
             ("province", facility["province"]), ("county", facility["county"]),
             ("agency", facility["agency_name"]),
             ("status", "; ".join(f"{s['value']} (as of {s['as_of']}, {s['source']})"
                                  for s in facility["status"])),
             ("coordinates", "; ".join(f"{c['lat']:.3f}, {c['lon']:.3f} ({c['source']})"
                                       for c in facility["coordinates"])),
             ("also called", ", ".join(facility["names"][1:12]))]
    for label, value in facts:
        if value not in (None, ""):
            stdout.print(Text(f"  {label}: {value}"))
    _table([{"violation": v["label"], "art. 7(1)": ", ".join(v["rome_statute"]),
             "documents": v["documents"], "independent sources": v["independent_sources"],
             "sources": "; ".join(s["label"] for s in v["sources"])}
            for v in found["violations"]],
           ["violation", "art. 7(1)", "documents", "independent sources", "sources"],
           title="Violations reported")
    _table([{"figure": f["figure"], "as of": f["as_of"] or f["reported"],
             "credited": ", ".join(f["credited"]),
             "document": ", ".join(d[:12] for d in f["documents"]) or f["source"],
             "flag": "CONFLICT" if f["conflict"] else "changed" if f.get("changes") else ""}
            for f in found["estimates"]],
           ["figure", "as of", "credited", "document", "flag"], title="Population estimates")
    _table([{"date": e["date"], "event": e["text"]} for e in found["timeline"]],
           ["date", "event"], title="Timeline")
    _table([{"quote": q["text"], "violation": q["violation"],
             "document": f"{q['document'][:12]} [{q['start']}:{q['end']}]"}
            for q in found["quotes"]], ["quote", "violation", "document"],
           title="Strongest quotes", widths={"quote": 90})
    _table([{"id": d["id"][:12], "date": d["published"], "title": d["title"],
             "path": d["path"], "mentions": d["mentions"]} for d in found["documents"]],
           ["id", "date", "title", "path", "mentions"], title=_documents_title(found))


def _documents_title(found: dict[str, Any]) -> str:
    total, first, shown = found["documents_total"], found["documents_offset"], \
        len(found["documents"])
    if shown == total:
        return f"Documents ({total:,})"
    title = f"Documents {first + 1:,}–{first + shown:,} of {total:,}" if shown else \
        f"Documents (none from {first:,} of {total:,})"
    if found["documents_next"] is not None:
        title += f"; next page: --documents-offset {found['documents_next']}"
    return title

