"""Benchmark the taxonomy engine against instructlab-schema's TaxonomyParser.

Run from the repository root:  .venv/bin/python benchmarks/bench_taxonomy.py [--with-yq]

1. Throughput over the shared corpus: the reference is TaxonomyParser called the way the
   taxonomy CI's check-yaml.py calls it (newest schema, default yamllint config, then a
   non-empty attribution.txt), plus the workflow's path filter (only files under
   compositional_skills/ or knowledge/ are ever checked). The engine is validate_path(),
   which also computes the ilab and portal verdicts. Both verdict lists must be identical.
2. Latency of validate_entry() on one typical knowledge entry (p50/p95, wall and CPU).

Targets (>= 20x throughput, p95 <= 20 ms) are judged on CPU time, which other processes on
a shared machine barely disturb; wall-clock figures are printed alongside.

The reference shells out to yamllint (found in this venv) and, for the line number of each
schema error, to yq. By default only the venv is on its PATH, so yq is missing and upstream
stops trying after the first miss (the faster, conservative baseline); --with-yq keeps the
normal PATH so yq runs per schema error as it does on GitHub's runners.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import logging
import os
import resource
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from instructlab.schema.taxonomy import TaxonomyParser, TaxonomyReadingException  # noqa: E402

from contributions.taxonomy import import_qna, validate_entry, validate_path  # noqa: E402
from contributions.taxonomy.paths import TAXONOMY_ROOTS, taxonomy_relative_path  # noqa: E402

THROUGHPUT_TARGET = 20.0
LATENCY_TARGET_MS = 20.0


def corpus_dir() -> Path:
    override = os.environ.get("CEPHPORTAL_CORPUS")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "corpus"


def corpus_rows(corpus: Path) -> list[dict[str, str]]:
    with (corpus / "EXPECTED.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def reference_verdict(parser: TaxonomyParser, file: Path) -> bool:
    """check-yaml.py's outcome for one file, behind the workflow's path filter."""
    if taxonomy_relative_path(file).split("/", 1)[0] not in TAXONOMY_ROOTS:
        return False
    try:
        taxonomy = parser.parse(file)
    except TaxonomyReadingException:
        return False  # check-yaml.py crashes: the check fails
    if taxonomy.errors:
        return False
    if taxonomy.version > 1:
        attribution = file.with_name("attribution.txt")
        return attribution.is_file() and attribution.stat().st_size > 0
    return True


@contextlib.contextmanager
def reference_environment(with_yq: bool):
    """PATH for the reference's subprocesses; its messages and the subprocesses' silenced."""
    saved = os.environ["PATH"]
    venv_bin = str(Path(sys.executable).parent)
    os.environ["PATH"] = f"{venv_bin}{os.pathsep}{saved}" if with_yq else venv_bin
    logging.disable(logging.CRITICAL)
    stderr = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)  # yq's complaints go to the inherited stderr
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        os.dup2(stderr, 2)
        os.close(stderr)
        logging.disable(logging.NOTSET)
        os.environ["PATH"] = saved


class Clock:
    """Wall time, and CPU time including child processes (the reference's yamllint runs)."""

    def __enter__(self) -> Clock:
        self.wall = time.perf_counter()
        self.cpu = self._cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = self._cpu() - self.cpu

    @staticmethod
    def _cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_reference(files: list[Path], with_yq: bool) -> tuple[list[bool], Clock]:
    with reference_environment(with_yq):
        parser = TaxonomyParser(
            taxonomy_folders=["compositional_skills", "knowledge"],
            schema_version=None,
            message_format="standard",
        )
        with Clock() as clock:
            verdicts = [reference_verdict(parser, f) for f in files]
    return verdicts, clock


def run_engine(files: list[Path]) -> tuple[list[bool], Clock]:
    with Clock() as clock:
        verdicts = [validate_path(f).ci_valid for f in files]
    return verdicts, clock


def typical_knowledge_file(corpus: Path, rows: list[dict[str, str]]) -> Path:
    """The valid knowledge file of median size: a typical entry."""
    files = sorted(
        (
            corpus / row["path"]
            for row in rows
            if row["valid"] == "yes" and row["kind"] == "knowledge"
        ),
        key=lambda f: f.stat().st_size,
    )
    return files[len(files) // 2]


def entry_latency(file: Path, runs: int) -> tuple[list[float], list[float]]:
    """validate_entry timings in ms: wall clock, and this process's CPU time."""
    attribution_file = file.with_name("attribution.txt")
    imported = import_qna(
        file.read_bytes(),
        attribution_text=attribution_file.read_bytes() if attribution_file.is_file() else None,
        path=taxonomy_relative_path(file),
    )
    path = taxonomy_relative_path(file)
    validate_entry(imported.entry, path=path, attribution=imported.attribution)  # warm
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        validate_entry(imported.entry, path=path, attribution=imported.attribution)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--with-yq", action="store_true", help="let the reference run yq")
    parser.add_argument("--passes", type=int, default=5, help="engine passes over the corpus")
    parser.add_argument("--runs", type=int, default=500, help="validate_entry timings")
    args = parser.parse_args()

    corpus = corpus_dir()
    rows = corpus_rows(corpus)
    files = [corpus / row["path"] for row in rows]
    expected = [row["valid"] == "yes" for row in rows]
    print(f"corpus: {len(files)} files in {corpus}")

    ref_verdicts, ref = run_reference(files, args.with_yq)
    n = len(files)
    yq = "with yq" if args.with_yq else "without yq"
    print(
        f"reference TaxonomyParser ({yq}): {ref.wall:.2f} s wall, {n / ref.wall:.1f} files/s; "
        f"{ref.cpu:.2f} s CPU incl. subprocesses, {n / ref.cpu:.1f} files/CPU-s"
    )

    engine_verdicts, cold = run_engine(files)
    warm = [run_engine(files)[1] for _ in range(args.passes)]
    wall = statistics.median(c.wall for c in warm)
    cpu = statistics.median(c.cpu for c in warm)
    print(
        f"engine validate_path: cold first pass {cold.wall:.2f} s; warm median of "
        f"{args.passes} passes {wall:.3f} s wall, {n / wall:.0f} files/s; "
        f"{cpu:.3f} s CPU, {n / cpu:.0f} files/CPU-s"
    )
    ratio = ref.wall / wall
    cpu_ratio = ref.cpu / cpu
    print(
        f"throughput ratio: {ratio:.1f}x wall (cold {ref.wall / cold.wall:.1f}x), "
        f"{cpu_ratio:.1f}x CPU (target >= {THROUGHPUT_TARGET:.0f}x)"
    )

    same = sum(a == b for a, b in zip(engine_verdicts, ref_verdicts, strict=True))
    agree = sum(a == b for a, b in zip(engine_verdicts, expected, strict=True))
    print(f"CI verdicts identical to the reference: {same}/{len(files)}")
    print(f"CI verdicts agreeing with EXPECTED.tsv: {agree}/{len(files)}")

    sample = typical_knowledge_file(corpus, rows)
    wall_times, cpu_times = entry_latency(sample, args.runs)
    p95_wall = statistics.quantiles(wall_times, n=20)[-1]
    p95 = statistics.quantiles(cpu_times, n=20)[-1]
    print(
        f"validate_entry on {sample.relative_to(corpus)} ({sample.stat().st_size} bytes), "
        f"{args.runs} runs: p50 {statistics.median(wall_times):.2f} ms, p95 {p95_wall:.2f} ms "
        f"wall; p50 {statistics.median(cpu_times):.2f} ms, p95 {p95:.2f} ms CPU "
        f"(target p95 <= {LATENCY_TARGET_MS:.0f} ms)"
    )

    # Targets are judged on CPU time, which other processes on a shared machine barely
    # disturb; wall-clock figures are printed alongside.
    ok = same == len(files) and agree == len(files)
    met = ok and cpu_ratio >= THROUGHPUT_TARGET and p95 <= LATENCY_TARGET_MS
    print("RESULT:", "targets met" if met else "TARGETS NOT MET")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
