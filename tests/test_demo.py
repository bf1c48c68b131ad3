"""``make demo`` end to end: a subprocess on a fresh sandbox, checking the printed table."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.timeout(180)


def test_demo_runs_end_to_end_and_prints_the_table():
	result = subprocess.run(
		[sys.executable, "-m", "xero_connector.demo"], capture_output=True, text=True, timeout=150
	)
	assert result.returncode == 0, result.stdout + result.stderr
	out = result.stdout
	rows = {line.split()[0]: line for line in out.splitlines() if line.startswith(("ACC-", "PUR-ORD"))}
	assert re.search(r"PAID +NZD 840\.00 +840\.00 +0\.00 +840\.00", rows["ACC-SINV-2026-00019"])
	assert re.search(r"AUTHORISED +USD 1750\.00 +1750\.00 +750\.00 +1000\.00", rows["ACC-SINV-2026-00024"])
	assert "credit note" in rows["ACC-SINV-2026-00031"] and "allocate Success" in rows["ACC-SINV-2026-00031"]
	assert "VOIDED" in rows["ACC-SINV-2026-00033"] and "void Success" in rows["ACC-SINV-2026-00033"]
	assert re.search(r"AUTHORISED +NZD 812\.00 +812\.00 +668\.00", rows["ACC-SINV-2026-00018"])
	# the buying side (issue 16): a Purchase Invoice as a bill, a Purchase Order as a purchase order
	assert re.search(
		r"bill +AUTHORISED +NZD 812\.00 +812\.00 +812\.00 +0\.00 +push Success", rows["ACC-PINV-2026-00007"]
	)
	assert re.search(
		r"purchase order +AUTHORISED +NZD 840\.00 +840\.00 +- +- +push Success", rows["PUR-ORD-2026-00003"]
	)
	assert "All steps succeeded." in out
	assert re.search(r"Sandbox web page: http://127\.0\.0\.1:\d+/", out)
	assert "8/8" in result.stderr  # the progress bar
