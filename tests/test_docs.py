"""Docs kept honest: every command and every setting is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import click

from sillok.cli import cli
from sillok.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme() -> None:
    context = click.Context(cli)
    commands = cli.list_commands(context)
    assert {"ingest", "text", "verify", "extract"} <= set(commands)
    missing = [name for name in commands if not re.search(rf"sillok {re.escape(name)}\b", README)]
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_setting_is_in_the_readme() -> None:
    settings = [name for name in Settings.__dataclass_fields__ if name != "archive"]
    missing = [name for name in settings if f"`{name}`" not in README]
    assert not missing, f"settings missing from README.md: {missing}"


def test_readme_first_screen_has_the_two_commands() -> None:
    head = README.split("---", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)\n```", head, re.S)
    assert len(blocks) == 2
    assert blocks[0].endswith("sillok demo")
    assert blocks[1].endswith("pytest")
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1] in ci, ".ci/run must run the README's test command"


def test_every_command_has_help() -> None:
    context = click.Context(cli)
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        assert command is not None and (command.help or "").strip(), name
