"""Test set-up for question_bank: import paths and shared fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The repository root first on sys.path, so ``import question_bank`` finds the
# package even when the editable install predates question_bank/__init__.py;
# and this folder, for the ``qb_builders`` helpers (any pytest import mode).
HERE = Path(__file__).resolve().parent
for path in (HERE.parents[1], HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


@pytest.fixture
def sample_xls() -> bytes:
    """A small .xls made with xlwt (see data/make_sample_xls.py)."""
    return (HERE / "data" / "sample.xls").read_bytes()
