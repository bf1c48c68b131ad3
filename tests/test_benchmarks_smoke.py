"""The figure scripts (``make bench``, ``make soak``, ``make probe``) run end to end on a tiny N.

A functional check only: the scripts must start the sandbox, do their work through the real
engine and client, print their tables and exit. No timing is asserted.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(script: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
	return subprocess.run(
		[sys.executable, str(ROOT / "benchmarks" / script), *args],
		capture_output=True,
		text=True,
		timeout=timeout,
		cwd=ROOT,
	)


def test_bench_push_and_pull_tiny():
	result = run(
		"bench_push.py",
		"--invoices", "60", "--customers", "6", "--lines", "2", "--batch", "30",
		"--time-scale", "60", "--open", "120", "--changes", "0,10",
	)  # fmt: skip
	assert result.returncode == 0, result.stdout + result.stderr
	assert "invoices in Xero:        60/60" in result.stdout
	assert "poll with    10 of 120 changed: 1 calls, 10 updated" in result.stdout
	assert "benchmarks.submit_overhead.run" in result.stdout  # the bench-side figure says how to run it


def test_soak_tiny_has_no_duplicates_or_losses():
	result = run(
		"soak.py", "--n", "40", "--customers", "6", "--lines", "2", "--batch", "10", "--time-scale", "60"
	)
	assert result.returncode == 0, result.stdout + result.stderr
	assert "duplicate:           0" in result.stdout
	assert "lost:                0" in result.stdout
	assert "RESULT: PASS" in result.stdout


def test_duplicate_hunting_soak_tiny_finds_no_duplicate_loss_or_wrong_total():
	result = run("soak_duplicates.py", "--n", "40", "--workers", "3", "--customers", "5", "--batch", "5")
	assert result.returncode == 0, result.stdout + result.stderr
	for figure in ("duplicates:        0", "lost:              0", "totals not exact:  0"):
		assert figure in result.stdout, result.stdout


def test_probe_handles_every_case_and_finds_no_secret():
	result = run("probe.py")
	assert "secrets: 0 found" in result.stdout, result.stdout + result.stderr
	assert result.returncode == 0, result.stdout + result.stderr


def test_adversarial_suite_passes_every_case():
	result = run("adversarial.py")
	assert result.returncode == 0, result.stdout + result.stderr
	assert " 0 failed" in result.stdout


def test_bench_day_tiny_prints_calls_per_activity_and_never_runs_out():
	result = run(
		"bench_day.py",
		"--invoices", "40", "--returns", "4", "--payments", "20", "--new-customers", "10",
		"--existing", "20", "--panel-views", "8", "--lines", "1", "--push-every", "180",
		"--pull-every", "270",
	)  # fmt: skip
	assert result.returncode == 0, result.stdout + result.stderr
	assert "in Xero:        44/44 documents, 20/20 payments pulled back" in result.stdout
	assert "customer panel      8" in result.stdout
	assert "allocate" in result.stdout and "runs out at:    never" in result.stdout
	assert "budget learned: limit 1000" in result.stdout
