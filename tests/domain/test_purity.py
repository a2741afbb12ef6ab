"""The domain rules import no framework, so they stay easy to read and test."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_domain_modules_import_neither_flask_nor_sqlalchemy():
    """Every module of the domain, found by listing the folder (tests/test_boundaries.py reads
    their imports; this loads them, so an import hidden behind a helper shows too)."""
    # Importing `contest.domain` the usual way runs contest/__init__.py, which imports Flask;
    # so a stub package stands in for `contest` and only the domain modules are loaded.
    script = """
import importlib.util, pathlib, sys, types
pkg = types.ModuleType('contest'); pkg.__path__ = ['contest']; sys.modules['contest'] = pkg
names = sorted(p.stem for p in pathlib.Path('contest/domain').glob('*.py') if p.stem != '__init__')
assert len(names) >= 8, names
for name in names:
    __import__('contest.domain.' + name)
bad = [m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy') if m in sys.modules]
print(bad)
sys.exit(1 if bad else 0)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
