"""Commands for testimonies: ``sillok testimony …``; :func:`register` also adds
``sillok keys …`` and ``sillok audit`` (:mod:`.keys_cmds`).

Secrets never come from the command line (shell history, process lists): witness
identities come from a record file, redacted text from a prompt or stdin, the
passphrase from ``$SILLOK_PASSPHRASE``, a key file or a prompt.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import yaml

from .. import audit
from .. import testimony as t
from ..store.archive import Archive
from ..store.custody import read_anchor
from .common import archive_option, format_option, print_json, print_table, stdout
from .keys_cmds import archive_of, key_file_option, register_audit, register_keys, unlock

F = TypeVar("F", bound=Callable[..., Any])


def who_options(func: F) -> F:
    """``--user``, ``--role`` and ``--purpose`` for every read of testimonies."""
    func = click.option("--purpose", required=True, type=click.Choice(t.PURPOSES),
                        help="Why you read this: it must be within the witness's consent.")(func)
    func = click.option("--role", type=click.Choice(t.ROLES), envvar="SILLOK_ROLE",
                        default="investigator", show_default=True,
                        help="Show what this role may see [env SILLOK_ROLE].")(func)
    return click.option("--user", metavar="NAME",
                        help="Who reads, for the audit log [default: the configured actor].",
                        )(func)


def export_who_options(func: F) -> F:
    """Like :func:`who_options`, but the role defaults to ``analyst`` and ignores
    ``$SILLOK_ROLE``: an export leaves Sillok, so precise locations and names go into
    it only when ``--role investigator`` (or ``admin``) is typed for this export."""
    func = click.option("--purpose", required=True, type=click.Choice(t.PURPOSES),
                        help="Why you export: it must be within each witness's consent.")(func)
    func = click.option("--role", type=click.Choice(t.ROLES), default="analyst",
                        show_default=True,
                        help="Export what this role may see; exact sensitive locations and "
                             "names (--named) need --role investigator.")(func)
    return click.option("--user", metavar="NAME",
                        help="Who exports, for the audit log [default: the configured "
                             "actor].")(func)


def _user(archive: Archive, user: str | None) -> str:
    return user or archive.settings.actor


def _print_excluded(excluded: list[dict[str, str]]) -> None:
    for item in excluded:
        click.echo(f"excluded {item['reason']}", err=True)


def _summary(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "witness": record["witness"],
            "date": record["interview"]["date"], "place": record["interview"]["place"],
            "risk": record["risk_level"], "consent": ", ".join(record["consent"]["scopes"]),
            "facilities": ", ".join(f["id"] for f in record["facilities"]),
            "violations": ", ".join(v["id"] for v in record["violations"])}


def _plain(text: str) -> None:
    """Print content as it is: a statement's "[redacted R1]" is not console markup."""
    stdout.print(text, highlight=False, markup=False)


def _print_record(record: dict[str, Any]) -> None:
    stdout.print(f"[bold]{record['id']}[/bold]  witness {record['witness']}  "
                 f"risk {record['risk_level']}")
    interview, consent = record["interview"], record["consent"]
    _plain(f"Interview: {interview['date']}, {interview['place']}, by "
           f"{interview['interviewer']}")
    _plain(f"Consent: {', '.join(consent['scopes']) or 'none'}; identity {consent['identity']}"
           + (f"; WITHDRAWN {consent['withdrawn_at']}" if consent["withdrawn_at"] else ""))
    if record.get("identity"):
        _plain("Identity: " + yaml.safe_dump(record["identity"], allow_unicode=True).strip())
    for label, key, field in (("Facilities", "facilities", "name"),
                              ("Violations", "violations", "label")):
        if record[key]:
            _plain(f"{label}: " + "; ".join(f"{i[field]} ({i['id']})" for i in record[key]))
    if record["periods"]:
        _plain(f"Periods: {', '.join(record['periods'])}")
    for place in record["locations"]:
        _plain(f"Location ({place['kind']}, {place['precision']}): {place['name']} "
               f"{place['lat'] or ''} {place['lon'] or ''} {place['detail']}")
    for item in record["files"]:
        _plain(f"File {item['id'][:16]} {item['kind']} {item['name']} ({item['size']} bytes)")
    for notice in record["notices"]:
        _plain("Withheld: " + notice)
    _plain("\n" + record["statement"])


def register(cli: click.Group) -> None:
    """Add ``testimony``, ``keys`` and ``audit`` to ``cli``."""
    register_keys(cli)
    _register_testimony(cli)
    register_audit(cli)


def _register_testimony(cli: click.Group) -> None:
    @cli.group()
    def testimony() -> None:
        """Witness testimonies: intake, consent-checked reading, export, import."""

    @testimony.command("add")
    @click.argument("record_file", type=click.Path(dir_okay=False, allow_dash=True,
                                                   exists=True))
    @click.option("--file", "files", multiple=True, type=click.Path(dir_okay=False),
                  help="Audio, scan or other file to attach (repeatable).")
    @key_file_option
    @archive_option
    @format_option
    @click.pass_context
    def testimony_add(ctx: click.Context, record_file: str, files: tuple[str, ...],
                      key_file: str | None, fmt: str) -> None:
        """Store a testimony from a YAML record file (`-` for stdin), encrypted."""
        archive = archive_of(ctx)
        text = sys.stdin.read() if record_file == "-" else \
            Path(record_file).read_text(encoding="utf-8")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise t.InvalidTestimony("record", f"{record_file} is not valid YAML: {exc}"
                                     ) from None
        if not isinstance(data, dict):
            raise t.InvalidTestimony("record", f"{record_file} is not a YAML mapping")
        base = Path.cwd() if record_file == "-" else Path(record_file).resolve().parent
        record, attached = t.record_from_dict(data, base)
        attached += [t.FileInput.from_path(p) for p in files]
        vault = unlock(archive, key_file)
        result = t.add_testimony(archive, vault, record, user=archive.settings.actor,
                                 files=attached, source="cli")
        if fmt == "json":
            print_json(vars(result))
            return
        stdout.print(f"Stored testimony {result.testimony_id} (witness {result.witness_id}); "
                     f"facilities: {', '.join(result.facilities) or '-'}; violations: "
                     f"{', '.join(result.violations) or '-'}; periods: "
                     f"{', '.join(result.periods) or '-'}; files: {len(result.files)}",
                     highlight=False)
        for warning in result.warnings:
            click.echo(f"Warning: {warning}", err=True)
        if record_file != "-":
            click.echo(f"{record_file} holds the witness's identity in clear text: delete it "
                       "now that it is stored encrypted.", err=True)

    @testimony.command("list")
    @who_options
    @click.option("--facility", metavar="ID")
    @click.option("--violation", metavar="ID")
    @click.option("--period", metavar="YEAR[-YEAR]")
    @click.option("--witness", metavar="W-ID")
    @archive_option
    @format_option
    @click.pass_context
    def testimony_list(ctx: click.Context, user: str | None, role: str, purpose: str,
                       facility: str | None, violation: str | None, period: str | None,
                       witness: str | None, fmt: str) -> None:
        """List testimonies usable for a purpose (no key needed); excluded ones say why."""
        archive = archive_of(ctx)
        result = t.list_testimonies(archive, user=_user(archive, user), role=role,
                                    purpose=purpose, facility=facility, violation=violation,
                                    period=period, witness=witness)
        if fmt == "json":
            print_json(result)
            return
        print_table([_summary(r) for r in result["testimonies"]],
                    ["id", "witness", "date", "place", "risk", "consent", "facilities",
                     "violations"])
        _print_excluded(result["excluded"])

    @testimony.command("show")
    @click.argument("testimony_id")
    @who_options
    @key_file_option
    @archive_option
    @format_option
    @click.pass_context
    def testimony_show(ctx: click.Context, testimony_id: str, user: str | None, role: str,
                       purpose: str, key_file: str | None, fmt: str) -> None:
        """Show one testimony as the role may see it for the purpose (audited)."""
        archive = archive_of(ctx)
        record = t.view_testimony(archive, unlock(archive, key_file), testimony_id,
                                  user=_user(archive, user), role=role, purpose=purpose)
        print_json(record) if fmt == "json" else _print_record(record)

    @testimony.command("search")
    @click.argument("query")
    @who_options
    @click.option("--facility", metavar="ID")
    @click.option("--violation", metavar="ID")
    @click.option("--period", metavar="YEAR[-YEAR]")
    @key_file_option
    @archive_option
    @format_option
    @click.pass_context
    def testimony_search(ctx: click.Context, query: str, user: str | None, role: str,
                         purpose: str, facility: str | None, violation: str | None,
                         period: str | None, key_file: str | None, fmt: str) -> None:
        """Find testimonies whose statement has every word of QUERY (as the role sees it)."""
        archive = archive_of(ctx)
        result = t.search_testimonies(archive, unlock(archive, key_file), query,
                                      user=_user(archive, user), role=role, purpose=purpose,
                                      facility=facility, violation=violation, period=period)
        if fmt == "json":
            print_json(result)
            return
        for hit in result["hits"]:
            _plain(f"{hit['id']} {hit['interview']['date']}: {hit['snippet']}")
        stdout.print(f"{len(result['hits'])} testimony(ies) found.")
        _print_excluded(result["excluded"])

    @testimony.command("export")
    @click.argument("out", type=click.Path(dir_okay=False))
    @export_who_options
    @click.option("--id", "ids", multiple=True, metavar="T-ID", help="Only these (repeatable).")
    @click.option("--named", is_flag=True, help="Name witnesses whose consent allows it.")
    @click.option("--as", "out_format", type=click.Choice(["json", "csv"]), default="json",
                  show_default=True, help="File format.")
    @key_file_option
    @archive_option
    @click.pass_context
    def testimony_export(ctx: click.Context, out: str, user: str | None, role: str,
                         purpose: str, ids: tuple[str, ...], named: bool, out_format: str,
                         key_file: str | None) -> None:
        """Export testimonies for a purpose, pseudonymised, within each witness's consent.

        The role defaults to analyst (county-level sensitive locations, no names); what
        was withheld is listed. Exact locations need --role investigator, typed here."""
        archive = archive_of(ctx)
        result = t.export_testimonies(archive, unlock(archive, key_file), out,
                                      user=_user(archive, user), role=role, purpose=purpose,
                                      ids=list(ids) or None, include_identities=named,
                                      fmt=out_format)
        stdout.print(f"Exported {len(result['exported'])} testimony(ies) to {result['path']} "
                     f"(sha256 {result['sha256'][:16]}…); named: "
                     f"{', '.join(result['named']) or 'none'}; role {role}, purpose "
                     f"{purpose}", highlight=False)
        for item in result["withheld"]:
            click.echo(f"withheld: {item['notice']} ({len(item['testimonies'])} "
                       f"testimony(ies): {', '.join(item['testimonies'])})", err=True)
        if role not in ("investigator", "admin") and purpose != "publication" \
                and result["exported"]:
            click.echo("Exact execution and burial sites and private homes are at county "
                       "level; export with --role investigator to include them.", err=True)
        _print_excluded(result["excluded"])

    @testimony.command("import")
    @click.argument("path", type=click.Path(dir_okay=False, exists=True))
    @click.option("--mapping", required=True, type=click.Path(dir_okay=False, exists=True),
                  help="YAML file mapping columns to fields (see docs/testimony.md).")
    @key_file_option
    @archive_option
    @format_option
    @click.pass_context
    def testimony_import(ctx: click.Context, path: str, mapping: str, key_file: str | None,
                         fmt: str) -> None:
        """Import interview records from CSV or Excel: every row, or none."""
        archive = archive_of(ctx)
        results = t.import_testimonies(archive, unlock(archive, key_file), path, mapping,
                                       user=archive.settings.actor)
        rows = [{"row": n, "testimony": r.testimony_id, "witness": r.witness_id,
                 "facilities": ", ".join(r.facilities)} for n, r in results]
        if fmt == "json":
            print_json(rows)
        else:
            print_table(rows, ["row", "testimony", "witness", "facilities"])
            click.echo(f"Imported {len(rows)} testimonies. {path} holds identities in clear "
                       "text: delete it.", err=True)
        for _, result in results:
            for warning in result.warnings:
                click.echo(f"Warning ({result.testimony_id}): {warning}", err=True)

    _register_testimony_changes(testimony)


def _register_testimony_changes(testimony: click.Group) -> None:
    @testimony.command("attach")
    @click.argument("testimony_id")
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
    @click.option("--kind", type=click.Choice(["audio", "scan", "document", "video"]))
    @key_file_option
    @archive_option
    @click.pass_context
    def testimony_attach(ctx: click.Context, testimony_id: str, files: tuple[str, ...],
                         kind: str | None, key_file: str | None) -> None:
        """Attach audio, scans or other files to a testimony, encrypted."""
        archive = archive_of(ctx)
        ids = t.attach_files(archive, unlock(archive, key_file), testimony_id,
                             [t.FileInput.from_path(p, kind) for p in files],
                             user=archive.settings.actor)
        stdout.print(f"Attached {len(ids)} file(s).")

    @testimony.command("file")
    @click.argument("testimony_id")
    @click.argument("file_id")
    @click.option("--out", required=True, type=click.Path(dir_okay=False), metavar="PATH")
    @who_options
    @key_file_option
    @archive_option
    @click.pass_context
    def testimony_file(ctx: click.Context, testimony_id: str, file_id: str, out: str,
                       user: str | None, role: str, purpose: str, key_file: str | None) -> None:
        """Decrypt one attached file to PATH (cleared roles only; audited)."""
        archive = archive_of(ctx)
        meta, data = t.read_testimony_file(archive, unlock(archive, key_file), testimony_id,
                                           file_id, user=_user(archive, user), role=role,
                                           purpose=purpose)
        try:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise click.ClickException(f"cannot write {out}: {exc.strerror} (Sillok never "
                                       "overwrites a decrypted file)") from None
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        stdout.print(f"Wrote {meta['name']} ({len(data)} bytes) to {out}: delete it after use.",
                     highlight=False)

    @testimony.command("consent")
    @click.argument("testimony_id")
    @click.option("--scope", "scopes", multiple=True, type=click.Choice(t.SCOPES),
                  help="The new consent scopes (repeatable; replaces the old ones).")
    @click.option("--identity", type=click.Choice(["anonymised", "named"]))
    @click.option("--withdraw", is_flag=True, help="The witness withdrew consent.")
    @click.option("--reason", required=True, help="Why (kept in the custody log; no names).")
    @click.option("--role", type=click.Choice(t.ROLES), envvar="SILLOK_ROLE",
                  default="investigator", show_default=True)
    @archive_option
    @format_option
    @click.pass_context
    def testimony_consent(ctx: click.Context, testimony_id: str, scopes: tuple[str, ...],
                          identity: str | None, withdraw: bool, reason: str, role: str,
                          fmt: str) -> None:
        """Record changed or withdrawn consent."""
        archive = archive_of(ctx)
        change = t.change_consent(archive, testimony_id, user=archive.settings.actor,
                                  role=role, reason=reason, scopes=list(scopes) or None,
                                  identity=identity, withdraw=withdraw)
        print_json(change) if fmt == "json" else stdout.print(
            f"Consent now: {change['after']}", highlight=False)

    @testimony.command("redact")
    @click.argument("testimony_id")
    @click.option("--reason", required=True, help="Why (kept in the custody log; no names).")
    @click.option("--role", type=click.Choice(t.ROLES), envvar="SILLOK_ROLE",
                  default="investigator", show_default=True)
    @key_file_option
    @archive_option
    @click.pass_context
    def testimony_redact(ctx: click.Context, testimony_id: str, reason: str, role: str,
                         key_file: str | None) -> None:
        """Hide a word or phrase in every output of a testimony (read from a prompt or stdin)."""
        archive = archive_of(ctx)
        vault = unlock(archive, key_file)
        term = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else \
            click.prompt("Text to redact", hide_input=True, err=True)
        label = t.add_redaction(archive, vault, testimony_id, term, user=archive.settings.actor,
                                role=role, reason=reason)
        stdout.print(f"Added redaction {label}.")

    @testimony.command("verify")
    @archive_option
    @click.pass_context
    def testimony_verify(ctx: click.Context) -> None:
        """Check the encrypted files and the audit log without a key; exit 1 on a problem.

        `sillok verify` runs the same checks with those of the documents."""
        archive = archive_of(ctx)
        problems = t.verify_files(archive)
        with archive.reader() as conn:
            problems += audit.verify_audit(conn, read_anchor(archive.audit_anchor_path))
        for problem in problems:
            click.echo(problem)
        if problems:
            sys.exit(1)
        stdout.print("Encrypted testimony files and the audit log are intact.")


