"""lexgap: legislative gap analysis against GA resolution 74/174 on child sexual exploitation and sexual
abuse online.

    >>> import lexgap
    >>> assessment = lexgap.assess("answers.yaml")
    >>> assessment.summary.legal_score

The names below are imported on first use, so that `import lexgap` (and `lexgap --help`) stays fast.
"""
from __future__ import annotations

from typing import Any

__all__ = ["assess", "Session", "load_answers", "load_knowledge", "Assessment", "LexgapError"]

_LAZY = {
    "assess": ("lexgap.api", "assess"),
    "Session": ("lexgap.api", "Session"),
    "load_answers": ("lexgap.engine.answers", "load_answers"),
    "load_knowledge": ("lexgap.engine.knowledge", "load_knowledge"),
    "Assessment": ("lexgap.engine.assessment", "Assessment"),
    "LexgapError": ("lexgap.errors", "LexgapError"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'lexgap' has no attribute {name!r}")
