"""Benchmark the quality checks (grounding, near-duplicates) on the shared corpus.

Run from the repository root:  .venv/bin/python benchmarks/bench_quality.py [--entries 10000]

1. Grounding over every real knowledge file in ../shared/corpus (or $CEPHPORTAL_CORPUS): how
   many answers the check calls unsupported by their passage, with a sample.
2. Near-duplicates across the corpus: every question, answer and passage searched against the
   other files; pairs counted by field, exact copies apart from edited near-repeats.
3. Seeded mutations: an answer swapped for one of another passage of the same entry; a
   question copied from another entry (as is, and lightly edited). Catch rates are printed.
4. Live feedback latency: the checks for one real knowledge entry against an index of
   --entries entries (the corpus plus generated variants of it), p50/p95 over many runs.

Exits non-zero if the p95 latency is over 50 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from contributions.quality import NearIndex, entry_findings  # noqa: E402
from contributions.quality.checks import Thresholds, items_of  # noqa: E402
from contributions.quality.near import IndexItem, signatures  # noqa: E402
from contributions.quality.text import plain  # noqa: E402

LATENCY_TARGET_MS = 50.0
T = Thresholds()


def corpus_dir() -> Path:
    override = os.environ.get("CEPHPORTAL_CORPUS")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "corpus"


def load_knowledge() -> list[tuple[str, dict]]:
    """Every readable knowledge qna.yaml of the corpus, as (path, data)."""
    root = corpus_dir()
    found = []
    for file in sorted(root.rglob("qna.yaml")):
        rel = file.relative_to(root).as_posix()
        if "/knowledge/" not in f"/{rel}":
            continue
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8-sig"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and isinstance(data.get("seed_examples"), list):
            found.append((rel, data))
    return found


def pairs_of(entry: dict):
    for s, seed in enumerate(entry.get("seed_examples") or [], start=1):
        if not isinstance(seed, dict):
            continue
        qas = [q for q in seed.get("questions_and_answers") or [] if isinstance(q, dict)]
        for q, qa in enumerate(qas, start=1):
            yield s, q, str(seed.get("context") or ""), qa


def grounding(entries: list[tuple[str, dict]]) -> None:
    total = flagged = 0
    sample = []
    for path, entry in entries:
        found = entry_findings(kind="knowledge", entry=entry, thresholds=T)
        unsupported = {(f.seed, f.qa): f for f in found if f.rule == "quality.answer-unsupported"}
        for s, q, _, qa in pairs_of(entry):
            if str(qa.get("answer") or "").strip():
                total += 1
                if (s, q) in unsupported:
                    flagged += 1
                    sample.append((path, s, q, qa, unsupported[(s, q)]))
    print("\n## 1. Grounding of the real answers")
    print(f"knowledge files: {len(entries)}, answers: {total}")
    print(
        f"called unsupported (< {T.min_answer_support:.0%} of content words in the passage): "
        f"{flagged} ({flagged / max(total, 1):.1%})"
    )
    random.Random(1).shuffle(sample)
    for path, s, q, qa, f in sample[:5]:
        answer = " ".join(str(qa.get("answer")).split())[:160]
        print(f"- {path} example {s} Q{q}: {f.evidence['score']:.0%} supported")
        print(f"  answer: {answer}")
        print(f"  not in passage: {', '.join(f.evidence['unsupported'][:12])}")


def corpus_index(entries: list[tuple[str, dict]]) -> NearIndex:
    items: list[IndexItem] = []
    for path, entry in entries:
        items += items_of(kind="knowledge", entry=entry, ref=path, label=path, url="")
    return NearIndex(items)


def duplicates(entries: list[tuple[str, dict]], index: NearIndex) -> None:
    pairs: dict[tuple, float] = {}
    for path, entry in entries:
        mine = items_of(kind="knowledge", entry=entry, ref=path, label=path, url="")
        for name in ("question", "answer", "context"):
            texts = [i for i in mine if i.field == name and len(plain(i.text)) >= 20]
            results = index.search(
                name, [i.text for i in texts], exclude_ref=path, min_score=T.duplicate_similarity
            )
            for item, matches in zip(texts, results, strict=True):
                for m in matches:
                    key = tuple(
                        sorted([(path, item.seed, item.qa), (m.item.ref, m.item.seed, m.item.qa)])
                    )
                    pairs[(name, *key)] = m.score
    exact = sum(1 for s in pairs.values() if s >= 100)
    files = {tuple(sorted([k[1][0], k[2][0]])) for k in pairs}
    print("\n## 2. Near-duplicates across the corpus")
    for name in ("question", "answer", "context"):
        mine = [s for k, s in pairs.items() if k[0] == name]
        edited = sum(1 for s in mine if s < 100)
        print(
            f"{name}: {len(mine)} pairs ({edited} edited near-repeats, {len(mine) - edited} copies)"
        )
    print(
        f"total: {len(pairs)} pairs ({exact} identical after normalising), {len(files)} file pairs"
    )
    near = sorted((k for k, s in pairs.items() if s < 100), key=lambda k: -pairs[k])
    for key in near[:4]:
        (a, sa, _), (b, sb, _) = key[1], key[2]
        print(f"- {key[0]} {pairs[key]:.1f}%: {a} ex {sa} <-> {b} ex {sb}")


def _edit(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) > 3:
        words[rng.randrange(len(words))] = rng.choice(["the", "a", "this", "exactly"])
    return " ".join(words).rstrip("?") + " ?"


def mutations(entries: list[tuple[str, dict]], index: NearIndex) -> None:
    rng = random.Random(7)
    swapped = caught_swap = 0
    for _, entry in entries:
        seeds = entry["seed_examples"]
        usable = [n for n, s in enumerate(seeds) if isinstance(s, dict) and s.get("context")]
        if len(usable) < 2:
            continue
        a, b = rng.sample(usable, 2)
        qa_a = [q for q in seeds[a].get("questions_and_answers") or [] if isinstance(q, dict)]
        qa_b = [q for q in seeds[b].get("questions_and_answers") or [] if isinstance(q, dict)]
        if not qa_a or not qa_b or plain(seeds[a]["context"]) == plain(seeds[b]["context"]):
            continue
        mutated = yaml.safe_load(yaml.safe_dump(entry))
        pairs = mutated["seed_examples"][a]["questions_and_answers"]
        first = next(n for n, q in enumerate(pairs) if isinstance(q, dict))
        pairs[first]["answer"] = rng.choice(qa_b)["answer"]
        swapped += 1
        found = entry_findings(kind="knowledge", entry=mutated, thresholds=T)
        caught_swap += any(
            f.rule == "quality.answer-unsupported" and f.seed == a + 1 and f.qa == 1 for f in found
        )
    copied = caught_copy = edited = caught_edit = 0
    for path, entry in entries:
        others = [(p, e) for p, e in entries if p != path]
        _, donor = rng.choice(others)
        donor_qs = [qa.get("question") for _, _, _, qa in pairs_of(donor) if qa.get("question")]
        mine = list(pairs_of(entry))
        if not donor_qs or not mine:
            continue
        question = str(rng.choice(donor_qs))
        s, q, _, _ = rng.choice(mine)
        for variant, text in (("copy", question), ("edit", _edit(question, rng))):
            mutated = yaml.safe_load(yaml.safe_dump(entry))
            qas = [
                x
                for x in mutated["seed_examples"][s - 1]["questions_and_answers"]
                if isinstance(x, dict)
            ]
            qas[q - 1]["question"] = text
            found = entry_findings(
                kind="knowledge", entry=mutated, index=index, ref=path, thresholds=T
            )
            hit = any(
                f.rule == "quality.near-duplicate"
                and f.seed == s
                and f.qa == q
                and f.field == "question"
                for f in found
            )
            if variant == "copy":
                copied += 1
                caught_copy += hit
            else:
                edited += 1
                caught_edit += hit
    print("\n## 3. Seeded mutations")
    for what, caught, tried in (
        ("answer swapped to another passage's", caught_swap, swapped),
        ("question copied from another entry", caught_copy, copied),
        ("question copied with one word changed", caught_edit, edited),
    ):
        print(f"{what}: caught {caught}/{tried} ({caught / max(tried, 1):.1%})")


def _variant(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 4)):
        if words:
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
    rng.shuffle(words) if rng.random() < 0.3 else None
    return " ".join(words)


def latency(entries: list[tuple[str, dict]], size: int, runs: int) -> float:
    rng = random.Random(11)
    base: list[IndexItem] = []
    for path, entry in entries:
        base += items_of(kind="knowledge", entry=entry, ref=f"taxonomy:{path}", label=path, url="")
    vocabulary = sorted({w for i in base for w in i.text.split()})
    by_ref: dict[str, list[IndexItem]] = {}
    for item in base:
        by_ref.setdefault(item.ref, []).append(item)
    refs = list(by_ref)
    items = list(base)
    n = len(refs)
    while n < size:
        source = by_ref[refs[n % len(refs)]]
        ref = f"taxonomy:generated/{n}/qna.yaml"
        items += [
            IndexItem(ref, ref, "", i.field, i.seed, i.qa, _variant(i.text, rng, vocabulary))
            for i in source
        ]
        n += 1
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    sigs = signatures([i.text for i in items])
    signed = time.perf_counter() - start
    start = time.perf_counter()
    index = NearIndex(items, sigs)
    built = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Typical entries: real knowledge files of median size, each with its passages as document.
    sized = sorted(entries, key=lambda e: len(yaml.safe_dump(e[1])))
    probes = sized[len(sized) // 4 : 3 * len(sized) // 4]
    timings = []
    for r in range(runs):
        path, entry = probes[r % len(probes)]
        document = "\n\n".join(
            str(s.get("context") or "") for s in entry["seed_examples"] if isinstance(s, dict)
        )
        start = time.perf_counter()
        entry_findings(
            kind="knowledge",
            entry=entry,
            documents=[("doc.md", document)],
            index=index,
            ref=f"entry:{r}",
            thresholds=T,
        )
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print("\n## 4. Live feedback latency")
    print(
        f"index: {n} entries, {len(items)} texts; signatures {signed:.1f} s, index {built:.1f} s, "
        f"peak RSS +{(rss_after - rss_before) / 1024:.0f} MB"
    )
    print(f"one knowledge entry (grounding, passage search, duplicates, alike), {runs} runs:")
    print(
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms "
        f"(target p95 <= {LATENCY_TARGET_MS:.0f} ms)"
    )
    return p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    entries = load_knowledge()
    distinct = len({hashlib.sha256(yaml.safe_dump(e).encode()).hexdigest() for _, e in entries})
    print(
        f"# Quality checks on {corpus_dir()} ({len(entries)} knowledge files, {distinct} distinct)"
    )
    print(f"thresholds: {T}")
    grounding(entries)
    index = corpus_index(entries)
    duplicates(entries, index)
    mutations(entries, index)
    p95 = latency(entries, args.entries, args.runs)
    return 0 if p95 <= LATENCY_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
