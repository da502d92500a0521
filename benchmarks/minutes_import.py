"""Minutes import accuracy against the labelled set (src/safehub/meetings/tests/minutes_corpus): per-field precision,
recall and F1, micro-averaged over the documents, plus the time per document.

    uv run python benchmarks/minutes_import.py [--markdown]

Matching: names ignore titles (Cllr, Dr, DI…), case and punctuation; titles and decision/action texts match when their
normalised forms are at least 90% similar (rapidfuzz ratio), a leading "that"/"to" ignored; items are paired by number,
or by title when unnumbered. Fields of a paired object (role, owner, due, reference, category) count only on pairs.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
CORPUS = ROOT / "src" / "safehub" / "meetings" / "tests" / "minutes_corpus"
TITLES = re.compile(r"^(?:(?:chief|detective|det|assistant|deputy)\s+)*(?:cllr|councillor|dr|mr|mrs|ms|miss|prof|dc|ds|di|dci|"
                    r"supt|superintendent|inspector)\.?\s+", re.I)


def norm(text: str | None) -> str:
    text = re.sub(r"[^a-z0-9 ]+", " ", (text or "").lower().replace("’", "'"))
    text = re.sub(r"^(that|to)\s+", "", re.sub(r"\s+", " ", text).strip())
    return text


def name_key(name: str) -> str:
    return norm(TITLES.sub("", name.strip()))


class Score:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def scalar(score: Score, got, want) -> None:
    if want is None and got is None:
        return
    if got is not None and want is not None and norm(str(got)) == norm(str(want)):
        score.add(1, 0, 0)
    else:
        score.add(0, int(got is not None), int(want is not None))


def fuzzy_pairs(got: list[str], want: list[str]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs of texts at least 90% similar."""
    pairs, used = [], set()
    for j, w in enumerate(want):
        best, best_i = 0.0, None
        for i, g in enumerate(got):
            if i in used:
                continue
            ratio = fuzz.ratio(norm(g), norm(w))
            if ratio > best:
                best, best_i = ratio, i
        if best_i is not None and best >= 90:
            used.add(best_i)
            pairs.append((best_i, j))
    return pairs


def set_score(score: Score, got: list, want: list) -> None:
    g, w = Counter(got), Counter(want)
    tp = sum((g & w).values())
    score.add(tp, sum(g.values()) - tp, sum(w.values()) - tp)


def compare(scores: dict[str, Score], got: dict, want: dict) -> None:
    for field in ("body", "title", "date"):
        scalar(scores[field], got[field], want[field])
    for field in ("present", "apologies"):
        g = {name_key(p["name"]): p for p in got[field]}
        w = {name_key(p["name"]): p for p in want[field]}
        set_score(scores[f"{field}.name"], list(g), list(w))
        for key in set(g) & set(w):
            scalar(scores[f"{field}.role"], g[key]["role"], w[key]["role"])

    def item_key(item: dict) -> str:
        return f"#{item['number']}" if item["number"] else norm(item["title"])

    g_items = {item_key(i): i for i in got["items"]}
    w_items = {item_key(i): i for i in want["items"]}
    set_score(scores["item.number"], [i["number"] for i in got["items"] if i["number"]],
              [i["number"] for i in want["items"] if i["number"]])
    set_score(scores["item.exempt"], [k for k, i in g_items.items() if i["exempt"]],
              [k for k, i in w_items.items() if i["exempt"]])
    for key in set(g_items) | set(w_items):
        gi, wi = g_items.get(key), w_items.get(key)
        if gi is None or wi is None:
            scores["item.title"].add(0, int(gi is not None), int(wi is not None))
            for field, name in (("decisions", "decision"), ("actions", "action.text")):
                scores[name].add(0, len((gi or {}).get(field, [])), len((wi or {}).get(field, [])))
            continue
        ok = fuzz.ratio(norm(gi["title"]), norm(wi["title"])) >= 90
        scores["item.title"].add(int(ok), int(not ok), int(not ok))
        if gi["exempt"] and wi["exempt"]:
            scalar(scores["item.exempt_category"], gi["exempt_category"], wi["exempt_category"])
        pairs = fuzzy_pairs(gi["decisions"], wi["decisions"])
        scores["decision"].add(len(pairs), len(gi["decisions"]) - len(pairs), len(wi["decisions"]) - len(pairs))
        pairs = fuzzy_pairs([a["text"] for a in gi["actions"]], [a["text"] for a in wi["actions"]])
        scores["action.text"].add(len(pairs), len(gi["actions"]) - len(pairs), len(wi["actions"]) - len(pairs))
        for i, j in pairs:
            ga, wa = gi["actions"][i], wi["actions"][j]
            scalar(scores["action.owner"], ga["owner"], wa["owner"])
            scalar(scores["action.due"], ga["due"], wa["due"])
            scalar(scores["action.reference"], ga["reference"], wa["reference"])


def run() -> tuple[dict[str, Score], Score, list[tuple[str, float, bool]]]:
    from safehub.meetings.minutes import parse_minutes

    fields = ["body", "title", "date", "present.name", "present.role", "apologies.name", "apologies.role", "item.number",
              "item.title", "item.exempt", "item.exempt_category", "decision", "action.text", "action.owner", "action.due",
              "action.reference"]
    scores = {f: Score() for f in fields}
    documents = []
    for path in sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".html", ".pdf", ".docx")):
        want = json.loads((CORPUS / f"{path.stem}.expected.json").read_text())
        start = time.perf_counter()
        got = parse_minutes(path.read_bytes(), path.name).to_json()
        elapsed = time.perf_counter() - start
        compare(scores, got, want)
        documents.append((path.name, elapsed, got == want))
    overall = Score()
    for score in scores.values():
        overall.add(score.tp, score.fp, score.fn)
    return scores, overall, documents


def main() -> None:
    scores, overall, documents = run()
    print("| field | precision | recall | F1 | true pos. | false pos. | false neg. |")  # noqa: T201
    print("|---|---:|---:|---:|---:|---:|---:|")  # noqa: T201
    for name, s in [*scores.items(), ("**overall (micro)**", overall)]:
        print(f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.tp} | {s.fp} | {s.fn} |")  # noqa: T201
    exact = sum(1 for _, _, same in documents if same)
    total = sum(t for _, t, _ in documents)
    print(f"\n{len(documents)} documents, {exact} parsed exactly as labelled; {total:.2f} s in all "  # noqa: T201
          f"({1000 * total / len(documents):.0f} ms per document).")


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safehub.settings.test")
    main()
