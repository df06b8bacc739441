"""Which packages the distribution holds; everything else is in pyproject.toml.

The top-level ``seeds/`` and ``codebooks/`` folders (the demo's corpus and the example
codebooks) ship inside the package as ``coder.seeds`` and ``coder.codebooks``, so that
``coder demo`` works from any directory after ``pip install``. pyproject.toml can map a folder
to a package name (``[tool.setuptools.package-dir]``) but cannot add such mapped packages to the
ones it discovers, so the list of packages is computed here.
"""

from setuptools import find_namespace_packages, setup

#: Data folders outside coder/ that ship as packages of their own.
DATA_PACKAGES = ["coder.seeds", "coder.codebooks"]

setup(packages=[*find_namespace_packages(include=["coder*"]), *DATA_PACKAGES])
