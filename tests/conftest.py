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
