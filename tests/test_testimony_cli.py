"""The testimony, keys and audit commands: secrets never on the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner, Result

from sillok import testimony as t
from sillok.cli.testimony_cmds import register
from testimony_support import (
    ALIAS,
    CONTACT,
    IDENTITY,
    PERSON,
    RELATIVE,
    RELATIVE_PLACE,
    STATEMENT,
    WITNESS,
)

PASS = "seven lanterns along the yalu"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "testimony.md"


@pytest.fixture
def cli() -> click.Group:
    group = click.Group("sillok")
    register(group)
    return group


@pytest.fixture
def run(cli: click.Group, archive_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SILLOK_ARCHIVE", str(archive_path))
    monkeypatch.setenv("SILLOK_PASSPHRASE", PASS)
    monkeypatch.setenv("SILLOK_NEW_PASSPHRASE", PASS)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, ok: bool = True) -> Result:
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=True)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    return invoke


def _record_file(tmp_path: Path) -> Path:
    (tmp_path / "interview.wav").write_bytes(b"RIFF recorded voice")
    data = {
        "interview": {"date": "2024-03-02", "place": "Seoul", "interviewer": "Park Ji-won"},
        "witness": {"name": WITNESS, "birth_year": 1971, "contacts": [CONTACT],
                    "aliases": [ALIAS],
                    "relatives": [{"name": RELATIVE, "relation": "brother",
                                   "whereabouts": RELATIVE_PLACE}]},
        "consent": {"scopes": ["internal-analysis", "un-sharing"], "identity": "anonymised"},
        "risk_level": "high",
        "statement": STATEMENT,
        "private_persons": [PERSON],
        "locations": [{"kind": "execution-site", "province": "South Hamgyong",
                       "county": "Yodok", "lat": 39.8412, "lon": 127.0953}],
        "files": [{"path": "interview.wav", "kind": "audio"}],
    }
    path = tmp_path / "record.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_intake_view_export_and_audit_from_the_command_line(run, tmp_path: Path  # type: ignore[no-untyped-def]
                                                            ) -> None:
    run("keys", "init", "--recovery-out", str(tmp_path / "recovery.key"))
    added = json.loads(run("testimony", "add", str(_record_file(tmp_path)), "--format",
                           "json").stdout)
    tid = added["testimony_id"]
    assert "kwanliso-15" in added["facilities"] and len(added["files"]) == 1

    listed = run("testimony", "list", "--purpose", "internal-analysis", "--role", "analyst")
    assert tid in listed.stdout and WITNESS not in listed.stdout

    analyst = run("testimony", "show", tid, "--purpose", "internal-analysis", "--role",
                  "analyst", "--user", "ana")
    assert [s for s in IDENTITY if s in analyst.stdout] == []
    assert "Withheld:" in analyst.stdout and "county" in analyst.stdout
    investigator = run("testimony", "show", tid, "--purpose", "internal-analysis")
    assert WITNESS in investigator.stdout

    refused = run("testimony", "show", tid, "--purpose", "publication", ok=False)
    assert isinstance(refused.exception, t.ConsentRefused)
    assert "not to publication" in str(refused.exception)

    found = run("testimony", "search", "boulder", "--purpose", "internal-analysis",
                "--role", "analyst")
    assert tid in found.stdout

    out = tmp_path / "un.csv"
    run("testimony", "export", str(out), "--purpose", "un-sharing", "--as", "csv")
    assert tid in out.read_text() and WITNESS not in out.read_text()

    run("testimony", "redact", tid, "--reason", "landmark identifies the grave",
        input="quartz-white boulder\n")
    shown = run("testimony", "show", tid, "--purpose", "internal-analysis")
    assert "quartz-white" not in shown.stdout and "[redacted R1]" in shown.stdout

    audio = tmp_path / "decrypted.wav"
    run("testimony", "file", tid, "", "--out", str(audio), "--purpose", "internal-analysis")
    assert audio.read_bytes() == b"RIFF recorded voice"

    run("testimony", "consent", tid, "--withdraw", "--reason", "witness asked by phone")
    gone = run("testimony", "list", "--purpose", "internal-analysis", "--role", "analyst")
    assert "withdrew consent" in gone.stderr

    log = json.loads(run("audit", "--format", "json").stdout)
    assert {"read", "read-refused", "search", "export", "read-file"} <= {e["action"]
                                                                         for e in log}
    assert any(e["user"] == "ana" and e["purpose"] == "internal-analysis" for e in log)
    assert "intact" in run("testimony", "verify").stdout


def test_export_defaults_to_county_level_and_says_what_it_withheld(
        run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    run("keys", "init", "--recovery-out", str(tmp_path / "recovery.key"))
    tid = json.loads(run("testimony", "add", str(_record_file(tmp_path)), "--format",
                         "json").stdout)["testimony_id"]
    # Even with SILLOK_ROLE set, an export uses the analyst role unless told otherwise.
    monkeypatch.setenv("SILLOK_ROLE", "investigator")
    default = tmp_path / "default.json"
    done = run("testimony", "export", str(default), "--purpose", "internal-analysis")
    exported = json.loads(default.read_text(encoding="utf-8"))
    assert exported["role"] == "analyst"
    (place,) = exported["testimonies"][0]["locations"]
    assert place["precision"] == "county" and (place["lat"], place["lon"]) != (39.8412, 127.0953)
    assert "39.8412" not in default.read_text(encoding="utf-8")
    assert f"withheld: sensitive sites (execution, burial, homes): county level only " \
           f"(1 testimony(ies): {tid})" in done.stderr
    assert "withheld: audio and scanned files" in done.stderr
    assert "--role investigator" in done.stderr

    precise = tmp_path / "precise.json"
    done = run("testimony", "export", str(precise), "--purpose", "internal-analysis",
               "--role", "investigator")
    (place,) = json.loads(precise.read_text(encoding="utf-8"))["testimonies"][0]["locations"]
    assert (place["lat"], place["lon"]) == (39.8412, 127.0953)
    assert "sensitive sites" not in done.stderr


def test_rotation_and_recovery_from_the_command_line(run, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    run("keys", "init")
    tid = json.loads(run("testimony", "add", str(_record_file(tmp_path)), "--format",
                         "json").stdout)["testimony_id"]
    recovery = tmp_path / "recovery.key"
    run("keys", "add-recovery", "--out", str(recovery))
    assert "recovery" in run("keys", "list").stdout
    # The passphrase is lost: recover with the key file and set a new passphrase.
    monkeypatch.setenv("SILLOK_PASSPHRASE", "forgotten, wrong and useless")
    wrong = run("keys", "check", ok=False)
    assert "does not open" in str(wrong.exception)
    monkeypatch.setenv("SILLOK_NEW_PASSPHRASE", "a fresh start after recovery")
    run("keys", "rotate", "--key-file", str(recovery), "--recovery-out",
        str(tmp_path / "recovery2.key"))
    monkeypatch.setenv("SILLOK_PASSPHRASE", "a fresh start after recovery")
    run("keys", "check")
    shown = run("testimony", "show", tid, "--purpose", "record-keeping")
    assert WITNESS in shown.stdout
    stale = run("keys", "check", "--key-file", str(recovery), ok=False)
    assert "does not open" in str(stale.exception)
    run("keys", "check", "--key-file", str(tmp_path / "recovery2.key"))


def test_the_passphrase_can_be_typed_at_a_prompt(run, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SILLOK_NEW_PASSPHRASE")
    run("keys", "init", input=f"{PASS}\n{PASS}\n")
    monkeypatch.delenv("SILLOK_PASSPHRASE")
    result = run("keys", "check", input=f"{PASS}\n")
    assert PASS not in result.stdout


def test_no_command_takes_a_secret_as_an_argument(cli: click.Group) -> None:
    def walk(command: click.Command, path: str) -> list[str]:
        found = []
        for param in command.params:
            names = " ".join(param.opts).lower()
            if getattr(param, "is_flag", False):
                continue
            if any(word in names for word in ("passphrase", "password", "secret", "name",
                                              "term")):
                found.append(f"{path} {names}")
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                found += walk(sub, f"{path} {name}")
        return found

    assert walk(cli, "sillok") == []


def test_every_command_is_documented(cli: click.Group) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    names = []
    for name, command in cli.commands.items():
        names.append(name)
        if isinstance(command, click.Group):
            names += [f"{name} {sub}" for sub in command.commands]
    missing = [n for n in names if not re.search(rf"sillok {re.escape(n)}\b", docs)]
    assert missing == []
    for group in ("keys", "testimony"):
        command = cli.commands[group]
        assert isinstance(command, click.Group)
        assert all((sub.help or "").strip() for sub in command.commands.values())


def test_import_reports_bad_rows_and_imports_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("keys", "init")
    (tmp_path / "map.yml").write_text(
        "columns: {interview_date: Date, interview_place: Place, interviewer: By,\n"
        "          witness_name: Name, consent: Consent, statement: Text}\n")
    (tmp_path / "rows.csv").write_text(
        "Date,Place,By,Name,Consent,Text\n"
        "2024-01-05,Seoul,Park,Kang Ok-ju,internal-analysis,Held at Yodok in 1990.\n"
        "2024-13-05,Seoul,Park,Jo Sun-hui,internal-analysis,Held at Yodok in 1991.\n")
    failed = run("testimony", "import", str(tmp_path / "rows.csv"), "--mapping",
                 str(tmp_path / "map.yml"), ok=False)
    assert isinstance(failed.exception, t.ImportFailed)
    assert "row 3, column 'Date'" in str(failed.exception)
    listed = run("testimony", "list", "--purpose", "internal-analysis", "--format", "json")
    assert json.loads(listed.stdout)["testimonies"] == []
    (tmp_path / "rows.csv").write_text(
        "Date,Place,By,Name,Consent,Text\n"
        "2024-01-05,Seoul,Park,Kang Ok-ju,internal-analysis,Held at Yodok in 1990.\n")
    done = run("testimony", "import", str(tmp_path / "rows.csv"), "--mapping",
               str(tmp_path / "map.yml"))
    assert "delete it" in done.stderr
    listed = run("testimony", "list", "--purpose", "internal-analysis", "--format", "json")
    assert len(json.loads(listed.stdout)["testimonies"]) == 1
