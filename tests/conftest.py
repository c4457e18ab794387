from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "lexgap" / "questionnaires" / "examples"


@pytest.fixture(scope="session")
def kb():
    from lexgap.engine.knowledge import load_knowledge

    return load_knowledge()


def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml")) + sorted((EXAMPLES / "region").glob("*.yaml"))


def pytest_collection_modifyitems(config, items):
    """The long fuzz run (tests/test_fuzz.py) runs only when a -m expression names it: pytest -m fuzz."""
    if "fuzz" in (config.getoption("markexpr") or ""):
        return
    kept = [item for item in items if item.get_closest_marker("fuzz") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
