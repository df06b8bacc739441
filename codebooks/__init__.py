"""The example codebooks, installed with coder as the package ``coder.codebooks`` (README.md).

This folder holds data only; ``setup.py`` maps it into the package so that ``coder demo`` finds
the demo's codebook with :mod:`importlib.resources` from any directory after ``pip install``.
"""
