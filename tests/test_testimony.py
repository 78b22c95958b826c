"""Testimony intake, encryption at rest, consent, pseudonyms and redaction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

import sillok
from sillok import testimony as t
from sillok.audit import audit_entries
from sillok.store.archive import Archive
from sillok.testimony.tables import testimonies
from testimony_support import (
    ALIAS,
    CONTACT,
    IDENTITY,
    PASSPHRASE,
    PERSON,
    PRECISE,
    PROTECTED,
    RELATIVE,
    WITNESS,
    new_vault,
    record,
)

WRAPPED = text("SELECT id, wrapped FROM testimony_data_keys")
AUDIO = b"RIFF....WAVEfmt " + b"voice of Hwang Seol-hwa" * 50


@pytest.fixture
def vault(archive: Archive) -> t.Vault:
    return new_vault(archive)


@pytest.fixture
def stored(archive: Archive, vault: t.Vault) -> Iterator[str]:
    result = t.add_testimony(archive, vault, record(), user="intake-officer",
                             files=[t.FileInput(AUDIO, f"{WITNESS} interview.wav", "audio")])
    yield result.testimony_id


def _view(archive: Archive, vault: t.Vault, tid: str, role: str,
          purpose: str = "internal-analysis") -> dict[str, Any]:
    return t.view_testimony(archive, vault, tid, user=f"{role}-user", role=role, purpose=purpose)


# -- intake and linking ----------------------------------------------------------------------

def test_intake_links_the_statement_to_the_knowledge_base(archive: Archive, vault: t.Vault
                                                          ) -> None:
    result = t.add_testimony(archive, vault, record(violations=["forced-labour"]),
                             user="officer")
    assert result.testimony_id.startswith("T-") and result.witness_id.startswith("W-")
    assert "kwanliso-15" in result.facilities  # "Yodok (Camp 15)" in the statement
    assert "torture" in result.violations  # "beat prisoners"
    assert "forced-labour" in result.violations  # given by the officer
    assert {"1997-2003", "1999"} <= set(result.periods)
    listed = t.list_testimonies(archive, user="a", role="analyst", purpose="internal-analysis",
                                facility="kwanliso-15", period="2001")
    assert [r["id"] for r in listed["testimonies"]] == [result.testimony_id]
    assert listed["testimonies"][0]["facilities"][0]["name"]  # named from the KB
    none = t.list_testimonies(archive, user="a", role="analyst", purpose="internal-analysis",
                              period="2010")
    assert none["testimonies"] == []


@pytest.mark.parametrize(("change", "field"), [
    ({"interview_date": "2099-01-01"}, "interview_date"),
    ({"interview_date": "02/03/2024"}, "interview_date"),
    ({"risk_level": "extreme"}, "risk_level"),
    ({"statement": "  "}, "statement"),
    ({"facilities": ["Camp 999 Atlantis"]}, "facilities"),
    ({"violations": ["parking"]}, "violations"),
    ({"periods": ["2003-1997"]}, "periods"),
    ({"consent": t.Consent(frozenset({"gossip"}))}, "consent"),
])
def test_invalid_records_are_refused_naming_the_field(archive: Archive, vault: t.Vault,
                                                      change: dict[str, object],
                                                      field: str) -> None:
    with pytest.raises(t.InvalidTestimony) as caught:
        t.add_testimony(archive, vault, record(**change), user="officer")
    assert caught.value.field == field
    with archive.reader() as conn:
        assert conn.execute(select(testimonies)).first() is None


# -- encryption at rest ----------------------------------------------------------------------

def _disk_hits(root: Path, needles: list[str]) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = {}
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in needles:
                for form in {needle, needle.casefold(), needle.upper()}:
                    if form.encode("utf-8") in data or form.encode("utf-16-le") in data:
                        hits.setdefault(needle, []).append(path.name)
    return hits


def test_no_protected_string_is_on_disk(archive: Archive, vault: t.Vault, stored: str,
                                        tmp_path: Path) -> None:
    # Exercise every path that touches protected material before looking at the bytes.
    for role in ("admin", "investigator", "analyst"):
        _view(archive, vault, stored, role)
    t.search_testimonies(archive, vault, WITNESS, user="u", role="investigator",
                         purpose="internal-analysis")
    t.search_testimonies(archive, vault, PERSON, user="u", role="analyst",
                         purpose="internal-analysis")
    t.add_redaction(archive, vault, stored, "quartz-white boulder", user="officer",
                    role="investigator", reason="the landmark identifies the grave")
    t.export_testimonies(archive, vault, tmp_path / "out.json", user="u", role="investigator",
                         purpose="un-sharing")
    t.read_testimony_file(archive, vault, stored, "", user="u", role="investigator",
                          purpose="internal-analysis")
    files = list((archive.root / "testimony-files").rglob("*"))
    assert any(p.is_file() for p in files)
    wal = archive.root / "sillok.db-wal"
    assert wal.exists() and wal.stat().st_size > 0, "the WAL must be checked while it holds data"
    assert _disk_hits(archive.root, [*PROTECTED, "voice of Hwang"]) == {}
    archive.engine.dispose()  # checkpoint the WAL into the database file and look again
    assert _disk_hits(archive.root, PROTECTED) == {}
    # The check itself can fail: plain fields are found where they are stored.
    assert "sillok.db" in _disk_hits(archive.root, ["Park Ji-won"]).get("Park Ji-won", [])


def test_wrong_credentials_open_nothing(archive: Archive, vault: t.Vault, stored: str,
                                        tmp_path: Path) -> None:
    with pytest.raises(t.VaultError, match="does not open"):
        t.unlock(archive, t.Credential.passphrase("not the passphrase at all"))
    stray = t.write_key_file(tmp_path / "stray.key")
    with pytest.raises(t.VaultError, match="does not open"):
        t.unlock(archive, stray)
    again = t.unlock(archive, t.Credential.passphrase(PASSPHRASE))
    assert _view(archive, again, stored, "investigator")["identity"]


def test_ciphertexts_are_bound_to_their_record(archive: Archive, vault: t.Vault,
                                               stored: str) -> None:
    other = t.add_testimony(archive, vault, record(), user="officer").testimony_id
    with archive.writer() as conn:
        blob = conn.execute(select(testimonies.c.protected).where(
            testimonies.c.id == stored)).scalar_one()
        conn.execute(testimonies.update().where(testimonies.c.id == other)
                     .values(protected=blob))
    with pytest.raises(t.VaultError, match="altered"):
        _view(archive, vault, other, "investigator")


def test_rotation_rewraps_data_keys_and_leaves_files_alone(archive: Archive, vault: t.Vault,
                                                           stored: str, tmp_path: Path) -> None:
    blobs = {p: p.read_bytes() for p in (archive.root / "testimony-files").rglob("*")
             if p.is_file()}
    with archive.reader() as conn:
        before: dict[str, bytes] = dict(conn.execute(WRAPPED).all())
    fresh = t.rotate_master_key(archive, vault, [t.Credential.passphrase("new moon over "
                                                                         "the tumen river")],
                                user="admin", kdf=t.KdfParams(1024, 1, 1))
    with archive.reader() as conn:
        after: dict[str, bytes] = dict(conn.execute(WRAPPED).all())
    assert before.keys() == after.keys() and len(before) >= 3
    assert all(before[k] != after[k] for k in before)
    assert {p: p.read_bytes() for p in blobs} == blobs  # not re-encrypted
    with pytest.raises(t.VaultError, match="does not open"):
        t.unlock(archive, t.Credential.passphrase(PASSPHRASE))
    with pytest.raises(t.VaultError, match="rotated"):
        _view(archive, vault, stored, "investigator")  # the old unlocked key is dead too
    reopened = t.unlock(archive, t.Credential.passphrase("new moon over the tumen river"))
    shown = _view(archive, reopened, stored, "investigator")
    assert shown["identity"]["name"] == WITNESS
    _meta, data = t.read_testimony_file(archive, fresh, stored, "", user="inv",
                                       role="investigator", purpose="internal-analysis")
    assert data == AUDIO
    actions = [e["action"] for e in sillok.custody_log(archive=archive)]
    assert "key-rotate" in actions


def test_recovery_key_opens_when_the_passphrase_is_lost(archive: Archive, vault: t.Vault,
                                                        stored: str, tmp_path: Path) -> None:
    recovery = t.write_key_file(tmp_path / "recovery.key")
    t.add_credential(archive, vault, recovery, user="admin", recovery=True)
    # The passphrase is forgotten: the recovery key (read back from its file) opens the keys.
    rescued = t.unlock(archive, t.Credential.key_file(tmp_path / "recovery.key"))
    assert _view(archive, rescued, stored, "investigator")["identity"]
    # ... and the written-down form works too.
    printed = (tmp_path / "recovery.key").read_text().lower().replace("-", " ")
    assert t.parse_key_text(printed) == recovery.secret
    fresh = t.rotate_master_key(archive, rescued,
                                [t.Credential.passphrase("a brand new long passphrase")],
                                user="admin", kdf=t.KdfParams(1024, 1, 1))
    assert _view(archive, fresh, stored, "investigator")["identity"]
    with pytest.raises(t.VaultError):  # rotation retired the old recovery key
        t.unlock(archive, t.Credential.key_file(tmp_path / "recovery.key"))
    with pytest.raises(t.VaultError, match="exists"):
        t.write_key_file(tmp_path / "recovery.key")  # never overwritten


def test_the_last_key_slot_cannot_be_removed(archive: Archive, vault: t.Vault) -> None:
    (slot,) = t.list_slots(archive)
    with pytest.raises(t.VaultError, match="last key slot"):
        t.remove_slot(archive, vault, slot["id"], user="admin")
    with pytest.raises(t.VaultError, match="already has"):
        new_vault(archive)
    with pytest.raises(t.VaultError, match="at least 12"):
        t.add_credential(archive, vault, t.Credential.passphrase("short"), user="admin")


# -- consent ---------------------------------------------------------------------------------

def test_purpose_outside_consent_is_refused_with_the_reason(archive: Archive, vault: t.Vault,
                                                            stored: str) -> None:
    with pytest.raises(t.ConsentRefused) as caught:
        _view(archive, vault, stored, "investigator", "publication")
    assert "consented to internal analysis and sharing with the UN, not to publication" in \
        str(caught.value)
    with pytest.raises(t.ConsentRefused, match="viewer role may read testimonies only for "
                                               "publication"):
        _view(archive, vault, stored, "viewer", "internal-analysis")
    with pytest.raises(t.ConsentRefused, match="record-keeping is for investigators"):
        _view(archive, vault, stored, "analyst", "record-keeping")
    with pytest.raises(t.ConsentRefused, match="state a purpose"):
        _view(archive, vault, stored, "analyst", "curiosity")
    with archive.reader() as conn:
        refused = audit_entries(conn, object_id=stored, action="read-refused")
    assert refused and refused[0]["purpose"] == "publication"
    assert "not to publication" in refused[0]["details"]["reason"]


def test_withdrawn_consent_excludes_everywhere(archive: Archive, vault: t.Vault, stored: str,
                                               tmp_path: Path) -> None:
    t.change_consent(archive, stored, user="officer", role="investigator", withdraw=True,
                     reason="witness phoned to withdraw")
    listed = t.list_testimonies(archive, user="a", role="analyst", purpose="internal-analysis")
    assert listed["testimonies"] == []
    assert "withdrew consent" in listed["excluded"][0]["reason"]
    hits = t.search_testimonies(archive, vault, "Yodok", user="a", role="analyst",
                                purpose="internal-analysis")
    assert hits["hits"] == [] and hits["excluded"]
    summary = t.export_testimonies(archive, vault, tmp_path / "x.json", user="a",
                                   role="investigator", purpose="un-sharing")
    assert summary["exported"] == [] and "withdrew" in summary["excluded"][0]["reason"]
    # Record-keeping still reaches it, for the people who manage the withdrawal.
    assert _view(archive, vault, stored, "investigator", "record-keeping")["consent"]
    events = [e for e in sillok.custody_log(archive=archive) if e["action"] == "consent-withdraw"]
    assert events and events[0]["details"]["reason"] == "witness phoned to withdraw"
    with pytest.raises(t.ConsentRefused):
        t.change_consent(archive, stored, user="x", role="analyst", reason="r", withdraw=True)


def test_viewer_sees_only_publication_consented_testimony(archive: Archive, vault: t.Vault,
                                                          stored: str) -> None:
    public = t.add_testimony(archive, vault, record(consent=t.Consent(
        frozenset({"publication", "internal-analysis"}))), user="officer").testimony_id
    listed = t.list_testimonies(archive, user="v", role="viewer", purpose="publication")
    assert [r["id"] for r in listed["testimonies"]] == [public]
    assert [r["id"] for r in listed["excluded"]] == [stored]
    shown = _view(archive, vault, public, "viewer", "publication")
    dumped = json.dumps(shown, ensure_ascii=False)
    assert [s for s in IDENTITY + PRECISE if s in dumped] == []
    assert shown["files"] == [] and shown["identity"] is None


# -- pseudonyms, redaction, audit ------------------------------------------------------------

def test_roles_without_clearance_see_pseudonyms_consistently(archive: Archive, vault: t.Vault,
                                                             stored: str) -> None:
    second = t.add_testimony(archive, vault, record(
        identity=t.Identity(name="Cha Un-gyong"),
        statement=f"I saw {PERSON} at Yodok in 1998."), user="officer").testimony_id
    first_view = _view(archive, vault, stored, "analyst")
    second_view = _view(archive, vault, second, "analyst")
    dumped = json.dumps(first_view, ensure_ascii=False)
    assert [s for s in IDENTITY + PRECISE if s in dumped] == []
    person = next(p["pseudonym"] for p in first_view["persons"] if not p["relation"])
    assert person in first_view["statement"] and person in second_view["statement"]
    assert str(first_view["witness"]) in str(first_view["statement"])  # name and alias replaced
    assert first_view["notices"]
    full = _view(archive, vault, stored, "investigator")
    assert WITNESS in str(full["statement"]) and full["identity"]["contacts"] == [CONTACT]
    redact_events = [e for e in sillok.custody_log(archive=archive) if e["action"] == "redact"]
    assert any(e["details"]["role"] == "analyst" and person in e["details"]["pseudonyms"]
               for e in redact_events)
    assert all(WITNESS not in json.dumps(e) for e in sillok.custody_log(archive=archive))


def test_redaction_rules_hide_text_and_are_logged(archive: Archive, vault: t.Vault,
                                                  stored: str) -> None:
    with pytest.raises(t.InvalidTestimony, match="must not repeat"):
        t.add_redaction(archive, vault, stored, "boulder", user="o", role="investigator",
                        reason="boulder identifies the grave")
    with pytest.raises(t.ConsentRefused):
        t.add_redaction(archive, vault, stored, "boulder", user="o", role="analyst",
                        reason="identifies the grave")
    label = t.add_redaction(archive, vault, stored, "quartz-white boulder", user="officer",
                            role="investigator", reason="the landmark identifies the grave")
    for role in ("investigator", "analyst"):
        shown = _view(archive, vault, stored, role)
        assert "quartz-white" not in str(shown["statement"])
        assert f"[redacted {label}]" in str(shown["statement"])
    assert "quartz-white" in str(_view(archive, vault, stored, "admin",
                                       "record-keeping")["statement"])
    log = sillok.custody_log(archive=archive)
    added = next(e for e in log if e["action"] == "redaction-add")
    assert added["details"]["reason"] == "the landmark identifies the grave"
    assert added["details"]["user"] == "officer" and added["at"]
    applied = [e for e in log if e["action"] == "redact" and label in e["details"]["rules"]]
    assert {e["details"]["role"] for e in applied} == {"investigator", "analyst"}
    assert "quartz" not in json.dumps(log)


def test_every_read_is_audited_with_user_and_purpose(archive: Archive, vault: t.Vault,
                                                     stored: str) -> None:
    _view(archive, vault, stored, "analyst", "un-sharing")
    t.read_testimony_file(archive, vault, stored, "", user="ines", role="investigator",
                          purpose="internal-analysis")
    with pytest.raises(t.ConsentRefused, match="may not open audio"):
        t.read_testimony_file(archive, vault, stored, "", user="ana", role="analyst",
                              purpose="internal-analysis")
    t.search_testimonies(archive, vault, WITNESS, user="sam", role="analyst",
                         purpose="internal-analysis")
    with archive.reader() as conn:
        entries = audit_entries(conn)
    by_action = {e["action"]: e for e in entries}
    assert by_action["read"]["user"] == "analyst-user"
    assert by_action["read"]["purpose"] == "un-sharing"
    assert by_action["read-file"]["user"] == "ines"
    assert by_action["read-refused"]["user"] == "ana"
    assert by_action["search"]["user"] == "sam"
    assert WITNESS not in json.dumps(entries, ensure_ascii=False)


def test_search_cannot_find_a_witness_by_name_without_clearance(archive: Archive,
                                                                vault: t.Vault,
                                                                stored: str) -> None:
    def found(query: str, role: str) -> list[str]:
        result = t.search_testimonies(archive, vault, query, user="u", role=role,
                                      purpose="internal-analysis")
        return [h["id"] for h in result["hits"]]

    assert found(WITNESS, "investigator") == [stored]
    assert found(WITNESS, "analyst") == []
    assert found(RELATIVE, "analyst") == []
    assert found("buried boulder", "analyst") == [stored]
    hit = t.search_testimonies(archive, vault, "buried", user="u", role="analyst",
                               purpose="internal-analysis")["hits"][0]
    assert "buried" in hit["snippet"] and ALIAS not in hit["snippet"]


def test_files_are_for_cleared_roles_and_verified(archive: Archive, vault: t.Vault,
                                                  stored: str) -> None:
    meta, data = t.read_testimony_file(archive, vault, stored, "", user="i",
                                       role="investigator", purpose="internal-analysis")
    assert data == AUDIO and meta["name"] == f"{WITNESS} interview.wav"
    assert _view(archive, vault, stored, "analyst")["files"] == []
    assert t.verify_files(archive) == []
    (blob,) = [p for p in (archive.root / "testimony-files").rglob("*") if p.is_file()]
    sealed = blob.read_bytes()
    blob.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 1]))  # one bit, always a change
    assert [p.split(":")[0] for p in t.verify_files(archive)] == ["altered"]
    with pytest.raises(t.VaultError):
        t.read_testimony_file(archive, vault, stored, "", user="i", role="investigator",
                              purpose="internal-analysis")


# -- exports ---------------------------------------------------------------------------------

def test_exports_pseudonymise_and_name_only_with_consent(archive: Archive, vault: t.Vault,
                                                         stored: str, tmp_path: Path) -> None:
    named = t.add_testimony(archive, vault, record(
        identity=t.Identity(name="Chu Myong-hui", birth_year=1980, contacts=("secret-mail",),
                            relatives=(t.Relative(RELATIVE),)),
        statement=f"I, Chu Myong-hui, saw {RELATIVE} beaten at Yodok in 2001.",
        consent=t.Consent(frozenset({"un-sharing", "publication"}), "named"),
        risk_level="medium"), user="officer").testimony_id
    risky = t.add_testimony(archive, vault, record(
        identity=t.Identity(name="Tak Pong-sil"), statement="I, Tak Pong-sil, was at Yodok.",
        consent=t.Consent(frozenset({"un-sharing"}), "named")), user="officer").testimony_id
    out = tmp_path / "un.json"
    summary = t.export_testimonies(archive, vault, out, user="u", role="investigator",
                                   purpose="un-sharing", include_identities=True)
    assert set(summary["exported"]) == {stored, named, risky} and summary["named"] == [named]
    exported = out.read_text(encoding="utf-8")
    assert "Chu Myong-hui" in exported  # consented to be named, medium risk, asked for
    assert [s for s in IDENTITY if s in exported] == []  # high risk: never named
    assert "secret-mail" not in exported  # contacts never leave
    assert f"{WITNESS} interview.wav" not in exported
    by_id = {r["id"]: r for r in json.loads(exported)["testimonies"]}
    assert by_id[named]["identity"] == {"name": "Chu Myong-hui", "birth_year": 1980}
    assert any("asked to stay anonymous" in n for n in by_id[stored]["notices"])
    assert any("risk level is high" in n for n in by_id[risky]["notices"])
    assert "Tak Pong-sil" not in exported
    # Without --named, or by an analyst, nobody is named.
    t.export_testimonies(archive, vault, out, user="u", role="analyst", purpose="un-sharing",
                         include_identities=True)
    assert "Chu Myong-hui" not in out.read_text(encoding="utf-8")
    # Publication: only the consenting one, and sensitive places at county level.
    csv_out = tmp_path / "pub.csv"
    pub = t.export_testimonies(archive, vault, csv_out, user="u", role="investigator",
                               purpose="publication", fmt="csv")
    assert pub["exported"] == [named]
    assert {e["id"] for e in pub["excluded"]} == {stored, risky}
    assert all("not to publication" in e["reason"] for e in pub["excluded"])
    log = sillok.custody_log(archive=archive)
    exports = [e for e in log if e["action"] == "export"]
    assert exports[0]["details"]["purpose"] == "un-sharing" and exports[0]["object_sha256"]
    with pytest.raises(t.ConsentRefused, match="not a reason to export"):
        t.export_testimonies(archive, vault, out, user="u", role="admin",
                             purpose="record-keeping")


def test_publication_export_coarsens_places_even_for_investigators(
        archive: Archive, vault: t.Vault, tmp_path: Path) -> None:
    tid = t.add_testimony(archive, vault, record(consent=t.Consent(frozenset({"publication"}))),
                          user="o").testimony_id
    out = tmp_path / "pub.json"
    t.export_testimonies(archive, vault, out, user="u", role="investigator",
                         purpose="publication")
    (item,) = json.loads(out.read_text())["testimonies"]
    assert item["id"] == tid and item["locations"][0]["precision"] == "county"
    assert "42.4381" not in out.read_text() and "39.8412" not in out.read_text()


def test_exports_are_never_written_inside_the_archive(archive: Archive, vault: t.Vault,
                                                      stored: str) -> None:
    with pytest.raises(t.ConsentRefused, match="inside the archive folder"):
        t.export_testimonies(archive, vault, archive.root / "leak.json", user="u",
                             role="investigator", purpose="un-sharing")
    assert not (archive.root / "leak.json").exists()
