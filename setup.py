"""Legacy shim: the build is defined in pyproject.toml (flit), this keeps
`python setup.py develop` and older bench versions working with the same metadata."""

import re
from pathlib import Path

from setuptools import find_packages, setup

here = Path(__file__).parent
try:
	import tomllib
except ImportError:  # Python 3.10
	import tomli as tomllib

project = tomllib.loads((here / "pyproject.toml").read_text())["project"]
version = re.search(r'__version__ = "([^"]+)"', (here / "xero_connector" / "__init__.py").read_text()).group(
	1
)

setup(
	name=project["name"],
	version=version,
	description=project["description"],
	packages=find_packages(exclude=["tests", "tests.*"]),
	include_package_data=True,
	zip_safe=False,
	python_requires=project["requires-python"],
	install_requires=project["dependencies"],
	extras_require=project.get("optional-dependencies", {}),
	entry_points={"console_scripts": [f"{k} = {v}" for k, v in project["scripts"].items()]},
)
