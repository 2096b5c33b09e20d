"""Benchmark vpclint against cfn-lint, whole process, side by side in one run.

    python benchmarks/run.py                 # everything, 5 runs each (about 30 minutes)
    python benchmarks/run.py --runs 3 --quick  # start-up, seed sample, scaling, jobs only
    python benchmarks/run.py --quick --previous /tmp/previous/bin/vpclint  # and an earlier build

`--previous` names the `vpclint` command of an earlier build (installed in its own virtual
environment, say with `pip install git+file://$PWD@<commit>`): its start-up and seed sample run
in turns with this one's, so that "not slower than before" is measured, not remembered.

Prints a table (file, lines, vpclint median, cfn-lint median, ratio, vpclint peak memory) and
writes it as JSON to benchmarks/results.json. The commands compared take turns run by run;
start-up and the seed sample get at least 21 runs. Run it on a quiet machine: the medians of whole
processes are what pre-commit and CI users wait for.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
SEED = REPO / "sample_templates" / "private-subnet-ssm-s3-endpoints.yaml"
CORPUS = Path(os.environ.get("VPCLINT_CORPUS", REPO.parent / "shared" / "corpus"))
sys.path.insert(0, str(HERE))

from generate import same_block, template  # noqa: E402

# Start-up costs differ by milliseconds: more runs for the cheap measurements steady the median.
STARTUP_RUNS = 21


def run_once(command: list[str]) -> tuple[float, float]:
    """(seconds, peak resident MiB) of one whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024  # KiB on Linux


def measure(*commands: list[str], runs: int) -> list[tuple[float, float]]:
    """(median seconds, peak MiB) of each command over `runs` runs. The commands take turns, so
    that a busy moment of the machine falls on all of them alike."""
    samples: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for command, taken in zip(commands, samples, strict=True):
            taken.append(run_once(command))
    return [
        (statistics.median(t for t, _ in taken), max(peak for _, peak in taken))
        for taken in samples
    ]


def vpclint(*args: str) -> list[str]:
    return [str(BIN / "vpclint"), *args]


def cfn_lint(path: Path) -> list[str]:
    return [str(BIN / "cfn-lint"), "--", str(path)]


def lines_of(path: Path) -> int:
    return sum(1 for _ in path.open(encoding="utf-8", errors="replace"))


def compare(
    label: str, path: Path, runs: int, with_cfn_lint: bool = True, previous: str | None = None
) -> dict:
    commands = [vpclint("check", "--jobs", "1", str(path))]
    if with_cfn_lint:
        commands.append(cfn_lint(path))
    if previous:
        commands.append([previous, "check", "--jobs", "1", str(path)])
    measured = measure(*commands, runs=runs)
    ours, memory = measured[0]
    theirs = measured[1][0] if with_cfn_lint else None
    row = {
        "file": label,
        "lines": lines_of(path),
        "vpclint_s": round(ours, 4),
        "cfn_lint_s": round(theirs, 4) if theirs else None,
        "ratio": round(theirs / ours, 1) if theirs else None,
        "vpclint_peak_mib": round(memory, 1),
    }
    if previous:
        row["previous_s"] = round(measured[-1][0], 4)
    return row


# The parser's fast path: a template that libyaml refused (`[!Ref AWS::Region, x]`) once took the
# pure-Python parser, 2-9x slower. Each must take at most this much longer than the same template
# with those scalars quoted, which libyaml always read.
FAST_PATH_MOST = 1.3


def refused_by_libyaml(text: str) -> bool:
    """Whether libyaml itself (without vpclint's fast path) refuses the text."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        YAML(typ="safe", pure=False).compose(text)
    except YAMLError:
        return True
    return False


def quote_double_colons(text: str) -> str:
    """The text with every plain scalar that holds "::" inside a flow collection quoted, found
    by the pure-Python parser's events (the very scalars libyaml refuses)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent, ScalarEvent

    spans, flow = [], 0
    for event in YAML(typ="safe", pure=True).parse(text):
        if isinstance(event, CollectionStartEvent):
            flow += 1 if (event.flow_style or flow) else 0
        elif isinstance(event, CollectionEndEvent):
            flow = max(flow - 1, 0)
        elif isinstance(event, ScalarEvent) and flow and not event.style and "::" in event.value:
            # The event starts at its tag (!Ref): the scalar is the text that ends it.
            end = event.end_mark.index
            if text[end - len(event.value) : end] == event.value:
                spans.append((end - len(event.value), end))
    for start, end in reversed(spans):
        text = text[:start] + "'" + text[start:end].replace("'", "''") + "'" + text[end:]
    return text


def fast_path_sources(everything: bool) -> list[tuple[str, Path]]:
    """(label, path) of the corpus and sample templates to compare with their quoted selves:
    those libyaml refuses, or with `everything` each that has such a scalar."""
    from vpclint.lint import collect_files

    roots = [str(REPO / "sample_templates")] + ([str(CORPUS)] if CORPUS.is_dir() else [])
    found = []
    for path, _ in collect_files(roots):
        source = Path(path)
        if source.is_dir() or source.suffix == ".json":
            continue
        text = source.read_text(encoding="utf-8", errors="replace")
        if refused_by_libyaml(text) or (everything and quote_double_colons(text) != text):
            label = str(source.relative_to(CORPUS if CORPUS in source.parents else REPO))
            found.append((label, source))
    return found


def fast_path(runs: int, everything: bool, scratch: Path) -> list[dict]:
    """Each template beside its quoted self (taken from the corpus by path, the quoted one
    written to `scratch`): the ratio of their times, which must stay within FAST_PATH_MOST."""
    rows = []
    for index, (label, source) in enumerate(fast_path_sources(everything)):
        text = source.read_text(encoding="utf-8")
        try:
            quoted_text = quote_double_colons(text)
        except Exception:  # not YAML at all: nothing to compare
            continue
        if refused_by_libyaml(quoted_text):
            continue  # refused for another reason (a real error): both take the slow path
        quoted = scratch / f"quoted-{index}-{source.name}"
        quoted.write_text(quoted_text, encoding="utf-8")
        (ours, _), (theirs, _) = measure(
            vpclint("check", "--jobs", "1", str(source)),
            vpclint("check", "--jobs", "1", str(quoted)),
            runs=runs,
        )
        rows.append(
            {
                "file": label,
                "vpclint_s": round(ours, 4),
                "quoted_s": round(theirs, 4),
                "ratio": round(ours / theirs, 2),
            }
        )
    return rows


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'file':60} {'lines':>6} {'vpclint':>9} {'cfn-lint':>9} {'ratio':>6} {'peak MiB':>9}")
    for row in rows:
        theirs = f"{row['cfn_lint_s']:.3f}s" if row["cfn_lint_s"] else "-"
        ratio = f"{row['ratio']}x" if row["ratio"] else "-"
        print(
            f"{row['file'][-60:]:60} {row['lines']:>6} {row['vpclint_s']:>8.3f}s "
            f"{theirs:>9} {ratio:>6} {row['vpclint_peak_mib']:>9}"
        )


def readme_table(results: dict) -> str:
    """The README's performance table, made from benchmarks/results.json."""
    rows = ["| what | vpclint | cfn-lint | ratio |", "|---|---|---|---|"]
    startup = results["startup"]
    rows.append(
        f"| `--version` (`python -c pass`: {startup['python -c pass']:.3f} s) "
        f"| {startup['vpclint --version']:.3f} s | {startup['cfn-lint --version']:.3f} s | |"
    )
    seed = results["seed"]
    rows.append(
        f"| seed-003 sample ({seed['lines']} lines) | {seed['vpclint_s']:.3f} s "
        f"| {seed['cfn_lint_s']:.3f} s | {seed['ratio']}x |"
    )
    previous = results.get("previous")
    if previous:
        rows.append(
            f"| seed-003 sample, {previous['label']} in the same run "
            f"| {seed['previous_s']:.3f} s | | {seed['previous_s'] / seed['vpclint_s']:.2f}x |"
        )
    corpus = results.get("corpus")
    if corpus:
        slowest = min(corpus, key=lambda row: row["ratio"])
        largest = max(corpus, key=lambda row: row["lines"])
        median = statistics.median(row["ratio"] for row in corpus)
        for label, row in (("slowest ratio", slowest), ("largest file", largest)):
            rows.append(
                f"| corpus, {len(corpus)} files: {label} ({Path(row['file']).name}, "
                f"{row['lines']} lines) | {row['vpclint_s']:.3f} s | {row['cfn_lint_s']:.3f} s "
                f"| {row['ratio']}x |"
            )
        rows.append(f"| corpus: median ratio | | | {median}x |")
    for row in results["scaling"][1:]:
        growth = (
            f" {results['scaling_10k_over_1k']}x the 1,000 |"
            if row is results["scaling"][-1]
            else " |"
        )
        rows.append(
            f"| {row['file']} ({row['lines']:,} lines), peak {row['vpclint_peak_mib']} MiB "
            f"| {row['vpclint_s']:.3f} s | |{growth}"
        )
    overlapping = results.get("same_block")
    if overlapping:
        rows.append(
            f"| {overlapping['file']} ({overlapping['lines']:,} lines), peak "
            f"{overlapping['vpclint_peak_mib']} MiB | {overlapping['vpclint_s']:.3f} s | | |"
        )
    jobs = results.get("jobs")
    if jobs:
        rows.append(
            f"| {jobs['files']} corpus files, `--jobs 1` → `--jobs 2` "
            f"| {jobs['jobs_1_s']:.2f} s → {jobs['jobs_2_s']:.2f} s | | {jobs['speedup']}x faster |"
        )
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the per-file corpus table")
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--previous",
        metavar="VPCLINT",
        help="the vpclint command of an earlier build, measured in turns with this one",
    )
    parser.add_argument(
        "--previous-label",
        default="the previous build",
        help="what to call it in the table (a commit or a version)",
    )
    options = parser.parse_args()
    runs = options.runs
    results: dict = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "runs": runs,
    }

    startup_runs = max(runs, STARTUP_RUNS)
    probes = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "vpclint --version": vpclint("--version"),
        "cfn-lint --version": [str(BIN / "cfn-lint"), "--version"],
    }
    if options.previous:
        probes["previous vpclint --version"] = [options.previous, "--version"]
        results["previous"] = {"label": options.previous_label}
    measured = measure(*probes.values(), runs=startup_runs)
    startup = {name: median for name, (median, _) in zip(probes, measured, strict=True)}
    results["startup"] = {name: round(value, 4) for name, value in startup.items()}
    results["startup_runs"] = startup_runs
    print("start-up (median of whole processes)")
    for name, value in startup.items():
        print(f"  {name:22} {value:.3f}s")

    seed = compare("seed-003 sample", SEED, startup_runs, previous=options.previous)
    results["seed"] = seed
    print_table("the seed-003 sample", [seed])
    if options.previous:
        print(f"  {options.previous_label}: {seed['previous_s']:.3f}s")

    if not options.quick and CORPUS.is_dir():
        from vpclint.lint import collect_files

        rows = [
            compare(str(Path(path).relative_to(CORPUS)), Path(path), runs)
            for path, _ in collect_files([str(CORPUS)])
        ]
        results["corpus"] = rows
        print_table("the shared corpus, per file", rows)
        ratios = [row["ratio"] for row in rows if row["ratio"]]
        print(f"  ratio: min {min(ratios)}x, median {statistics.median(ratios)}x")

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        # At least 11 runs: the ratios are of whole processes a few hundredths of a second long.
        fast = fast_path(max(runs, 11), not options.quick, folder)
        results["fast_path"] = fast
        print("\nthe parser's fast path: each template / itself with its :: scalars quoted")
        for row in fast:
            verdict = "ok" if row["ratio"] <= FAST_PATH_MOST else f"over {FAST_PATH_MOST}x"
            print(
                f"  {row['file'][-60:]:60} {row['vpclint_s']:.3f}s / {row['quoted_s']:.3f}s "
                f"= {row['ratio']}x {verdict}"
            )
        slow = [row for row in fast if row["ratio"] > FAST_PATH_MOST]

        scaling = []
        for size in (100, 1_000, 10_000):
            path = folder / f"generated-{size}.yaml"
            path.write_text(template(size), encoding="utf-8")
            scaling.append(
                compare(f"generated {size:,} resources", path, runs, with_cfn_lint=False)
            )
        results["scaling"] = scaling
        print_table("scaling", scaling)
        growth = scaling[2]["vpclint_s"] / scaling[1]["vpclint_s"]
        results["scaling_10k_over_1k"] = round(growth, 2)
        print(f"  10,000 vs 1,000 resources: {growth:.1f}x the time")

        # Every subnet overlaps every other: what a quadratic whole-model check cannot hide.
        path = folder / "same-block-10000.yaml"
        path.write_text(same_block(10_000), encoding="utf-8")
        overlapping = compare("10,000 subnets with one block", path, runs, with_cfn_lint=False)
        results["same_block"] = overlapping
        print_table("overlapping subnets", [overlapping])

        if CORPUS.is_dir():
            from vpclint.lint import collect_files

            many = folder / "many"
            many.mkdir()
            sources = [Path(path) for path, _ in collect_files([str(CORPUS)])]
            for index in range(500):
                source = sources[index % len(sources)]
                shutil.copy(source, many / f"{index:03}-{source.name}")
            (one, _), (two, _) = measure(
                vpclint("check", "--jobs", "1", str(many)),
                vpclint("check", "--jobs", "2", str(many)),
                runs=runs,
            )
            results["jobs"] = {
                "files": 500,
                "jobs_1_s": round(one, 3),
                "jobs_2_s": round(two, 3),
                "speedup": round(one / two, 2),
            }
            print(
                f"\n500 corpus files: --jobs 1 {one:.2f}s, --jobs 2 {two:.2f}s, "
                f"{one / two:.2f}x faster"
            )

    options.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {options.output}; the README's table:\n")
    print(readme_table(results))
    if slow:
        names = ", ".join(row["file"] for row in slow)
        sys.exit(f"the parser's fast path: over {FAST_PATH_MOST}x their quoted selves: {names}")


if __name__ == "__main__":
    main()
