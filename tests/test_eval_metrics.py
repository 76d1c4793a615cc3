"""Eval metric functions on tiny hand-made rows with known answers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from service.evaluation.actors import (
    ActorTarget,
    EntityExtractor,
    actor_grounded,
    actor_recall,
    actor_targets,
    normalize_name,
)
from service.evaluation.metrics import (
    figure_grounded,
    figure_recall,
    figure_targets,
    percentile,
    rouge,
    split_sentences,
)
from service.schema import Actor, ActorKind, KeyFigure

ARTICLE = (
    "Acme Corp said on Monday that profits rose 12% to $4.5bn in 2023. "
    "Chief executive Maria Lopez said 300 jobs would be created in Leeds. "
    "Rival Globex cut 50 jobs, and the UK government welcomed the news."
)


def fig(text: str, article: str = ARTICLE) -> KeyFigure:
    start = article.index(text)
    return KeyFigure(
        text=text, span=[start, start + len(text)], value=None, unit=None, kind="other", context=""
    )


def actor(name: str, *mentions: str, kind: ActorKind = "person", article: str = ARTICLE) -> Actor:
    spans = [[article.index(m), article.index(m) + len(m)] for m in mentions or (name,)]
    return Actor(name=name, kind=kind, role=None, mentions=spans)


@dataclass(frozen=True)
class Ent:
    text: str
    label: str


def extractor(*entities: tuple[str, str]) -> EntityExtractor:
    """A stand-in for `service.nlp.ner.entities`: the given entities that occur in the text."""

    def extract(text: str, language: str = "en") -> list[Ent]:
        assert language == "en"
        return [Ent(t, label) for t, label in entities if t in text]

    return extract


# ROUGE and sentences


def test_rouge_of_identical_texts_is_one() -> None:
    text = "Profits rose sharply. The firm hired 300 people."
    assert rouge(text, text) == pytest.approx((1.0, 1.0, 1.0))


def test_rouge_of_disjoint_texts_is_zero() -> None:
    assert rouge("alpha beta gamma", "delta epsilon zeta") == (0.0, 0.0, 0.0)


def test_rouge_uses_stemming() -> None:
    assert rouge("the workers were hired", "the worker was hiring").rouge1 > 0.7


def test_rouge_l_is_summary_level() -> None:
    # Sentence order does not matter for summary-level L, but it does for a plain LCS.
    reference = "Prices rose in March. Sales fell in April."
    swapped = "Sales fell in April. Prices rose in March."
    assert rouge(reference, swapped).rougeL == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two three.", ["One.", "Two three."]),
        ("Up 2% on the year.Shares fell.", ["Up 2% on the year.", "Shares fell."]),
        ("Mr. Smith paid $10.5m. He left.", ["Mr. Smith paid $10.5m.", "He left."]),
        ("Headline\nBody text here . Next one .", ["Headline", "Body text here .", "Next one ."]),
        ('"It works." She smiled.', ['"It works."', "She smiled."]),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


# figures


def test_figure_recall_half_when_one_of_two_is_in_the_digest() -> None:
    targets = figure_targets(ARTICLE, "Profits rose 12% to $4.5bn.")
    assert len(targets) == 2
    recall = figure_recall(targets, [fig("12%")])
    assert (recall.found, recall.total, recall.value) == (1, 2, 0.5)


def test_figures_missing_from_the_article_and_years_are_not_targets() -> None:
    targets = figure_targets(ARTICLE, "In 2023 Acme hired 300 people and paid £9m in fines.")
    assert figure_recall(targets, [fig("300 jobs")]) == (1, 1)


def test_figures_compare_by_value_not_wording() -> None:
    article = "The deal is worth 1.13 billion dollars, up from 39 million dollars."
    targets = figure_targets(article, "A $1.13bn deal.")
    assert figure_recall(targets, [fig("1.13 billion dollars", article)]).value == 1.0


def test_a_percentage_is_not_a_count_of_the_same_value() -> None:
    article = "The team scored 2 goals as turnout rose 2%."
    targets = figure_targets(article, "Turnout rose 2%.")
    assert figure_recall(targets, [fig("2 goals", article)]).value == 0.0
    assert figure_recall(targets, [fig("2%", article)]).value == 1.0


def test_no_targets_gives_no_recall() -> None:
    recall = figure_recall(figure_targets(ARTICLE, "Acme had a good year."), [fig("12%")])
    assert recall.value is None


def test_figure_grounding_needs_the_exact_text_at_the_span() -> None:
    good = fig("$4.5bn")
    shifted = good.model_copy(update={"span": [good.span[0] + 1, good.span[1] + 1]})
    outside = good.model_copy(update={"span": [len(ARTICLE) - 2, len(ARTICLE) + 4]})
    assert figure_grounded(ARTICLE, good)
    assert not figure_grounded(ARTICLE, shifted)
    assert not figure_grounded(ARTICLE, outside)


# actors


def test_reference_entities_missing_from_the_article_are_not_targets() -> None:
    extract = extractor(("Maria Lopez", "PERSON"), ("John Smith", "PERSON"), ("Monday", "DATE"))
    reference = "Maria Lopez and John Smith met on Monday."
    targets = actor_targets(ARTICLE, reference, extract)
    assert targets == [ActorTarget("maria lopez", "PERSON")]


def test_a_lone_surname_is_the_same_target_as_the_full_name() -> None:
    extract = extractor(("Maria Lopez", "PERSON"), ("Lopez", "PERSON"), ("Acme Corp", "ORG"))
    targets = actor_targets(ARTICLE, "Maria Lopez of Acme Corp spoke. Lopez said so.", extract)
    assert [t.name for t in targets] == ["maria lopez", "acme corp"]


def test_actor_recall_by_name_surname_and_mention() -> None:
    targets = [
        ActorTarget("maria lopez", "PERSON"),
        ActorTarget("acme corp", "ORG"),
        ActorTarget("uk", "GPE"),
        ActorTarget("globex", "ORG"),
    ]
    actors = [
        actor("Lopez", "Lopez"),  # surname finds the full name
        actor("ACME CORP", "Acme Corp", kind="organization"),  # case does not matter
        actor("United Kingdom", "UK", kind="country"),  # a mention names it
    ]
    assert actor_recall(ARTICLE, targets, actors) == (3, 4)


def test_surname_match_is_for_people_only() -> None:
    article = "Bank of England staff met England fans."
    actors = [actor("Bank of England", kind="organization", article=article)]
    assert actor_recall(article, [ActorTarget("england", "GPE")], actors).value == 0.0


def test_normalize_name() -> None:
    assert normalize_name("  The  Acme Corp’s ") == "acme corp"


def test_actor_grounding() -> None:
    assert actor_grounded(ARTICLE, actor("Maria Lopez", "Maria Lopez"))
    assert actor_grounded(ARTICLE, actor("Lopez", "Maria Lopez"))  # named in the article
    assert not actor_grounded(ARTICLE, actor("John Smith", "Maria Lopez"))  # name not in the article
    start = ARTICLE.index("Lopez")
    cut = Actor(name="Lopez", kind="person", role=None, mentions=[[start, start + 3]])
    assert not actor_grounded(ARTICLE, cut)  # "Lop" cuts a word
    blank = Actor(name="Lopez", kind="person", role=None, mentions=[[start - 1, start + 5]])
    assert not actor_grounded(ARTICLE, blank)  # leading space
    outside = Actor(name="Lopez", kind="person", role=None, mentions=[[0, len(ARTICLE) + 1]])
    assert not actor_grounded(ARTICLE, outside)


# statistics


def test_percentile_interpolates() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.95) == pytest.approx(3.85)
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.5) is None
