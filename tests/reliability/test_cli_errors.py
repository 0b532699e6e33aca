"""The CLI's one error path, through the installed ``flashpoint`` script as a shell runs it.

Usage errors (a bad value, an unknown option or command, a missing argument)
print one line, ``error: ...`` with a did-you-mean where one is close, and exit
with 2; no traceback whatever the typer and click versions. ``--help`` is fast
because the commands import the engine lazily.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from _reliability import env, flashpoint_command, run_cli

USAGE = [
    (("run", "--runs", "abc"), r"--runs"),
    (("assess", "--years", "0"), r"--years"),
    (("run", "--rnus", "3"), r"No such option: --rnus\. Did you mean --runs"),
    (("compare",), r"Missing argument"),
    (("rnu",), r"No such command 'rnu'\. Did you mean 'run'"),
    (("claims", "evaluate", "--claim", "engagement_raises_china_nato_tensio", "--runs", "2"),
     r"Did you mean engagement_raises_china_nato_tension"),
    (("claims", "list", "--side", "neutral"), r"--side"),
    (("world", "show", "--format", "xml"), r"--format"),
    (("serve", "--port", "0"), r"--port"),
    (("run", "--years", "nan"), r"--years: expected a finite horizon"),
    (("run", "--dt", "0"), r"--dt: expected a month, quarter"),
    (("run", "--seed", str(2**63)), r"--seed: expected an integer from 0 to 2\*\*63 - 1"),
    (("run", "--runs", str(2**70)), r"--runs: expected an ensemble of 1 to"),
    (("sweep", "--runs", "0"), r"--runs: expected an ensemble of 1 to"),
    (("sweep", "--runs", "10", "--chunk-size", "0"), r"--chunk-size"),
    (("sweep", "--runs", "10", "--workers", "-1"), r"--workers"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("args", "match"), USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_usage_errors_are_one_line_and_exit_2(args: tuple[str, ...], match: str) -> None:
    import re

    p = run_cli(*args)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("error: ") and re.search(match, lines[0]), lines[0]


def test_memory_estimate_refuses_a_huge_run_before_allocating() -> None:
    t = time.monotonic()
    p = run_cli("run", "--runs", "9000000")
    assert p.returncode == 2 and "Traceback" not in p.stderr, p.stderr
    assert "GiB of memory" in p.stderr and "available" in p.stderr
    assert time.monotonic() - t < 30


def test_markup_in_an_error_is_printed_as_written(tmp_path) -> None:
    f = tmp_path / "s.toml"
    f.write_text('[scenario]\nname = "Bad [a-z] Name"\ntitle = "t"\n')
    p = run_cli("scenario", "check", str(f), "--no-world")
    assert p.returncode != 0 and "Traceback" not in p.stderr
    assert "'^[a-z][a-z0-9_]*$'" in p.stderr, p.stderr


def test_warnings_are_one_line_without_source_paths(tmp_path) -> None:
    f = tmp_path / "w.toml"
    f.write_text('[scenario]\nname = "w"\ntitle = "t"\n\n[[lever]]\nlever = "nato_ip4_partnership"\n'
                 "effect = [0.2, 0.95]\n")
    p = run_cli("run", str(f), "--runs", "2", "--years", "1", "--no-store")
    assert p.returncode == 0, p.stderr
    warn = [ln for ln in p.stderr.splitlines() if "warning" in ln.lower()]
    assert warn and all(ln.startswith("warning: ") for ln in warn), p.stderr
    assert ".py:" not in p.stderr and "warnings.warn" not in p.stderr


def test_help_is_fast_and_imports_no_engine() -> None:
    code = ("import sys, time; t = time.perf_counter(); from flashpoint.cli.app import app; "
            "heavy = [m for m in ('numpy', 'xarray', 'pandas', 'scipy', 'flashpoint.engine.run') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env(),
                         check=True)
    assert out.stdout.strip() == "[]", f"--help imports {out.stdout.strip()}"
    best = min(_timed_help() for _ in range(3))
    assert best < 1.5, f"flashpoint --help took {best:.2f} s (0.4 s on a quiet machine)"


def _timed_help() -> float:
    t = time.perf_counter()
    p = subprocess.run([*flashpoint_command(), "--help"], capture_output=True, text=True,
                       env=env(), timeout=60)
    assert p.returncode == 0 and "run" in p.stdout
    return time.perf_counter() - t


def test_assess_defaults_match_the_analysis() -> None:
    from flashpoint.analysis import assess as analysis
    from flashpoint.cli import assess as cli

    assert (cli.DEFAULT_RUNS, cli.DEFAULT_YEARS) == (analysis.DEFAULT_RUNS, analysis.DEFAULT_YEARS)


def test_python_dash_m_flashpoint_is_the_same_command() -> None:
    ok = subprocess.run([sys.executable, "-m", "flashpoint", "--help"], capture_output=True,
                        text=True, env=env(), timeout=60)
    assert ok.returncode == 0 and "assess" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "flashpoint", "run", "--rnus", "3"],
                         capture_output=True, text=True, env=env(), timeout=60)
    assert bad.returncode == 2 and bad.stderr.startswith("error: ")
    assert "Traceback" not in bad.stderr


def test_ctrl_c_stops_the_workers_with_one_line(tmp_path) -> None:
    """Ctrl-C while ``assess`` runs its scenarios in worker processes: one line, exit
    130 within seconds (the workers are stopped, not waited for), no report written and
    no worker process left."""
    import signal

    psutil = pytest.importorskip("psutil")
    out = tmp_path / "report.html"
    p = subprocess.Popen(
        [*flashpoint_command(), "assess", "--runs", "400", "--no-store", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**env(), "FLASHPOINT_PROCESSES": "2"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # wait until the scenarios are under way in the workers
    deadline = time.monotonic() + 120
    children: list = []
    seen: list[str] = []
    while time.monotonic() < deadline and len(children) < 2 and p.poll() is None:
        time.sleep(0.5)
        children, seen = [], []
        for c in psutil.Process(p.pid).children(recursive=True):
            try:
                line = " ".join(c.cmdline())
            except psutil.Error:  # ended meanwhile
                continue
            seen.append(line)
            if "spawn_main" in line:
                children.append(c)
    assert len(children) >= 2, f"the workers did not start: {seen}"
    time.sleep(4)
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert time.monotonic() - sent < 10
    assert p.returncode == 130
    assert err.strip().splitlines()[-1] == "error: interrupted"
    assert "Traceback" not in err
    assert not out.exists()
    _, alive = psutil.wait_procs(children, timeout=5)
    # gone, or ended and not yet reaped (a container's init may not reap)
    assert all(c.status() == psutil.STATUS_ZOMBIE for c in alive), alive


@pytest.mark.parametrize("value", ["two", "0"])
def test_a_bad_processes_variable_is_one_line_before_the_work(value: str) -> None:
    started = time.monotonic()
    p = subprocess.run([*flashpoint_command(), "assess", "--runs", "20", "--no-store"],
                       capture_output=True, text=True, timeout=120,
                       env={**env(), "FLASHPOINT_PROCESSES": value})
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "FLASHPOINT_PROCESSES" in lines[0], p.stderr
    assert time.monotonic() - started < 30  # refused before any simulation
