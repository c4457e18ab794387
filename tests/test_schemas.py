"""The shipped JSON Schemas are current, and every bundled YAML file points at the right one."""
import json
import re

import pytest

from lexgap.engine import schemas

from .conftest import ROOT

PACKAGE = ROOT / "lexgap"
EXPECTED_SCHEMA = {
    "pack.yaml": "pack", "concepts.yaml": "concepts", "consistency.yaml": "consistency",
    "packages.yaml": "packages", "modalities.yaml": "modalities", "report.yaml": "report",
}


def expected_schema(path):
    if path.parent.name == "tests":
        return "golden"
    if path.parent.name == "migrations":
        return "migration"
    if path.parent.name == "bills":
        return "bill"
    if path.name in EXPECTED_SCHEMA:
        return EXPECTED_SCHEMA[path.name]
    if path.parent.name == "paragraphs":
        return "paragraph"
    if path.parent.name == "questionnaires":
        return "questionnaire"
    if "examples" in path.parts:
        return "answers"
    raise AssertionError(f"no schema expected for {path}")


@pytest.mark.parametrize("name", sorted(schemas.MODELS))
def test_shipped_schema_matches_the_models(name):
    shipped = (schemas.SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    assert shipped == schemas.dumps(schemas.generate(name)), (
        f"lexgap/schemas/{name}.schema.json is stale: run python3 -c 'from lexgap.engine import schemas; "
        "schemas.write_all()'")


def bundled_yaml():
    """The data files a user or knowledge engineer edits (the report's wording under templates/ is not one)."""
    return [p for p in sorted(PACKAGE.rglob("*.yaml")) if "templates" not in p.relative_to(PACKAGE).parts]


@pytest.mark.parametrize("path", bundled_yaml(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_bundled_yaml_file_names_its_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{path} must start with a yaml-language-server $schema line"
    target = (path.parent / match.group(1)).resolve()
    assert target == (schemas.SCHEMA_DIR / f"{expected_schema(path)}.schema.json").resolve()
    assert json.loads(target.read_text(encoding="utf-8"))["title"]
