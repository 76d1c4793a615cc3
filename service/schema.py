"""The API contract: request and response models. `GET /v1/schema` is generated from `Digest`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

EngineName = Literal["openai", "local", "extractive"]  # the engines of `service.engines.ENGINES`

# 2: `sentences` with their support spans. Fields added since (`quotes`; `headline`, `dek`,
# `bullets`) are new keys with empty defaults, which a v2 reader ignores: no new version.
SCHEMA_VERSION = "2"

Format = Literal["headline", "dek", "bullets"]  # the short forms `options.formats` may ask for
FORMATS: tuple[Format, ...] = ("headline", "dek", "bullets")
HEADLINE_MAX_CHARS = 100
DEK_MAX_CHARS = 160
BULLETS_MIN, BULLETS_MAX = 3, 5
FigureKind = Literal["money", "percent", "count", "quantity", "date", "other"]
ActorKind = Literal["person", "organization", "country", "group", "other"]
Span = Annotated[list[int], Field(min_length=2, max_length=2, description="[start, end) character offsets")]

PROMPT_REF_PATTERN = r"^[a-z][a-z0-9_-]{0,63}(@[A-Za-z0-9_-]{1,64})?$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _article_schema(schema: dict[str, Any]) -> None:
    """`text`/`html` in the JSON Schema: null, or a string with a non-space character."""
    for branch in schema.get("anyOf", []):
        if branch.get("type") == "string":
            branch["pattern"] = r"\S"


# Exactly one of `text` and `html` is a string (the other absent or null), as validated below.
_ONE_SOURCE: dict[str, Any] = {
    "oneOf": [{"required": [name], "properties": {name: {"type": "string"}}} for name in ("text", "html")]
}


class Options(_Strict):
    """Per-request knobs."""

    # strict: `true` or "5" is not a count (the documented schema says integer; found by API fuzzing)
    max_figures: int = Field(10, ge=0, le=20, strict=True)
    max_actors: int = Field(10, ge=0, le=20, strict=True)
    summary_sentences: int = Field(3, ge=1, le=6, strict=True)
    formats: list[Format] = Field(
        default_factory=list,
        max_length=12,
        description="Short forms to write as well: `headline`, `dek`, `bullets` (default none).",
    )

    @field_validator("formats")
    @classmethod
    def _canonical_formats(cls, value: list[Format]) -> list[Format]:
        """Each format once, in a fixed order: `["bullets", "bullets"]` asks what `["bullets"]` asks."""
        return [f for f in FORMATS if f in value]


class _ArticleInput(_Strict):
    """An article as plain text or as HTML (exactly one of the two)."""

    # The documented schema states what the validator below enforces.
    model_config = ConfigDict(extra="forbid", json_schema_extra=_ONE_SOURCE)

    text: str | None = Field(None, description="Plain article text.", json_schema_extra=_article_schema)
    html: str | None = Field(
        None, description="Article HTML; reduced to its main text first.", json_schema_extra=_article_schema
    )

    @model_validator(mode="after")
    def _exactly_one_source(self) -> _ArticleInput:
        if (self.text is None) == (self.html is None):
            raise ValueError("exactly one of `text` or `html` is required")
        source = self.text if self.text is not None else self.html
        if not (source or "").strip():
            raise ValueError("the article is empty")
        for value in (source, getattr(self, "title", None), getattr(self, "summary", None)):
            try:  # JSON can escape a lone surrogate ("\ud800"); no text tool can encode one
                (value or "").encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("the article, title or summary holds a lone UTF-16 surrogate") from None
        return self


class SummarizeRequest(_ArticleInput):
    """One article, as plain text or as HTML (exactly one of the two), and how to digest it."""

    title: str | None = Field(None, max_length=1000)
    url: str | None = Field(None, max_length=4000)
    language: str | None = Field(
        None, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", description="BCP 47 tag for the summary."
    )
    prompt: str = Field(
        "summarize",
        pattern=PROMPT_REF_PATTERN,
        description="`name` (production label), `name@<version>` or `name@<label>`.",
    )
    options: Options = Field(default_factory=Options)


class KeyFigure(BaseModel):
    """A number from the article; `text` == article[span[0]:span[1]]."""

    text: str
    span: Span
    value: float | None
    unit: str | None
    kind: FigureKind
    context: str


class Actor(BaseModel):
    """A person, organization, country or group named in the article, with every mention."""

    name: str
    kind: ActorKind
    role: str | None
    mentions: list[Span] = Field(min_length=1)


class SummarySentence(BaseModel):
    """One sentence of the summary and the article spans that state what it says."""

    text: str
    support: list[Span] = Field(
        min_length=1,
        description="Article spans (whole sentences or clauses, never padded with whitespace) that "
        "state what this sentence says; `text[start:end]` of the article.",
    )


class PromptRef(BaseModel):
    name: str
    version: int
    sha256: str


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0


class Provenance(BaseModel):
    engine: EngineName
    model: str
    prompt: PromptRef | None
    schema_version: str = SCHEMA_VERSION
    attempts: int
    usage: Usage
    latency_ms: int
    cached: bool = False
    degraded: bool = False
    title: str | None = None
    url: str | None = None


class Quote(BaseModel):
    """A direct quote of the article and who the article says spoke it."""

    text: str = Field(description="The quoted words exactly as in the article at `span` (without the marks).")
    span: Span
    speaker: str | None = Field(
        None, description="The `name` of the actor the article says spoke; null when it does not say."
    )
    speaker_mention: Span | None = Field(None, description="The article span that names the speaker here.")


class Digest(BaseModel):
    """A grounded digest of one article."""

    id: str
    summary: str
    sentences: list[SummarySentence] = Field(
        description="The summary split into sentences (their texts joined by single spaces are "
        "`summary`), each with the article spans that support it."
    )
    key_figures: list[KeyFigure]
    actors: list[Actor]
    quotes: list[Quote] = Field(
        default_factory=list,
        description="Direct quotes of the article, each with its speaker (one of `actors`) when the "
        "article gives one.",
    )
    headline: str | None = Field(
        None,
        max_length=HEADLINE_MAX_CHARS,
        description="A headline the article supports (`options.formats` asked for it), else null.",
    )
    dek: str | None = Field(
        None,
        max_length=DEK_MAX_CHARS,
        description="A standfirst / meta description the article supports (when asked), else null.",
    )
    bullets: list[SummarySentence] = Field(
        default_factory=list,
        max_length=BULLETS_MAX,
        description="Bullets (when asked; 3-5, fewer with a warning when fewer are supported), each "
        "with the article spans that support it, like `sentences`.",
    )
    text: str | None = Field(
        None, description="The extracted article text (HTML input only); spans index it."
    )
    provenance: Provenance
    warnings: list[str]


class VerifyRequest(_ArticleInput):
    """A summary written elsewhere (a person's dek, another model's summary) and its article."""

    summary: str = Field(
        min_length=1,
        max_length=20_000,
        pattern=r"\S",
        description="The summary to check against the article.",
    )
    language: str | None = Field(
        None, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", description="BCP 47 tag of the article."
    )


class SentenceVerdict(BaseModel):
    """Whether the article supports one sentence of the checked summary, and where."""

    text: str
    supported: bool
    score: float = Field(ge=0.0, le=1.0, description="How well the article supports it (0..1).")
    support: list[Span] = Field(description="Article spans that state it (empty when unsupported).")
    problems: list[str] = Field(description="Why it is not supported, one message per problem.")


class Verification(BaseModel):
    """`POST /v1/verify`: the summary sentence by sentence; `supported` when every sentence is."""

    supported: bool
    sentences: list[SentenceVerdict]
    text: str | None = Field(
        None, description="The extracted article text (HTML input only); spans index it."
    )


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, object]] | None = None


class PromptSummary(BaseModel):
    name: str
    versions: list[int]
    labels: dict[str, int]


class PromptDetail(BaseModel):
    name: str
    version: int
    sha256: str
    description: str
    system: str
    user: str
    output_schema: dict[str, object]
    formats: dict[str, dict[str, object]] = Field(
        default_factory=dict,
        description="The short forms (`options.formats`) this version can write: each one's answer schema.",
    )
    params: dict[str, object]
    labels: list[str]
