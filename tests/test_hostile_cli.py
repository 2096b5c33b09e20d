"""Hostile command lines and outputs (issue 13, items 8-11 and 15, and the class-level guard).

Each case ends with one line on standard error (or one error line for the file concerned), the
documented exit code, never a traceback, and the other files still reported.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import SAMPLES

import vpclint.lint
import vpclint.loader
from vpclint.cli import cli
from vpclint.lint import LintOptions, collect_files, lint_files
from vpclint.loader import parse

BROKEN = SAMPLES / "broken-vpc101-private-subnet-routes-to-igw.yaml"
CLEAN = SAMPLES / "two-az-public-private-nat.yaml"
VPCLINT = str(Path(sys.executable).parent / "vpclint")
CHECK_FORMATS = ("text", "json", "sarif", "github", "junit", "concise", "markdown")
SHOW_FORMATS = ("tree", "mermaid", "dot", "json")


def invoke(*args: str, stdin: str | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), input=stdin, prog_name="vpclint")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def run(*args: str, **options: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [VPCLINT, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
        **options,  # type: ignore[call-overload]
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def one_line(text: str) -> str:
    lines = text.strip("\n").splitlines()
    assert len(lines) == 1, text
    return lines[0]


# -- 8: what an encoding cannot hold ------------------------------------------------------------


@pytest.fixture(scope="module")
def surrogate_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The VPC101 sample as JSON, its subnet named "PrivateSubnetB\\ud800" (a lone surrogate,
    which JSON can spell and UTF-8 cannot hold)."""
    text = json.dumps(parse(BROKEN.read_text(encoding="utf-8")))
    path = tmp_path_factory.mktemp("surrogate") / "surrogate.json"
    path.write_text(text.replace("PrivateSubnetB", "PrivateSubnetB\\ud800"), encoding="ascii")
    return path


@pytest.mark.parametrize("output_format", CHECK_FORMATS)
def test_lone_surrogate_in_a_logical_id_is_escaped_in_every_format(
    surrogate_template: Path, output_format: str
) -> None:
    done = run("check", "--isolated", "--format", output_format, str(surrogate_template))
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    if output_format == "junit":  # XML cannot hold it even escaped: the replacement character
        assert "PrivateSubnetB\ufffd" in done.stdout
    else:
        assert "PrivateSubnetB\\ud800" in done.stdout
    if output_format in ("json", "sarif"):
        document = json.loads(done.stdout)  # the escape is JSON's own: the name comes back
        assert "PrivateSubnetB\ud800" in json.dumps(document, ensure_ascii=False)


@pytest.mark.parametrize("output_format", SHOW_FORMATS)
def test_lone_surrogate_in_a_logical_id_is_escaped_by_show(
    surrogate_template: Path, output_format: str
) -> None:
    done = run("show", "--format", output_format, str(surrogate_template))
    assert done.returncode == 0, done.stderr
    assert "PrivateSubnetB\\ud800" in done.stdout or output_format in ("mermaid", "dot")
    if output_format == "json":
        json.loads(done.stdout)


def test_lone_surrogate_in_a_report_file(surrogate_template: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    done = run(
        "check", "--isolated", "--format", "json", "-o", str(report), str(surrogate_template)
    )
    assert done.returncode == 1, done.stderr
    document = json.loads(report.read_bytes().decode("utf-8"))
    assert document["files"][0]["findings"][0]["message"].startswith(
        "Subnet PrivateSubnetB\ud800 is meant to be private"
    )


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux")
def test_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    name = os.fsdecode(b"vpc-\xff.yaml")  # as Python reads it: "vpc-\udcff.yaml"
    shutil.copy(BROKEN, folder / name)
    sarif = run("check", "--isolated", "--format", "sarif", "templates", cwd=tmp_path)
    assert sarif.returncode == 1, sarif.stderr
    (result,) = json.loads(sarif.stdout)["runs"][0]["results"]
    # The bytes of the name on disk, percent-encoded as a URI holds them.
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "templates/vpc-%FF.yaml"
    )
    raw = subprocess.run(
        [VPCLINT, "check", "--isolated", "--format", "json", "templates"],
        capture_output=True,
        check=False,
        cwd=tmp_path,
    )
    assert raw.returncode == 1
    document = json.loads(raw.stdout.decode("utf-8"))  # valid UTF-8
    assert document["files"][0]["path"] == f"templates/{name}"


# -- 9: outputs that cannot be written ----------------------------------------------------------


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_output_into_a_missing_folder(tmp_path: Path, option: str) -> None:
    target = tmp_path / "missing" / "out.json"
    done = run("check", "--isolated", option, str(target), str(BROKEN))
    assert done.returncode == 2
    what = "report" if option == "-o" else "baseline"
    assert one_line(done.stderr) == (
        f"vpclint: error: cannot write the {what} to {target}: No such file or directory"
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_output_to_a_full_device() -> None:
    done = run("check", "--isolated", "--format", "json", "-o", "/dev/full", str(BROKEN))
    assert done.returncode == 2
    assert one_line(done.stderr) == (
        "vpclint: error: cannot write the report to /dev/full: No space left on device"
    )
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [VPCLINT, "check", "--isolated", str(BROKEN)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2
    assert one_line(done.stderr) == (
        "vpclint: error: cannot write the output: No space left on device"
    )


def test_standard_output_closed() -> None:
    done = subprocess.run(
        f"'{VPCLINT}' check --isolated '{BROKEN}' >&-",
        shell=True,
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert one_line(done.stderr) == "vpclint: error: standard output is closed"


# -- 10: baseline and parameters files of the right shape but wrong types -----------------------

HUGE_NUMBER = "1" * 5000
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"vpclint_baseline": 1, "findings": 5}', 'b.json: "findings" is a number, not an array'),
        ("null", "b.json: not a vpclint baseline (write one with --write-baseline)"),
        ('{"vpclint_baseline": 1, "findings": [null]}', "finding 1 of 1: null, not an object"),
        (
            '{"vpclint_baseline": 1, "findings": [{"path": "a", "rule": 5}]}',
            'finding 1 of 1: "rule" is a number, not a string',
        ),
        (
            '{"vpclint_baseline": 1, "findings": [{"path": "a", "rule": "VPC1", "resource": []}]}',
            'finding 1 of 1: "resource" is an array, not a string or null',
        ),
        (
            '{"vpclint_baseline": 1, "findings": [{"rule": "VPC101"}]}',
            'finding 1 of 1: no "path"',
        ),
        (
            '{"vpclint_baseline": 1, "findings": [' + HUGE_NUMBER + "]}",
            "b.json:1:38: invalid JSON: a number of 5,000 digits (at most 4,300)",
        ),
        (DEEP, "b.json: invalid JSON: nesting is too deep"),
    ],
)
def test_bad_baseline_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("b.json").write_text(text, encoding="utf-8")
    result = invoke("check", "--isolated", "--baseline", "b.json", str(BROKEN))
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert line.startswith("vpclint: error: b.json") and line.endswith(message), line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("null", "p.json: null, but expected"),
        ("5", "p.json: a number, but expected"),
        ('{"VpcCidr": null}', "p.json: the value of 'VpcCidr' is null;"),
        ('{"VpcCidr": {"a": 1}}', "p.json: the value of 'VpcCidr' is an object;"),
        ('{"VpcCidr": [[1]]}', "p.json: the value of 'VpcCidr' is an array;"),
        ('[{"ParameterKey": 5, "ParameterValue": "x"}]', "p.json: a parameter name is a number;"),
        ('[{"ParameterKey": "A", "ParameterValue": null}]', "p.json: the value of 'A' is null;"),
        ('{"A": ' + HUGE_NUMBER + "}", "p.json:1:7: invalid JSON: a number of 5,000 digits"),
        (DEEP, "p.json: invalid JSON: nesting is too deep"),
    ],
)
def test_bad_parameters_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.json").write_text(text, encoding="utf-8")
    result = invoke("check", "--isolated", "--parameters-file", "p.json", str(BROKEN))
    assert result.exit_code == 2
    assert message in one_line(result.stderr)
    assert one_line(result.stderr).startswith("vpclint: error: Invalid value for --parameters-file")


def test_parameters_file_of_scalars_and_lists_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.json").write_text('{"A": 1, "B": true, "C": ["x", 2], "D": 1.5}', encoding="utf-8")
    from vpclint.cli.options import read_parameters_file

    assert read_parameters_file("p.json") == {"A": "1", "B": "true", "C": "x,2", "D": "1.5"}


# -- 11: pyproject.toml -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        # `tool` must be a table (PEP 518); like ruff, a file that breaks that is an error.
        (
            "tool = 5\n# [tool.vpclint]\n",
            2,
            "pyproject.toml: `tool` must be a table, not int 5",
        ),
        ('tool = "vpclint"\n# [tool.vpclint] select = ["VPC2"]\n', 2, "`tool` must be a table"),
        # [tool.vpclint] only in a comment: no configuration here, the defaults run.
        ("[tool.other]\nx = 1\n# [tool.vpclint]\n", 1, None),
        ("[tool]\nvpclint = 5\n# [tool.vpclint]\n", 2, "[tool.vpclint] must be a table"),
    ],
)
def test_odd_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, code: int, message: str | None
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("pyproject.toml").write_text(text, encoding="utf-8")
    result = invoke("check", str(BROKEN))
    assert result.exit_code == code
    if message is not None:
        assert message in one_line(result.stderr)
        assert one_line(result.stderr).startswith("vpclint: error: ")


# -- 15: the command line -----------------------------------------------------------------------


def test_unreadable_file_named_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked.yaml"
    shutil.copy(BROKEN, locked)
    real_open = os.open

    def refusing_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

    # As for a file without read permission (root reads every file, so chmod cannot show it);
    # every file is opened through os.open (the bounded reader).
    monkeypatch.setattr(os, "open", refusing_open)
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    result = invoke("check", "--isolated", "--format", "concise", str(locked), str(BROKEN))
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert f"{locked}: error: cannot read file: Permission denied" in lines
    assert any(line.startswith(f"{BROKEN}:") and "VPC101" in line for line in lines)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_unreadable_file_by_its_permissions(tmp_path: Path) -> None:
    locked = tmp_path / "locked.yaml"
    shutil.copy(BROKEN, locked)
    locked.chmod(0)
    done = run("check", "--isolated", "--format", "concise", str(locked), str(BROKEN))
    assert done.returncode == 2
    assert f"{locked}: error: cannot read file: Permission denied" in done.stdout
    assert "VPC101" in done.stdout


def test_unreadable_subfolder_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked").mkdir()
    shutil.copy(BROKEN, tmp_path / "locked" / "inside.yaml")
    shutil.copy(BROKEN, tmp_path / "outside.yaml")
    real_scandir = os.scandir

    def refusing_scandir(path: object = ".") -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    result = invoke("check", "--isolated", "--format", "concise", str(tmp_path))
    assert result.exit_code == 1  # a warning: the findings decide
    assert one_line(result.stderr) == (
        f"{tmp_path / 'locked'}: warning: cannot read this folder (Permission denied); skipped"
    )
    assert f"{tmp_path / 'outside.yaml'}:" in result.stdout


@pytest.mark.parametrize("output_format", ["concise", "json"])
def test_dash_reads_a_template_from_standard_input(output_format: str) -> None:
    text = BROKEN.read_text(encoding="utf-8")
    result = invoke("check", "--isolated", "--format", output_format, "-", str(CLEAN), stdin=text)
    assert result.exit_code == 1
    if output_format == "json":
        files = json.loads(result.stdout)["files"]
        assert [file["path"] for file in files] == ["-", str(CLEAN)]
        assert [f["rule"] for f in files[0]["findings"]] == ["VPC101"]
    else:
        assert result.stdout.startswith("-:73:3: VPC101 [error] Subnet PrivateSubnetB")


def test_dash_for_show_and_reach() -> None:
    text = BROKEN.read_text(encoding="utf-8")
    shown = invoke("show", "-", stdin=text)
    assert shown.exit_code == 0 and "PrivateSubnetB" in shown.stdout
    reached = invoke("reach", "-", "--from", "internet", "--to", "PrivateSubnetB", stdin=text)
    assert reached.exit_code == 1  # not reachable: it has no public address
    broken = invoke("show", "-", stdin="AWSTemplateFormatVersion: x\nResources: [\n")
    assert broken.exit_code == 2
    assert one_line(broken.stderr).startswith("-:3:1: error: invalid YAML")


def test_jobs_are_capped_at_files_and_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    started: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    class Counting(real):  # type: ignore[misc, valid-type]
        def __init__(self, max_workers: int) -> None:
            started.append(max_workers)
            super().__init__(max_workers=max_workers)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counting)
    monkeypatch.setattr(vpclint.lint, "available_cpus", lambda: 3)
    files = [(str(path), True) for path in sorted(SAMPLES.glob("*.yaml"))[:8]]
    lint_files(files, LintOptions(), jobs=1000)
    assert started == [3]
    monkeypatch.setattr(vpclint.lint, "available_cpus", lambda: 64)
    started.clear()
    lint_files(files, LintOptions(), jobs=1000)
    assert started == [8]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-p", "AWS::Region=mars"],
            "Invalid value for --parameter: AWS::Region: 'mars' is not a region such as eu-west-1",
        ),
        (["--region", "mars"], "'mars' is not a region such as eu-west-1"),
        (["--select", ""], "Invalid value for --select: give rule IDs or prefixes"),
        (["--select", " , "], "Invalid value for --select: give rule IDs or prefixes"),
        (["--ignore", ""], "Invalid value for --ignore: give rule IDs or prefixes"),
        (["--format", "xml"], "Invalid value for '--format': 'xml' is not one of"),
        (["--no-such-option"], "No such option '--no-such-option' (see 'vpclint check --help')"),
        (["--jobs", "-1"], "Invalid value for '--jobs'"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], message: str) -> None:
    result = invoke("check", "--isolated", *args, str(CLEAN))
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert line.startswith("vpclint: error: ") and message in line, line
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check"], "vpclint: error: Missing argument 'PATHS...' (see 'vpclint check --help')"),
        (["nope"], "vpclint: error: No such command 'nope' (see 'vpclint --help')"),
        (["explain", "VPC999"], "vpclint: error: there is no rule 'VPC999'"),
        (["reach", str(CLEAN)], "vpclint: error: give --from and --to, or --matrix"),
        (["show", "--format", "png", str(CLEAN)], "vpclint: error: Invalid value for '--format'"),
    ],
)
def test_usage_errors_of_every_command_are_one_line(args: list[str], message: str) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert one_line(done.stderr).startswith(message)


# -- the class-level guard ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "target"),
    [
        (["check", "--isolated", "--format", "json"], "vpclint.report.json_report.render"),
        (["show", "--format", "tree"], "vpclint.show.render"),
        (["reach", "--from", "internet", "--to", "PrivateSubnetB"], "vpclint.reach.reach"),
        (["rules"], "vpclint.engine.load_rules"),
    ],
)
def test_unexpected_exception_is_one_line_internal_error(
    monkeypatch: pytest.MonkeyPatch, command: list[str], target: str
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise KeyError("boom\nsecond line")

    monkeypatch.setattr(target, explode)
    paths = [] if command == ["rules"] else [str(BROKEN)]
    result = invoke(*command, *paths)
    assert result.exit_code == 2
    assert one_line(result.stderr) == (
        "vpclint: internal error: KeyError: 'boom\\nsecond line' (please report this)"
    )


def test_a_bug_in_one_file_leaves_the_others_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    import vpclint.builder

    real = vpclint.builder.build_network

    def build_network(sources: list, *args: object) -> object:
        if any(source.origin.path == str(CLEAN) for source in sources):
            raise ZeroDivisionError("boom")
        return real(sources, *args)

    monkeypatch.setattr(vpclint.builder, "build_network", build_network)
    result = invoke(
        "check", "--isolated", "--jobs", "1", "--format", "concise", *map(str, [CLEAN, BROKEN])
    )
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert (
        f"{CLEAN}: error: internal error while building the network: ZeroDivisionError: boom"
        in lines
    )
    assert any(line.startswith(f"{BROKEN}:73:3: VPC101") for line in lines)


_REAL_LINT_UNIT = vpclint.lint.lint_unit
_CRASHING: list[str] = []  # the name of the file whose worker dies


def _crashing_lint_unit(unit: object, *args: object, **kwargs: object) -> object:
    # At module level: the workers receive it by reference, as pickle sends functions.
    names = {Path(path).name for path in unit.paths}  # type: ignore[attr-defined]
    if any(set(crashing.split("+")) <= names for crashing in _CRASHING):
        os.kill(os.getpid(), signal.SIGSEGV)
    return _REAL_LINT_UNIT(unit, *args, **kwargs)  # type: ignore[arg-type]


def crash_on(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the worker process that lints the file `name` die of a segmentation fault, as a
    crash in a C extension would. Forked workers inherit the patch."""
    monkeypatch.setattr(sys.modules[__name__], "_CRASHING", [name])
    monkeypatch.setattr(vpclint.lint, "lint_unit", _crashing_lint_unit)
    monkeypatch.setattr(vpclint.lint, "available_cpus", lambda: 2)


@pytest.mark.skipif(
    sys.platform != "linux", reason="the patch reaches the workers when they are forked"
)
@pytest.mark.parametrize(
    "crashing",
    ["crash.yaml", "app.yaml", "app.yaml+network.yaml"],
    ids=["alone", "read-for-planning", "linked-unit"],
)
def test_worker_crash_loses_only_its_own_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crashing: str
) -> None:
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the patch reaches the workers only when they are forked")
    for number in range(9):
        shutil.copy(BROKEN, tmp_path / f"copy{number}.yaml")
    shutil.copy(BROKEN, tmp_path / "crash.yaml")
    # A linked pair: app.yaml is linted with network.yaml in the second round of workers.
    shutil.copytree(SAMPLES / "linked", tmp_path / "linked")
    crash_on(crashing, monkeypatch)
    results = lint_files(collect_files([str(tmp_path)]), LintOptions(), jobs=2)
    by_name = {Path(result.path).name: result for result in results}
    crashed = by_name[crashing.split("+")[0]]
    assert crashed.error is not None
    assert crashed.error.message == (
        "internal error: the process linting this file stopped abruptly (a crash, or a signal) "
        "(please report this)"
    )
    for number in range(9):
        assert [f.rule for f in by_name[f"copy{number}.yaml"].findings] == ["VPC101"]
    if crashing == "crash.yaml":
        assert [f.rule for f in by_name["app.yaml"].findings] == ["VPC701"]
    elif crashing == "app.yaml":  # it dies while read for planning: network.yaml goes alone
        assert by_name["network.yaml"].error is None
        assert [f.rule for f in by_name["crash.yaml"].findings] == ["VPC101"]
    else:  # the pair dies together, linted as one network in the second round of workers
        assert by_name["network.yaml"].error.message == crashed.error.message  # type: ignore[union-attr]
        assert [f.rule for f in by_name["crash.yaml"].findings] == ["VPC101"]


@pytest.mark.skipif(sys.platform != "linux", reason="forked workers")
def test_worker_crash_through_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(9):
        shutil.copy(BROKEN, tmp_path / f"copy{number}.yaml")
    shutil.copy(BROKEN, tmp_path / "crash.yaml")
    crash_on("crash.yaml", monkeypatch)
    result = invoke("check", "--isolated", "--jobs", "2", "--format", "json", str(tmp_path))
    assert result.exit_code == 2
    files = json.loads(result.stdout)["files"]
    assert len(files) == 10
    errors = {Path(f["path"]).name: f["error"] for f in files if f["error"]}
    assert list(errors) == ["crash.yaml"]
    assert all(f["findings"] for f in files if Path(f["path"]).name != "crash.yaml")


def test_a_bug_while_reading_for_planning_costs_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vpclint.expand.links

    shutil.copytree(SAMPLES / "linked", tmp_path / "linked")
    real = vpclint.expand.links.read_shared

    def read_shared(path: str, *args: object, **kwargs: object) -> object:
        if path.endswith("app.yaml"):
            raise AssertionError("a loader bug")
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(vpclint.expand.links, "read_shared", read_shared)
    files = [*collect_files([str(tmp_path)]), (str(BROKEN), True)]
    results = {Path(r.path).name: r for r in lint_files(files, LintOptions(), jobs=1)}
    app = results["app.yaml"]
    assert app.error is not None
    assert app.error.message == "internal error while loading: AssertionError: a loader bug"
    assert results["network.yaml"].error is None
    assert [f.rule for f in results[BROKEN.name].findings] == ["VPC101"]


def test_a_bug_after_the_network_is_built_costs_one_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    real = vpclint.lint._apply_suppressions

    def apply_suppressions(result: object, *args: object) -> None:
        if str(result.path) == str(CLEAN):  # type: ignore[attr-defined]
            raise ValueError("two\nlines")
        real(result, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(vpclint.lint, "_apply_suppressions", apply_suppressions)
    results = lint_files([(str(CLEAN), True), (str(BROKEN), True)], LintOptions(), jobs=1)
    assert results[0].error is not None
    assert results[0].error.message == "internal error while linting: ValueError: two lines"
    assert [f.rule for f in results[1].findings] == ["VPC101"]


def test_long_integer_position_skips_the_same_digits_in_a_string(tmp_path: Path) -> None:
    from vpclint.jsonfile import JsonFileError, read_json

    digits = "1" * 5000
    path = tmp_path / "p.json"
    path.write_text('{"a": "' + digits + '",\n "b": ' + digits + "}", encoding="utf-8")
    with pytest.raises(JsonFileError) as caught:
        read_json(path)
    assert str(caught.value) == (
        f"{path}:2:7: invalid JSON: a number of 5,000 digits (at most 4,300)"
    )
