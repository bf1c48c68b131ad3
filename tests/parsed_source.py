"""Python source parsed into AST trees in a separate interpreter.

Python 3.11's ``ast.parse`` keeps its recursion bookkeeping in one global, so a
parse in the test process can fail with "AST constructor recursion depth
mismatch" while another thread formats a traceback (3.11's tracebacks parse the
failing line to place their carets): a sandbox server thread that logs a dropped
connection is enough. A fresh interpreter has no other threads; the trees come
back pickled."""

import ast
import pickle
import subprocess
import sys
from pathlib import Path

_PARSE = (
	"import ast, pickle, sys\n"
	"trees = [ast.parse(open(p, encoding='utf-8').read(), filename=p) for p in sys.argv[1:]]\n"
	"sys.stdout.buffer.write(pickle.dumps(trees))\n"
)


def parse_files(paths: list[Path]) -> dict[Path, ast.Module]:
	"""Each file's module tree, keyed by its path."""
	paths = list(paths)
	if not paths:
		return {}
	done = subprocess.run([sys.executable, "-c", _PARSE, *map(str, paths)], capture_output=True, check=True)
	return dict(zip(paths, pickle.loads(done.stdout), strict=True))
