"""Quality gate: extraction scores on the dev corpus and tests/eval must not fall below floors.

Runs the extractor over ``../shared/corpus/dev``, ``tests/eval/docs``,
``tests/eval/heldout/docs`` and ``tests/eval/blind2/docs`` (both written blind to the
extractor) exactly as
``sillok extract --format jsonl FILE`` does (the file parsed as ingest parses it, page
chrome removed), scores each set with the shared ``score_extraction.py`` and compares every
metric with ``tests/eval/floors.json``. A set whose documents or gold are missing is
an error; a metric below its floor fails with the scorer's list of mismatches.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sillok.api import extract_file

TESTS = Path(__file__).resolve().parent
SHARED = TESTS.parents[1] / "shared"
SCORER = SHARED / "tools" / "score_extraction.py"
FLOORS = TESTS / "eval" / "floors.json"
SETS = {
    "dev": (SHARED / "corpus" / "dev", SHARED / "corpus" / "dev" / "gold.jsonl"),
    "eval": (TESTS / "eval" / "docs", TESTS / "eval" / "gold.jsonl"),
    "heldout": (TESTS / "eval" / "heldout" / "docs", TESTS / "eval" / "heldout" / "gold.jsonl"),
    "blind2": (TESTS / "eval" / "blind2" / "docs", TESTS / "eval" / "blind2" / "gold.jsonl"),
}


def load_scorer() -> ModuleType:
    assert SCORER.exists(), f"the shared scorer is missing at {SCORER}"
    spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predictions(folder: Path, gold: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for name in gold:
        path = folder / name
        if path.exists():
            out[name] = {**extract_file(path), "document": name}
    return out


@pytest.mark.parametrize("name", list(SETS))
def test_scores_stay_above_floors(name: str) -> None:
    folder, gold_path = SETS[name]
    assert gold_path.exists(), f"no gold annotations at {gold_path}"
    scorer = load_scorer()
    gold = scorer.load(str(gold_path))
    preds = predictions(folder, gold)
    missing = sorted(set(gold) - set(preds))
    assert not missing, f"documents named in {gold_path.name} are missing: {missing}"
    result, errors = scorer.score(preds, gold)
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))[name]
    scores = {metric: (result[metric]["f1"] if isinstance(result[metric], dict)
                       else result[metric]) for metric in floors}
    below = {metric: (scores[metric], floor) for metric, floor in floors.items()
             if scores[metric] is not None and scores[metric] < floor}
    assert not below, (
        f"{name}: below floor (score, floor): {below}\n" + "\n".join(errors))
