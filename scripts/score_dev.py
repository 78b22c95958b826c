#!/usr/bin/env python3
"""Run the extractor over an evaluation set and score it with the shared script.

    python scripts/score_dev.py                  # dev, tests/eval, heldout and blind2
    python scripts/score_dev.py --set dev --errors
    python scripts/score_dev.py --write predictions.jsonl --set eval

Each document is read like ``sillok text`` reads a plain-text file (decoded,
line endings normalised, page chrome removed by ``clean_text``) and extracted
with ``document`` set to its file name. Scores come from
``../shared/tools/score_extraction.py``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SETS = {
    "dev": (SHARED / "corpus" / "dev", SHARED / "corpus" / "dev" / "gold.jsonl"),
    "eval": (ROOT / "tests" / "eval" / "docs", ROOT / "tests" / "eval" / "gold.jsonl"),
    "heldout": (
        ROOT / "tests" / "eval" / "heldout" / "docs",
        ROOT / "tests" / "eval" / "heldout" / "gold.jsonl",
    ),
    "blind2": (
        ROOT / "tests" / "eval" / "blind2" / "docs",
        ROOT / "tests" / "eval" / "blind2" / "gold.jsonl",
    ),
}


def load_scorer() -> ModuleType:
    path = SHARED / "tools" / "score_extraction.py"
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predict(folder: Path, gold: Path) -> dict[str, dict[str, Any]]:
    from sillok.api import extract_file

    names = [json.loads(line)["document"] for line in gold.read_text().splitlines() if line]
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        path = folder / name
        if not path.exists():
            continue
        out[name] = {**extract_file(path), "document": name}
    return out


def score_set(name: str, errors: bool, write: Path | None) -> dict[str, Any]:
    folder, gold_path = SETS[name]
    scorer = load_scorer()
    preds = predict(folder, gold_path)
    if write:
        with write.open("w", encoding="utf-8") as f:
            for record in preds.values():
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    gold = scorer.load(str(gold_path))
    result, errs = scorer.score(preds, gold)
    print(f"== {name}: {len(preds)} documents")
    if errors:
        for e in errs:
            print("  ", e)
    for field, m in result.items():
        if isinstance(m, dict):
            print(f"  {field:<16}P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}")
    print(f"  attribution accuracy: {result['attribution_accuracy']}")
    return dict(result)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=[*SETS, "all"], default="all")
    parser.add_argument("--errors", action="store_true", help="list every mismatch")
    parser.add_argument("--write", type=Path, help="write predictions JSONL here")
    args = parser.parse_args(argv)
    for name in SETS if args.set == "all" else [args.set]:
        score_set(name, args.errors, args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
