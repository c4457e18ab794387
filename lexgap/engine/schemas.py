"""JSON Schemas for every file lexgap reads or writes, generated from the models.

The shipped copies live in lexgap/schemas/ and are referenced from each bundled YAML file by a
`# yaml-language-server: $schema=...` line, so editors can complete and check them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from . import models
from .assessment import Assessment
from ..whatif import BillFile
from .golden import GoldenFile
from .migrate import Migration

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

MODELS: dict[str, type[BaseModel]] = {
    "pack": models.Pack,
    "paragraph": models.Paragraph,
    "concepts": models.ConceptFile,
    "consistency": models.ConsistencyFile,
    "packages": models.PackageFile,
    "report": models.ReportFile,
    "modalities": models.ModalityFile,
    "questionnaire": models.Questionnaire,
    "answers": models.AnswersFile,
    "golden": GoldenFile,
    "assessment": Assessment,
    "migration": Migration,
    "bill": BillFile,
}


def generate(name: str) -> dict[str, Any]:
    """The JSON Schema for one kind of file (draft 2020-12)."""
    model = MODELS[name]
    schema = model.model_json_schema(mode="serialization" if name == "assessment" else "validation")
    if name == "answers":
        # An answer may also be written as its bare value: `offences.possession: "yes"`.
        answer_ref = schema["properties"]["answers"]["additionalProperties"]
        value = schema["$defs"]["Answer"]["properties"]["value"]
        schema["properties"]["answers"]["additionalProperties"] = {"anyOf": [answer_ref, value]}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://lexgap.invalid/schemas/{name}.schema.json"
    return schema


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_all(folder: Path = SCHEMA_DIR) -> list[Path]:
    """Regenerate the shipped schemas (run by the maintainers after changing a model)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name in MODELS:
        path = folder / f"{name}.schema.json"
        path.write_text(dumps(generate(name)), encoding="utf-8")
        out.append(path)
    return out
