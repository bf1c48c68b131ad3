"""Bulk push against the sandbox with Xero's limits on: API calls per invoice (target
≤ 1/45 including contact resolution) and invoices per minute. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_push.py [--invoices 3000] [--customers 200] [--time-scale 1]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xero_connector.engine.connection import sandbox_port
from xero_connector.engine.context import MappingContext, Masters
from xero_connector.engine.mapping_file import load_mapping_file
from xero_connector.engine.memory_host import MemoryHost
from xero_connector.engine.sync import SyncEngine
from xero_connector.sandbox.limits import LimitConfig
from xero_connector.sandbox.server import Sandbox, SandboxConfig

SAMPLES = ROOT / "xero_connector" / "samples"


def main() -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--invoices", type=int, default=3000)
	parser.add_argument("--customers", type=int, default=200)
	parser.add_argument("--time-scale", type=float, default=1.0)
	args = parser.parse_args()

	sb = Sandbox(SandboxConfig(limits=LimitConfig(time_scale=args.time_scale))).start()
	try:
		port = sandbox_port(sb)
		masters = Masters.from_export(json.loads((SAMPLES / "masters.json").read_text()))
		mappings, settings = load_mapping_file(SAMPLES / "mapping.json", "NZD")
		host = MemoryHost(
			MappingContext(mappings, settings, masters), site_id="bench", tenant_id=port.tenant_id
		)
		template = json.loads((SAMPLES / "invoices" / "ACC-SINV-2026-00018.json").read_text())
		for c in range(args.customers):
			masters.customers[f"Bench Customer {c}"] = {
				"name": f"Bench Customer {c}",
				"xero_account_number": f"B{c:05d}",
			}
		names = []
		for n in range(args.invoices):
			doc = copy.deepcopy(template)
			doc["name"] = f"BENCH-{n:06d}"
			doc["customer"] = doc["customer_name"] = f"Bench Customer {n % args.customers}"
			names.append(host.add_invoice(doc))
		engine = SyncEngine(host, port)
		engine.reference()  # cached by the Frappe shell; not part of a push
		calls, start = port.calls, time.perf_counter()
		outcomes = engine.push(names)
		elapsed = time.perf_counter() - start
		used = port.calls - calls
		ok = sum(o.status == "Success" for o in outcomes)
		print(f"invoices pushed:        {ok}/{args.invoices} ({args.customers} new customers)")
		print(
			f"API calls:              {used}  ({used / args.invoices:.4f} per invoice; 1 per {args.invoices / used:.1f})"
		)
		print(
			f"target:                 <= 1 per 45 invoices -> {'met' if args.invoices / used >= 45 else 'NOT met'}"
		)
		print(
			f"elapsed:                {elapsed:.1f} s ({ok / elapsed * 60:.0f} invoices/minute, time scale {args.time_scale})"
		)
	finally:
		sb.stop()


if __name__ == "__main__":
	main()
