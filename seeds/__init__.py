"""The demo's seed corpus, installed with coder as the package ``coder.seeds`` (see README.md).

This folder holds data only; ``setup.py`` maps it into the package so that ``coder demo`` finds
it with :mod:`importlib.resources` from any directory after ``pip install``.
"""
