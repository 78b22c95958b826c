"""The ``sillok`` command: a thin layer over :mod:`sillok.api`.

Library errors (:class:`sillok.exc.SillokError`) become one line, ``Error: ...``,
and exit status 1.
"""

from __future__ import annotations

import logging
import sys

import click

from ..__about__ import __version__
from ..exc import SillokError
from .archive_cmds import register as register_archive
from .common import archive_option
from .export_cmds import register as register_export
from .extract_cmds import register as register_extract
from .kb_cmds import register as register_kb
from .search_cmds import register as register_search
from .testimony_cmds import register as register_testimony
from .web_cmds import register as register_web


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@archive_option
@click.option("--verbose", "-v", is_flag=True, help="Log progress details to stderr.")
@click.version_option(__version__, prog_name="sillok")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Sillok: collect, preserve and analyse evidence on North Korea's detention system."""
    ctx.ensure_object(dict)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not verbose:
        # Parsers narrate damaged input; Sillok reports it per file in the summary.
        for noisy in ("pypdf", "warcio", "trafilatura", "htmldate", "charset_normalizer"):
            logging.getLogger(noisy).setLevel(logging.ERROR)


register_archive(cli)
register_extract(cli)
register_kb(cli)
register_search(cli)
register_export(cli)
register_web(cli)
register_testimony(cli)


def main() -> None:
    """Entry point: run the CLI, turning Sillok errors into one clear line."""
    try:
        cli.main(standalone_mode=False)
    except SillokError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted: finished documents are kept; run the same command again to "
                   "complete the batch.", err=True)
        sys.exit(130)
