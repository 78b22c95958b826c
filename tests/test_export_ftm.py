"""FollowTheMoney export: entities Aleph can import, every reference resolving."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model

import sillok
from sillok import export
from sillok.store.archive import Archive
from test_export_fixtures import build_archive


@pytest.fixture
def entities(tmp_path: Path, archive: Archive) -> dict[str, dict[str, Any]]:
    built = build_archive(tmp_path, archive)
    result = export.export(tmp_path / "ftm", "ftm", archive=archive)
    assert result.counts["documents"] == len(built)
    lines = (tmp_path / "ftm" / "entities.ftm.json").read_text(encoding="utf-8").splitlines()
    assert result.counts["entities"] == len(lines)
    found = {}
    for line in lines:
        data = json.loads(line)
        assert data["id"] not in found, f"duplicate entity {data['id']}"
        found[data["id"]] = data
    return found


def test_every_entity_is_valid_ftm_and_every_reference_resolves(
        entities: dict[str, dict[str, Any]]) -> None:
    for data in entities.values():
        # cleaned=False makes FtM clean every value; a value its type rejects would be
        # dropped, so the cleaned entity must equal what was written.
        proxy = model.get_proxy(data, cleaned=False)
        assert {k: sorted(v) for k, v in proxy.to_dict()["properties"].items()} == {
            k: sorted(v) for k, v in data["properties"].items()}, data["id"]
        for prop in proxy.schema.properties.values():
            if prop.type.name != "entity":
                continue
            for value in data["properties"].get(prop.name, []):
                assert value in entities, f"{data['id']}.{prop.name} -> {value} is missing"
    schemata = Counter(d["schema"] for d in entities.values())
    assert schemata["PlainText"] == 5 and schemata["Package"] == 1
    assert schemata["Mention"] >= 6 and schemata["Event"] == 4


def test_facilities_agencies_documents_and_mentions(entities: dict[str, dict[str, Any]],
                                                    archive: Archive) -> None:
    camp = entities["sillok-facility-kwanliso-15"]
    assert camp["schema"] == "PublicBody"
    assert "Yodok" in camp["properties"]["alias"]
    assert camp["properties"]["parent"] == ["sillok-agency-ministry-of-state-security"]
    assert entities["sillok-agency-ministry-of-state-security"]["properties"]["name"] == [
        "Ministry of State Security"]
    yodok_id = next(d["id"] for d in sillok.list_documents(archive=archive)
                    if d["original_name"] == "yodok.txt")
    document = entities[f"sillok-doc-{yodok_id}"]["properties"]
    assert document["fileName"] == ["yodok.txt"]
    assert document["language"] == ["eng"]
    assert document["bodyText"] == [sillok.document_text(yodok_id, archive=archive)]
    assert document["notes"] == [f"SHA-256 {yodok_id}"]
    mentions = [e["properties"] for e in entities.values() if e["schema"] == "Mention"
                and e["properties"]["document"] == [f"sillok-doc-{yodok_id}"]]
    assert {"name": ["Yodok"], "resolved": ["sillok-facility-kwanliso-15"]}.items() <= {
        k: v for m in mentions if m["name"] == ["Yodok"] for k, v in m.items()}.items()
    torture = entities[f"sillok-violation-{yodok_id}-torture"]["properties"]
    assert torture["involved"] == ["sillok-facility-kwanliso-15"]
    assert torture["proof"] == [f"sillok-doc-{yodok_id}"]
    assert torture["summary"] == ["Guards beat prisoners"]
    assert entities["sillok-org-kinu"]["schema"] == "Organization"
