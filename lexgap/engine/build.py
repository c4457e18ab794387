"""From the facts CLIPS derived to an Assessment: explanations, scores, recommendations, crosswalks."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from importlib.metadata import PackageNotFoundError, version

from . import conditions as cond, diskcache
from .answers import Answers, answer_display
from .assessment import (STATUS_LABELS, AnswerRecord, Assessment, AssessmentWarning, ConceptResult,
                         Crosswalk, ElementResult, Explanation, Finding, IcmecCriterion, IcmecVerdict, InformationGap,
                         LimitationResult, MnrCapability, PackInfo, QuestionRef, is_gap_status)
from .clips_runtime import RawResult
from .compile import compiled
from .knowledge import KnowledgeBase
from .articles import criterion_basis, element_basis, element_obligation
from .elements import element_id
from .models import Criterion, Element
from .recommend import recommendations
from .relevance import applicable
from .scoring import paragraph_result, summarise



@lru_cache(maxsize=1)
def lexgap_version() -> str:
    try:
        return version("lexgap")
    except PackageNotFoundError:
        return "0+unknown"


def visible_values(kb: KnowledgeBase, answers: Answers) -> tuple[dict[str, object], list[AssessmentWarning]]:
    """The answers the engine evaluates, and warnings about the answers themselves.

    An answer to a question whose show_if condition is false contradicts the answer that hides it; it is
    set aside (not evaluated) and reported, never silently dropped.
    """
    kept, hidden = applicable(kb, answers.values)
    questions = kb.questions
    warnings = []
    for qid, controlling in sorted(hidden.items()):
        q = questions[qid]
        numbers = ", ".join(questions[c].number for c in controlling)
        warnings.append(AssessmentWarning(
            id=f"I-{q.number}", kind="input", title=f"Answer to question {q.number} set aside",
            message=f"Question {q.number} is answered, but given the answer to question {numbers} it does "
                    "not apply, so its answer was not used.",
            advice=f"Check the answers to questions {numbers} and {q.number}; correct whichever is wrong.",
            questions=sorted([qid] + controlling)))
    if answers.migration is not None:
        m = answers.migration
        warnings.append(AssessmentWarning(
            id="I-MIGRATED", kind="input", title=f"Answers written for pack {m.from_version}, carried over",
            message=f"This answers file was written for version {m.from_version} of the rule pack and was carried "
                    f"over to version {m.to_version} for this run: {len(m.mapped)} answer(s) mapped to the new "
                    f"questions, {len(m.kept_as_notes)} kept as notes on the nearest question.",
            advice=f"Run 'lexgap migrate {Path(answers.file).name} -o NEW.yaml' to save the carried-over file, then "
                   "review the notes it lists and answer the new questions.",
            questions=[]))
    uncited = [questions[qid] for qid, answer in answers.data.answers.items()
               if qid in kept and questions[qid].citation == "required" and answer.value != "no"
               and not answer.citation]
    if uncited:
        uncited.sort(key=lambda q: [int(p) if p.isdigit() else p for p in q.number.split(".")])
        numbers = ", ".join(q.number for q in uncited)
        warnings.append(AssessmentWarning(
            id="I-CITATIONS", kind="input", title="Answers on the law without a cited provision",
            message=f"{len(uncited)} answer(s) about the law cite no national provision: question(s) {numbers}.",
            advice="Add the title of the law, the article and its date to each, so the findings can be verified.",
            questions=sorted(q.id for q in uncited)))
    return kept, warnings


class _Builder:
    def __init__(self, kb: KnowledgeBase, answers: Answers, values: dict[str, object], raw: RawResult):
        self.kb = kb
        self.answers = answers
        self.values = values
        self.raw = raw
        self.questions = kb.questions
        self.criteria = kb.criteria
        statuses = {cid: status for cid, (status, _) in raw.findings.items()}
        self.facts = cond.Facts(values, dict(raw.concepts), statuses)
        self.section_titles = {s.id: s.title for s in kb.questionnaire.sections}
        self.records = {qid: self.record(qid) for qid in answers.data.answers}
        self.settle_cache: dict[str, list[str]] = {}
        self.rule_support = rule_support(kb)
        self.element_questions: dict[str, list[str]] = {}
        self._qrefs: dict[str, QuestionRef] = {}
        self._concepts: dict[str, ConceptResult] = {}

    def record(self, qid: str) -> AnswerRecord:
        q = self.questions[qid]
        a = self.answers.data.answers[qid]
        return AnswerRecord(question=qid, number=q.number, text=q.text, section=q.section,
                            section_title=self.section_titles[q.section], value=a.value,
                            display=answer_display(q, a), citation=a.citation, note=a.note, source=a.source,
                            method=a.method, as_of=a.as_of)

    def qref(self, qid: str) -> QuestionRef:
        """The reference to a question; one object per question and assessment, as answer records are."""
        ref = self._qrefs.get(qid)
        if ref is None:
            q = self.questions[qid]
            ref = self._qrefs[qid] = QuestionRef(id=qid, number=q.number, text=q.text)
        return ref

    def concept_result(self, cid: str) -> ConceptResult:
        """A concept's outcome; one object per concept and assessment."""
        result = self._concepts.get(cid)
        if result is None:
            concept = self.kb.concepts[cid]
            value = self.raw.concepts.get(cid)
            statement = None if value is None else (concept.statements.holds if value else concept.statements.fails)
            result = self._concepts[cid] = ConceptResult(id=cid, title=concept.title, value=value,
                                                         statement=statement)
        return result

    def support(self, rule: str | None) -> tuple[list[str], list[str], list[str]]:
        """Questions, concepts and findings a derivation rests on, following concepts down to answers."""
        if rule is None:
            return [], [], []
        questions, concepts, findings = self.rule_support.get(rule, ([], [], []))
        questions, concepts = list(questions), list(concepts)
        frontier = list(concepts)
        while frontier:
            qs, cs, _ = self.rule_support.get(self.raw.concept_rules.get(frontier.pop(), ""), ([], [], []))
            questions += [q for q in qs if q not in questions]
            for c in cs:
                if c not in concepts:
                    concepts.append(c)
                    frontier.append(c)
        return questions, concepts, list(findings)

    def settle_element(self, eid: str) -> list[str]:
        """Questions whose answers would decide an unknown element."""
        logic = self.kb.element_logic[eid]
        out: list[str] = []
        for node in (logic.applies, logic.met, logic.partial):
            if node is not None and cond.evaluate(node, self.facts) is None:
                for atom in cond.deciding_atoms(node, self.facts):
                    self._unknown_leaves(atom, out)
        return out

    def settle(self, cid: str) -> list[str]:
        """Questions whose answers would decide an unknown criterion."""
        if cid in self.settle_cache:
            return self.settle_cache[cid]
        crit = self.criteria[cid]
        out: list[str] = []
        logic = self.kb.logic[cid]
        if logic.applies is not None and cond.evaluate(logic.applies, self.facts) is None:
            for atom in cond.deciding_atoms(logic.applies, self.facts):
                self._unknown_leaves(atom, out)
        for el in crit.elements:
            eid = element_id(cid, el.id)
            if self.raw.elements.get(eid, ("unknown",))[0] == "unknown":
                out += [q for q in self.settle_element(eid) if q not in out]
        if crit.derived_from:
            for other in crit.derived_from.criteria:
                if self.facts.statuses.get(other) == "unknown":
                    out += [q for q in self.settle(other) if q not in out]
        self.settle_cache[cid] = out
        return out

    def could_be_met(self, cid: str) -> list[str]:
        """For a partially met criterion on incomplete answers: the questions that could show it fully met
        (a partial rating on incomplete answers is a floor, not a finding of a gap). None when an element
        is already shown to be missing."""
        crit = self.criteria[cid]
        out: list[str] = []
        for el in crit.elements:
            eid = element_id(cid, el.id)
            status = self.raw.elements.get(eid, ("unknown",))[0]
            logic = self.kb.element_logic[eid]
            met_known = cond.evaluate(logic.met, self.facts) if logic.met is not None else None
            if status == "not_met" or (status == "partial" and met_known is False):
                return []
            if status == "partial" and logic.met is not None:
                for atom in cond.deciding_atoms(logic.met, self.facts):
                    self._unknown_leaves(atom, out)
            elif status == "unknown":
                out += [q for q in self.settle_element(eid) if q not in out]
        return out

    def _unknown_leaves(self, atom: cond.Atom, out: list[str]) -> None:
        if isinstance(atom, cond.ConceptRef):
            node = self.kb.concept_logic[atom.concept]
            for inner in cond.deciding_atoms(node, self.facts):
                self._unknown_leaves(inner, out)
        elif isinstance(atom, cond.Status):
            out += [q for q in self.settle(atom.criterion) if q not in out]
        elif atom.question not in out and atom.question not in self.values:
            out.append(atom.question)

    def element(self, cid: str, el: Element) -> ElementResult:
        eid = element_id(cid, el.id)
        status, rule = self.raw.elements.get(eid, ("unknown", f"{eid}-undecided"))
        binding, under = self.raw.element_binding.get(eid, ("recommended", []))
        questions, _, _ = self.support(rule)
        self.element_questions[eid] = questions
        statement = {"met": el.statements.met, "partial": el.statements.partial or el.statements.not_met,
                     "not_met": el.statements.not_met}.get(status, "")
        citations: list[str] = []
        for q in questions:
            record = self.records.get(q)
            if record is not None and record.citation and record.citation not in citations:
                citations.append(record.citation)
        basis = element_basis(self.kb, eid)
        return ElementResult(
            id=eid, requirement=el.requirement, status=status, binding=binding, binding_instruments=under,
            obligation=element_obligation(self.kb, eid, binding, tuple(under)), statement=statement, basis=basis,
            citations=citations, answers=[self.questions[q].number for q in questions if q in self.records],
            settle=[self.qref(q) for q in self.settle_element(eid)] if status == "unknown" else [])

    def finding(self, crit: Criterion, paragraph: int) -> Finding:
        status, rule = self.raw.findings.get(crit.id, ("unknown", None))
        binding = self.raw.binding.get(crit.id, "recommended")
        elements = [self.element(crit.id, el) for el in crit.elements]
        relevant = [e for e in elements if is_gap_status(e.status)] if is_gap_status(status) else elements
        parties = sorted({i for e in relevant for i in e.binding_instruments})
        questions: list[str] = []
        for el in crit.elements:
            for q in self.element_questions[element_id(crit.id, el.id)]:
                if q not in questions:
                    questions.append(q)
        _, concepts, inputs = self.support(rule)
        settle = (self.settle(crit.id) if status == "unknown"
                  else self.could_be_met(crit.id) if status == "partial" else [])
        statement = self.statement(crit, status, elements)
        limitations = self.limitations(crit)
        sentence = self.sentence(status, statement, settle, limitations)
        if crit.derived_from:
            inputs = list(crit.derived_from.criteria)
            if status != "not_applicable":
                parts = ", ".join(f"{c} ({STATUS_LABELS[self.facts.statuses.get(c, 'unknown')].lower()})"
                                  for c in crit.derived_from.criteria)
                statement = self.kb.pack.phrases.derived.format(inputs=parts)
                sentence = statement
        basis = criterion_basis(self.kb, crit.id)
        scored = crit.derived_from is None
        scale: dict[str, float] = {str(k): v for k, v in self.kb.pack.scoring.points.items()}
        points = scale.get(status) if scored and status in ("met", "partial", "not_met") else None
        return Finding(
            criterion=crit.id, paragraph=paragraph, title=crit.title, kind=crit.kind, weight=crit.weight,
            status=status, binding=binding, binding_instruments=parties, statement=statement,
            explanation=Explanation(rule=rule or f"{crit.id}-undecided", sentence=sentence,
                                    answers=[self.records[q] for q in questions if q in self.records],
                                    concepts=[self.concept_result(c) for c in concepts], inputs=inputs,
                                    settle=[self.qref(q) for q in settle]),
            basis=basis, elements=elements, limitations=limitations, scored=scored, points=points,
            icmec=sorted({ref for el in crit.elements for ref in el.icmec} | set(crit.tags.icmec)),
            mnr=list(crit.tags.mnr))

    def statement(self, crit: Criterion, status: str, elements: list[ElementResult]) -> str:
        """What the law does, element by element: only sentences true of the answers."""
        if status == "not_applicable":
            return crit.statements.not_applicable or ""
        parts = [e.statement for e in elements if e.statement]
        phrase = self.kb.pack.phrases.not_yet_known
        parts += [phrase.format(requirement=e.requirement) for e in elements if e.status == "unknown"]
        return " ".join(parts)

    def limitations(self, crit: Criterion) -> list[LimitationResult]:
        out = []
        for lim, node in zip(crit.limitations, self.kb.limitation_logic.get(crit.id, [])):
            if node is not None and cond.evaluate(node, self.facts) is False:
                names = ", ".join(f"{c} ({self.criteria[c].title})" for c in lim.criteria)
                out.append(LimitationResult(criteria=list(lim.criteria), text=self.kb.pack.phrases.limited_by.format(
                    criteria=names, reason=lim.reason)))
        return out

    def sentence(self, status: str, statement: str, settle: list[str],
                 limitations: list[LimitationResult]) -> str:
        text = statement
        if status == "unknown" and settle:
            numbers = ", ".join(self.questions[q].number for q in settle)
            text += f" Answering question(s) {numbers} would settle it."
        elif status == "unknown":
            text += " Not enough information to decide this criterion."
        if status == "partial" and settle:
            numbers = ", ".join(self.questions[q].number for q in settle)
            text += (f" This rating rests on incomplete answers: answering question(s) {numbers} could show "
                     "that the criterion is fully met.")
        for lim in limitations:
            text += " " + lim.text
        return text.strip()

    def warnings(self, extra: list[AssessmentWarning]) -> list[AssessmentWarning]:
        out = list(extra)
        rules = {r.id: r for r in self.kb.consistency}
        for wid in self.raw.warnings:
            rule = rules[wid]
            node = self.kb.warning_logic[wid]
            out.append(AssessmentWarning(id=wid, kind=rule.kind, title=rule.title, message=rule.message,
                                         advice=rule.advice, criteria=sorted(cond.criteria(node)),
                                         questions=sorted(cond.questions(node))))
        return sorted(out, key=lambda w: (w.kind != "contradiction", w.kind != "risk", w.id))

    def information_gaps(self, findings: list[Finding]) -> list[InformationGap]:
        by_key: dict[tuple[int, str], list[str]] = {}
        for f in findings:
            for q in f.explanation.settle:
                by_key.setdefault((f.paragraph, q.id), []).append(f.criterion)
        order = {q.id: i for i, q in enumerate(self.kb.questionnaire.questions)}
        return [InformationGap(paragraph=p, question=self.qref(q), criteria=sorted(cs))
                for (p, q), cs in sorted(by_key.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))]

    def crosswalk(self, findings: list[Finding]) -> Crosswalk:
        icmec_inst = self.kb.instruments.get("ICMEC")
        mnr_inst = self.kb.instruments.get("MNR")
        items = []
        for ref in ("C1", "C2", "C3", "C4", "C5"):
            # ICMEC's criteria as ICMEC words them: read from the elements that answer each, not whole criteria
            tagged = [(f, e) for f in findings for e in f.elements if ref in self.kb.elements[e.id].icmec]
            title = next((a.topic for a in icmec_inst.articles if a.ref == ref), ref) if icmec_inst else ref
            items.append(IcmecCriterion(id=ref, title=title, status=combine([e.status for _, e in tagged]),
                                        criteria=list(dict.fromkeys(f.criterion for f, _ in tagged))))
        core = [i.status for i in items[:4]]
        if all(s == "met" for s in core):
            sufficient: bool | None = True
            verdict = ("Sufficient legislation in ICMEC's terms: the first four criteria are met"
                       + (", and so is the duty on providers to report." if items[4].status == "met" else
                          "; only the duty on providers to report is not met."))
        elif any(is_gap_status(s) for s in core):
            sufficient = False
            missing = ", ".join(f"{i.id} ({i.title})" for i in items[:4] if is_gap_status(i.status))
            verdict = f"Not sufficient legislation in ICMEC's terms: not fully met: {missing}."
        else:
            sufficient = None
            verdict = "ICMEC's verdict cannot be given yet: some of its first four criteria are unknown."
        capabilities = []
        for art in (mnr_inst.articles if mnr_inst else []):
            number = int(art.ref)
            with_capability = [f for f in findings if number in f.mnr]
            capabilities.append(MnrCapability(number=number, name=art.topic[:1].upper() + art.topic[1:],
                                              group=art.group or "",
                                              status=combine([f.status for f in with_capability]),
                                              criteria=[f.criterion for f in with_capability]))
        return Crosswalk(icmec=IcmecVerdict(criteria=items, sufficient=sufficient, verdict=verdict),
                         mnr=capabilities)


def combine(statuses: list[str]) -> str:
    """One status for a group of criteria: met only if all are; unknown if nothing is decided."""
    considered = [s for s in statuses if s != "not_applicable"]
    if not considered:
        return "not_applicable" if statuses else "unknown"
    if all(s == "met" for s in considered):
        return "met"
    if any(s in ("met", "partial") for s in considered):
        return "partial"
    if all(s == "not_met" for s in considered):
        return "not_met"
    return "unknown"


_SUPPORT: dict[str, dict] = {}


def rule_support(kb: KnowledgeBase) -> dict:
    """What each compiled rule rests on (compile.py), from the on-disk cache when the pack and lexgap are
    unchanged: a process whose CLIPS image is cached need not compile the pack at all."""
    if kb.content_hash not in _SUPPORT:
        entry = diskcache.entry(f"support-{diskcache.files_digest(kb.content_hash)}.pickle")
        support = diskcache.load_pickle(entry)
        if not isinstance(support, dict):
            support = compiled(kb).support
            diskcache.store_pickle(entry, support)
        _SUPPORT[kb.content_hash] = support
    return _SUPPORT[kb.content_hash]


def build_assessment(kb: KnowledgeBase, answers: Answers, values: dict[str, object], raw: RawResult,
                     input_warnings: list[AssessmentWarning]) -> Assessment:
    b = _Builder(kb, answers, values, raw)
    findings = [b.finding(c, p.paragraph) for p in kb.paragraphs for c in p.criteria]
    by_id = {f.criterion: f for f in findings}
    paragraphs = [paragraph_result(kb, p, [by_id[c.id] for c in p.criteria]) for p in kb.paragraphs]
    order = {q.id: i for i, q in enumerate(kb.questionnaire.questions)}
    return report_details(kb, Assessment(
        lexgap_version=lexgap_version(),
        pack=PackInfo(id=kb.pack.id, version=kb.pack.version, title=kb.pack.title,
                      resolution=kb.pack.resolution.symbol, content_hash=kb.content_hash,
                      scoring=kb.pack.scoring),
        state=answers.data.state,
        assessment=answers.data.assessment,
        answers_digest=answers.digest(),
        summary=summarise(kb, paragraphs, findings),
        paragraphs=paragraphs,
        findings=findings,
        recommendations=recommendations(kb, findings, raw),
        warnings=b.warnings(input_warnings),
        information_gaps=b.information_gaps(findings),
        concepts=[b.concept_result(c) for c in sorted(kb.concepts)],
        crosswalk=b.crosswalk(findings),
        answers=[b.records[q] for q in sorted(b.records, key=lambda q: order[q])],
    ))


def report_details(kb: KnowledgeBase, a: Assessment) -> Assessment:
    """Add what report.yaml gives: short paragraph titles, and each recommendation's follow-up."""
    info = kb.report
    for p in a.paragraphs:
        p.short_title = info.short_titles.get(p.number)
    for r in a.recommendations:
        follow = (info.packages.get(r.package or "") or (info.criteria.get(r.criteria[0]) if len(r.criteria) == 1
                  else None) or info.modalities.get(r.modality))
        if follow is not None:
            r.lead, r.time_frame, r.indicator = follow.lead, follow.time_frame, follow.indicator
    return a
