"""Loading a rule pack and its questionnaire, with every cross-reference checked.

A pack folder holds pack.yaml, concepts.yaml, consistency.yaml, packages.yaml and paragraphs/Pnn.yaml,
and optionally report.yaml (short paragraph titles and the follow-up of each kind of reform).
Its questionnaire is lexgap/questionnaires/<id>.yaml (or questionnaire.yaml inside the pack folder).
All problems found are reported together, each with its file, line and column; the cross-reference
checks are in packcheck.py.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputError, LexgapError, PackError, Problem
from . import diskcache
from .elements import element_id
from .models import (Concept, ConceptFile, ConceptStatements, ConsistencyFile, Criterion, Element, ModalityDef,
                     ModalityFile, Pack, PackageFile, Paragraph, Questionnaire, ReportFile)
from .packcheck import Logic, Sources, check_pack, party_id
from .validation import validate
from .yamlio import Document, load

PACKAGE_DIR = Path(__file__).resolve().parent.parent
RULES_DIR = PACKAGE_DIR / "rules"
QUESTIONNAIRES_DIR = PACKAGE_DIR / "questionnaires"
DEFAULT_PACK = "res-74-174"


@dataclass
class KnowledgeBase(Logic):
    """A validated rule pack with its questionnaire: what the engine compiles and the reports cite."""

    root: Path
    pack: Pack
    paragraphs: list[Paragraph]
    questionnaire: Questionnaire
    concepts: dict[str, Any]
    consistency: list[Any]
    packages: list[Any]
    content_hash: str
    questionnaire_path: Path | None = None
    report: ReportFile = field(default_factory=ReportFile)
    modalities: list[ModalityDef] = field(default_factory=list)

    # The pack never changes once loaded, so these lookups are built once.
    @cached_property
    def criteria(self) -> dict[str, Criterion]:
        return {c.id: c for p in self.paragraphs for c in p.criteria}

    @cached_property
    def elements(self) -> dict[str, Element]:
        """Every element by its full id ('P01.05.possession'), in pack order."""
        return {element_id(c.id, e.id): e for p in self.paragraphs for c in p.criteria for e in c.elements}

    @cached_property
    def questions(self) -> dict[str, Any]:
        return {q.id: q for q in self.questionnaire.questions}

    @cached_property
    def modality_labels(self) -> dict[str, str]:
        return {m.id: m.label for m in self.modalities}

    @cached_property
    def instruments(self) -> dict[str, Any]:
        return {i.id: i for i in self.pack.instruments}

    @cached_property
    def _paragraph_by_criterion(self) -> dict[str, Paragraph]:
        return {c.id: p for p in self.paragraphs for c in p.criteria}

    def paragraph_of(self, criterion_id: str) -> Paragraph:
        return self._paragraph_by_criterion[criterion_id]


def resolve_pack_dir(pack: str | Path | None) -> Path:
    """A pack given as None (the bundled default), a bundled pack id, or a folder path."""
    if pack is None:
        return RULES_DIR / DEFAULT_PACK
    candidate = Path(pack)
    if candidate.is_dir():
        return candidate
    bundled = RULES_DIR / str(pack)
    if bundled.is_dir():
        return bundled
    available = sorted(p.name for p in RULES_DIR.iterdir() if (p / "pack.yaml").exists())
    raise PackError(Problem(str(pack), "no rule pack folder or bundled pack by this name",
                            f"give a folder that holds pack.yaml, or one of: {', '.join(available)}"))


def load_knowledge(pack: str | Path | None = None, draft: bool = False,
                   questionnaire: str | Path | None = None) -> KnowledgeBase:
    """Load and check a rule pack (default: the bundled pack for resolution 74/174).

    `draft` skips the completeness checks (every paragraph present, every question read) so that a pack
    can be checked while it is being written. `questionnaire` is the questionnaire file to use instead of
    the one found by questionnaire_path (KnowledgeBase.questionnaire_path says which was read).
    """
    return _load_cached(resolve_pack_dir(pack), draft, None if questionnaire is None else Path(questionnaire))


def questionnaire_path(root: Path, pack_questionnaire: str) -> Path:
    """The questionnaire of a pack folder: its questionnaire.yaml, else the installed questionnaire named in
    its pack.yaml (lexgap/questionnaires/<id>.yaml)."""
    inside = root / "questionnaire.yaml"
    return inside if inside.exists() else QUESTIONNAIRES_DIR / f"{pack_questionnaire}.yaml"


@lru_cache(maxsize=8)
def _load_cached(root: Path, draft: bool, questionnaire: Path | None) -> KnowledgeBase:
    """The checked pack, from the on-disk cache when nothing it was made from has changed (diskcache.py)."""
    entry = diskcache.entry(f"pack-{_pack_key(root, draft, questionnaire)}.pickle")
    kb = diskcache.load_pickle(entry)
    if isinstance(kb, KnowledgeBase):
        return kb
    kb = _Loader(root, draft, questionnaire).run()
    diskcache.store_pickle(entry, kb)
    return kb


def _pack_key(root: Path, draft: bool, questionnaire: Path | None) -> str:
    """Names and bytes of every file a load of this pack could read (a few more do no harm)."""
    files = sorted(root.glob("*.yaml")) + sorted((root / "paragraphs").glob("*.yaml"))
    files += sorted(QUESTIONNAIRES_DIR.glob("*.yaml")) + ([questionnaire] if questionnaire else [])
    return diskcache.files_digest(str(root), str(draft), str(questionnaire), files=files)


class _Loader:
    def __init__(self, root: Path, draft: bool, questionnaire: Path | None = None):
        self.root = root
        self.draft = draft
        self.questionnaire = questionnaire
        self.problems: list[Problem] = []
        self.docs: dict[str, Document] = {}
        self.digest = hashlib.sha256()

    def doc(self, path: Path, required: bool = True) -> Document | None:
        if not path.exists():
            if required:
                self.problems.append(Problem(str(path), "this file of the rule pack is missing",
                                             "restore it, or check that the folder is a complete rule pack"))
            return None
        try:
            doc = load(path)
        except InputError as exc:
            self.problems.extend(exc.problems)
            return None
        base = path.parents[1] if path.parent.name == "paragraphs" else path.parent
        self.digest.update(str(path.relative_to(base)).encode())
        self.digest.update(path.read_bytes())
        self.docs[str(path)] = doc
        return doc

    def model(self, path: Path, model: type, required: bool = True) -> tuple[Any, Document | None]:
        doc = self.doc(path, required)
        if doc is None:
            return None, None
        value, problems = validate(doc, model)
        self.problems.extend(problems)
        return value, doc

    def run(self) -> KnowledgeBase:
        pack, pack_doc = self.model(self.root / "pack.yaml", Pack)
        if pack is None:
            raise PackError(self.problems)
        paragraphs: list[tuple[Paragraph, Document]] = []
        files = sorted((self.root / "paragraphs").glob("*.yaml"))
        if not files:
            self.problems.append(Problem(str(self.root / "paragraphs"), "the rule pack has no paragraph files",
                                         "add one YAML file per operative paragraph"))
        for path in files:
            para, doc = self.model(path, Paragraph)
            if para is not None and doc is not None:
                paragraphs.append((para, doc))
        concepts, concepts_doc = self.model(self.root / "concepts.yaml", ConceptFile)
        consistency, consistency_doc = self.model(self.root / "consistency.yaml", ConsistencyFile)
        packages, packages_doc = self.model(self.root / "packages.yaml", PackageFile)
        report, report_doc = self.model(self.root / "report.yaml", ReportFile, required=False)
        modalities, modalities_doc = self.model(self.root / "modalities.yaml", ModalityFile)
        q_path = self.questionnaire or questionnaire_path(self.root, pack.questionnaire)
        questionnaire, q_doc = self.model(q_path, Questionnaire)
        if self.problems:
            raise PackError(self.problems)
        assert (pack_doc is not None and concepts_doc is not None and consistency_doc is not None
                and packages_doc is not None and modalities_doc is not None and q_doc is not None)  # all loaded
        paragraphs.sort(key=lambda pd: pd[0].paragraph)
        all_concepts: list[tuple[Concept, Document, tuple[Any, ...]]] = [
            (c, concepts_doc, ("concepts", i)) for i, c in enumerate(concepts.concepts)]
        for para, doc in paragraphs:
            all_concepts += [(c, doc, ("concepts", i)) for i, c in enumerate(para.concepts)]
        all_concepts += [(party_concept(inst), pack_doc, ("instruments", i, "party_when"))
                         for i, inst in enumerate(pack.instruments) if inst.party_when]
        kb = KnowledgeBase(
            root=self.root, pack=pack, paragraphs=[p for p, _ in paragraphs], questionnaire=questionnaire,
            concepts={c.id: c for c, _, _ in all_concepts}, consistency=list(consistency.rules),
            packages=list(packages.packages), content_hash=self.digest.hexdigest()[:16], questionnaire_path=q_path,
            modalities=list(modalities.modalities), report=report or ReportFile(),
        )
        self.check_report(kb, report_doc)
        sources = Sources(pack_doc, paragraphs, all_concepts, consistency_doc, packages_doc, q_doc, modalities_doc)
        problems, logic = check_pack(kb, sources, self.draft)
        if problems or self.problems:
            raise PackError(self.problems + problems)
        return replace(kb, **vars(logic))

    def check_report(self, kb: KnowledgeBase, doc: Document | None) -> None:
        """report.yaml names only paragraphs, packages and criteria of this pack."""
        known = {"short_titles": {p.paragraph for p in kb.paragraphs}, "packages": {p.id for p in kb.packages},
                 "criteria": set(kb.criteria)}
        for key, ids in known.items():
            for ref in getattr(kb.report, key):
                if ref not in ids:
                    self.problems.append(Problem(str(self.root / "report.yaml"), f"{key}: {ref} is not in this pack",
                                                 "remove it, or correct it to one the pack defines"))


def party_concept(instrument: Any) -> Concept:
    """The concept 'the State is party to X', made from an instrument's party_when condition."""
    return Concept(
        id=party_id(instrument.id),
        title=f"The State is bound by the {instrument.short_title}",
        when=instrument.party_when,
        statements=ConceptStatements(holds=f"The State is bound by the {instrument.short_title}.",
                                     fails=f"The State is not bound by the {instrument.short_title}."),
    )


@lru_cache(maxsize=8)
def pack_modalities(pack: str) -> tuple[ModalityDef, ...]:
    """The modalities of a pack named in an Assessment (its id), read from its modalities.yaml alone, for the
    renderers, which never load the whole pack; empty when the pack or the file cannot be found or read."""
    try:
        path = resolve_pack_dir(pack) / "modalities.yaml"
        data, problems = validate(load(path), ModalityFile)
    except (LexgapError, OSError):
        return ()
    return () if problems or data is None else tuple(data.modalities)
