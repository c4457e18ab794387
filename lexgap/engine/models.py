"""Typed models of the knowledge base and of answers files: the data contracts of DESIGN.md.

The JSON Schemas shipped in lexgap/schemas/ are generated from these classes (`lexgap schema NAME`).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

CRITERION_ID = r"^P\d{2}\.\d{2}$"
SNAKE_ID = r"^[a-z][a-z0-9_]*$"
QUESTION_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
OPTION_VALUE = r"^[a-z0-9][a-z0-9_]*$"

Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
CriterionId = Annotated[str, StringConstraints(pattern=CRITERION_ID)]
QuestionId = Annotated[str, StringConstraints(pattern=QUESTION_ID)]
ConceptId = Annotated[str, StringConstraints(pattern=SNAKE_ID)]
InstrumentId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9-]*$")]
Condition = Annotated[str, StringConstraints(min_length=1)]
SemVer = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]

Kind = Literal["legislative", "institutional", "treaty", "data"]
Weight = Literal["core", "important", "advisory"]
Priority = Literal["high", "medium", "low"]
PRIORITY_ORDER = {p: i for i, p in enumerate(get_args(Priority))}  # high first: the one home of this order
WEIGHT_ORDER = {w: i for i, w in enumerate(get_args(Weight))}  # core first
Outcome = Literal["met", "partial", "not_met", "unknown", "not_applicable"]
Modality = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]*$")]  # an id from the pack's modalities.yaml


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- pack.yaml --------------------------------------------------------------------------------------

class Article(Strict):
    ref: Text = Field(description="Article reference as the instrument numbers it, e.g. '3(1)(c)' or '20(1)(e)'.")
    topic: Text = Field(description="What the article is about, in a few words.")
    checked: bool = Field(description="True once checked against the official text of the instrument.")
    group: Text | None = Field(None, description="For frameworks: the group an item belongs to.")
    source: Text | None = Field(None, description="Where the text was read: publisher and document reference "
                                "(e.g. 'EUR-Lex, OJ L 335, 17.12.2011, p. 1'), and the address if read online.")


class Instrument(Strict):
    id: InstrumentId = Field(description="Short id used in criteria, e.g. OPSC, LC, BC, UNTOC.")
    title: Text
    short_title: Text
    kind: Literal["treaty", "regional_treaty", "regional_law", "resolution", "soft_law", "model_law", "framework"]
    adopted: Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}-\d{2})?$")]
    citation: Text | None = Field(None, description="Official citation, e.g. the UN Treaty Series reference.")
    official_text: Text | None = Field(None, description="Where the official text is published (depositary or "
                                       "official journal), with its address.")
    party_when: Condition | None = Field(
        None, description="For treaties: the condition under which the assessed State is bound by it.")
    unit: Literal["article", "capability", "recommendation", "criterion"] = Field(
        "article", description="What a numbered reference of this instrument is called in citations.")
    articles: list[Article] = Field(min_length=1)


class Resolution(Strict):
    symbol: Text
    ecosoc_symbol: Text
    title: Text
    adopted: dt.date
    operative_paragraphs: int


class Scoring(Strict):
    weights: dict[Weight, float]
    points: dict[Literal["met", "partial", "not_met"], float]
    levels: dict[Literal["aligned", "partially_aligned"], float] = Field(
        description="Minimum score (0-1) for each level; below partially_aligned a paragraph is 'not aligned'.")
    min_coverage: float = Field(ge=0, le=1, description="Share of criterion weight that must be decided "
                                "before a paragraph gets a level other than 'insufficient information'.")
    engagement_levels: dict[Literal["leading", "active", "limited"], float]


class Phrases(Strict):
    """The pack's connecting phrases, with {placeholders}: lexgap's sentences are assembled from them."""

    required_by: Text = Field(description="Opens a binding element, e.g. 'Required by {articles}'.")
    binding_unknown: Text = Field(description="Opens an element whose binding status is not yet known.")
    recommended: Text = Field(description="Opens a recommended element, with {parts}, e.g. 'Recommended "
                              "({parts})'.")
    not_bound: Text = Field(description="A part: treaty articles that bind only their parties, not this State.")
    good_practice: Text = Field(description="A part: soft law, frameworks and model laws, e.g. 'good practice: "
                                "{articles}'.")
    related: Text = Field(description="A part: treaty articles cited for context that create no duty to meet "
                          "the element.")
    not_yet_known: Text = Field(description="An element not yet decided, e.g. 'Not yet known: {requirement}'.")
    limited_by: Text = Field(description="A limitation line, with {criteria} and {reason}.")
    derived: Text = Field(description="A cross-reference criterion's sentence, with {inputs}.")


class Pack(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: Text
    version: SemVer
    last_reviewed: dt.date
    questionnaire: Text = Field(description="Id of the questionnaire that feeds this pack.")
    resolution: Resolution
    description: Text
    instruments: list[Instrument] = Field(min_length=1)
    scoring: Scoring
    phrases: Phrases


# --- paragraphs/Pnn.yaml ----------------------------------------------------------------------------

class Basis(Strict):
    """An article an element rests on, and whether it obliges a party to the instrument."""

    instrument: InstrumentId
    article: Text = Field(description="Must be one of the instrument's articles in pack.yaml, cited at the level "
                          "that creates the duty (e.g. '3(1)(c)', not '3').")
    binds: bool = Field(False, description="True when this article obliges a party to the instrument to meet the "
                        "element; false when it recommends it, allows it as an option, or is good practice.")
    unless: Condition | None = Field(
        None, description="When this holds (a reservation or declaration the instrument permits, or an option it "
        "leaves open), the article does not bind the State to this element.")
    note: Text | None = None


class ElementStatements(Strict):
    met: Text = Field(description="True of the State's law when the element is met.")
    partial: Text | None = Field(None, description="True of the State's law when the element is met only in part.")
    not_met: Text = Field(description="True of the State's law when the element is missing.")


class Element(Strict):
    """One requirement of a criterion, with its own test, basis, obligation and sentences."""

    id: Annotated[str, StringConstraints(pattern=SNAKE_ID)] = Field(
        description="Unique within its criterion; the full id is '<criterion>.<id>', e.g. P01.04.possession.")
    requirement: Text = Field(description="What the element requires, as a plain sentence.")
    applies_when: Condition | None = None
    met_when: Condition
    partial_when: Condition | None = None
    basis: list[Basis] = Field(min_length=1)
    statements: ElementStatements
    icmec: list[Literal["C1", "C2", "C3", "C4", "C5"]] = Field(
        default_factory=list, description="The ICMEC Global Review criteria this element answers, exactly as "
        "ICMEC words them (pack.yaml, instrument ICMEC): the crosswalk reads elements, not whole criteria.")


class Statements(Strict):
    not_applicable: Text | None = Field(None, description="Shown when the criterion does not apply.")


class Recommendation(Strict):
    modality: Modality
    priority: Priority
    text: Text = Field(description="The action, worded so that it holds whichever of the elements are missing; "
                       "the report lists the missing elements under it.")
    depends_on: list[CriterionId] = Field(
        default_factory=list, description="Criteria whose gaps should be closed first (reform order).")


class Limitation(Strict):
    """A dependency on other criteria, shown as its own line; it never changes the criterion's status."""

    criteria: list[CriterionId] = Field(min_length=1, description="The criteria whose gaps limit this one.")
    unless: Condition = Field(description="When this condition is false, the limitation is shown.")
    reason: Text = Field(description="What the limitation means for this criterion, as a plain clause.")


class Derivation(Strict):
    criteria: list[CriterionId] = Field(min_length=2)
    met: Literal["all"] = "all"
    partial: Literal["any", "none"] = "any"


class Tags(Strict):
    icmec: list[Literal["C1", "C2", "C3", "C4", "C5"]] = Field(default_factory=list)
    mnr: list[Annotated[int, Field(ge=1, le=21)]] = Field(default_factory=list)


class Criterion(Strict):
    """A checkable criterion: its status, binding status and text derive from its elements (docs/rule-pack.md)."""

    id: CriterionId
    title: Text
    kind: Kind
    weight: Weight
    applies_when: Condition | None = None
    elements: list[Element] = Field(default_factory=list)
    derived_from: Derivation | None = Field(
        None, description="A cross-reference criterion decided by others; shown, but not scored again.")
    limitations: list[Limitation] = Field(default_factory=list)
    statements: Statements = Field(default_factory=Statements)
    recommendation: Recommendation
    tags: Tags = Field(default_factory=Tags)


class Paragraph(Strict):
    paragraph: Annotated[int, Field(ge=1)]
    verb: Literal["urges", "also urges", "calls upon", "encourages", "also encourages", "further encourages",
                  "invites", "requests"]
    addressee: Literal["member_states", "states_parties", "unodc", "member_states_and_donors"]
    assessment: Literal["legal", "engagement"] = Field(
        description="'engagement' paragraphs (ratification, resources, fora) are scored apart from the legal gap.")
    title: Text
    summary: Text
    concepts: list["Concept"] = Field(default_factory=list, description="Concepts introduced by this paragraph.")
    criteria: list[Criterion] = Field(min_length=1)


# --- concepts.yaml, consistency.yaml, packages.yaml -------------------------------------------------

class ConceptStatements(Strict):
    holds: Text
    fails: Text


class Concept(Strict):
    id: ConceptId
    title: Text
    when: Condition
    statements: ConceptStatements


class ConceptFile(Strict):
    concepts: list[Concept]


Paragraph.model_rebuild()


class ConsistencyRule(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^W\d{2}$")]
    title: Text
    kind: Literal["contradiction", "risk"]
    when: Condition
    message: Text
    advice: Text


class ConsistencyFile(Strict):
    rules: list[ConsistencyRule]


class Package(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^PKG\.[A-Z0-9_]+$")]
    title: Text
    modality: Modality
    criteria: list[CriterionId] = Field(min_length=2, description="Opened when two or more of these are gaps.")
    text: Text


class PackageFile(Strict):
    packages: list[Package]


# --- report.yaml (optional) ---------------------------------------------------------------------------

class FollowUp(Strict):
    """Who leads a reform, in what indicative time, and what shows it done."""

    lead: Text = Field(description="The lead institution, e.g. 'Ministry of Justice, with Parliament'.")
    time_frame: Text = Field(description="Indicative time frame, e.g. '12-24 months'.")
    indicator: Text = Field(description="The indicator of completion, e.g. 'Amending law in force'.")


class ReportFile(Strict):
    """What reports print beyond the findings: short paragraph titles and the follow-up of each reform."""

    short_titles: dict[Annotated[int, Field(ge=1)], Annotated[str, StringConstraints(
        min_length=1, max_length=32, strip_whitespace=True)]] = Field(
        default_factory=dict, description="A short title per operative paragraph, for tables and headings.")
    modalities: dict[Modality, FollowUp] = Field(default_factory=dict,
                                                  description="Follow-up by kind of recommendation.")
    packages: dict[Annotated[str, StringConstraints(pattern=r"^PKG\.[A-Z0-9_]+$")], FollowUp] = Field(
        default_factory=dict, description="Follow-up of a reform package, where it differs from its kind's.")
    criteria: dict[CriterionId, FollowUp] = Field(
        default_factory=dict, description="Follow-up of one criterion's recommendation, where it differs.")


# --- the questionnaire --------------------------------------------------------------------------------

class Option(Strict):
    value: Annotated[str, StringConstraints(pattern=OPTION_VALUE)]
    label: Text


class Reference(Strict):
    instrument: InstrumentId
    article: Text


class Section(Strict):
    id: Annotated[str, StringConstraints(pattern=SNAKE_ID)]
    number: Text
    title: Text
    intro: Text | None = None


QuestionType = Literal["yes_no", "single_choice", "multiple_choice", "number", "date", "text"]
YES_NO_VALUES = ("yes", "partial", "no", "unknown")


class Question(Strict):
    id: QuestionId
    number: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]+(\.\d+)+$")]
    section: Annotated[str, StringConstraints(pattern=SNAKE_ID)]
    paragraphs: list[Annotated[int, Field(ge=1)]] = Field(min_length=1)
    text: Text
    type: QuestionType
    options: list[Option] = Field(default_factory=list)
    unit: Text | None = None
    minimum: float | None = None
    maximum: float | None = None
    guidance: Text
    references: list[Reference] = Field(default_factory=list)
    show_if: Condition | None = None
    citation: Literal["required", "optional", "none"] = Field(
        description="'required' for legal questions: the answer must cite the national provision.")
    partial: bool = Field(True, description="For yes/no questions: false when the question asks a plain fact "
                          "(membership, a date of ratification), so 'partial' is not an answer.")




class Questionnaire(Strict):
    id: Text
    pack: Text
    version: SemVer
    title: Text
    introduction: Text
    sections: list[Section] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)


# --- answers files ------------------------------------------------------------------------------------

class State(Strict):
    name: Text
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}$")] | None = None
    fictional: bool = False
    region: Text | None = None
    federal: bool = False
    short_name: Annotated[str, StringConstraints(min_length=1, max_length=24, strip_whitespace=True)] | None = \
        Field(None, description="The name used where space is short (tables, charts), e.g. 'Arcadia'.")


class AssessmentInfo(Strict):
    date: dt.date
    assessors: list[Text] = Field(min_length=1)
    status: Literal["draft", "final"]
    pack: Text
    pack_version: SemVer
    sources: list[Text] = Field(default_factory=list)
    confidentiality: Text = "For official use only"
    language: Literal["en"] = "en"


AnswerValue = Union[str, int, float, list[str], None]


class Answer(Strict):
    value: AnswerValue
    citation: Text | None = None
    note: Text | None = None
    source: Text | None = None
    method: Literal["desk_review", "official_reply", "interview", "self_assessment"] | None = None
    as_of: dt.date | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _no_booleans(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("write yes or no, not true or false")
        return value


class AnswersFile(Strict):
    schema_version: Literal[1] = 1
    state: State
    assessment: AssessmentInfo
    answers: dict[str, Answer] = Field(default_factory=dict)


def is_question_id(text: str) -> bool:
    return bool(re.match(QUESTION_ID, text))


class ModalityDef(Strict):
    """A form of technical assistance (modalities.yaml)."""

    id: Modality
    label: Text
    regional_format: Text = Field(description="What a regional comparison proposes when States share it.")


class ModalityFile(Strict):
    modalities: list[ModalityDef] = Field(min_length=1, description="In the order the action plan groups them.")
