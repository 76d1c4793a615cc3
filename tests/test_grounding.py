"""Table tests for locating an LLM's figures, actors and summary claims (service.grounding)."""

from __future__ import annotations

import random
from itertools import pairwise
from pathlib import Path

import pytest

from service.grounding.locate import (
    Span,
    actor_mentions,
    ground_figure,
    locate,
    locate_all,
    summary_problems,
)

SEED = (Path(__file__).parents[1] / "seeds" / "coalition-of-the-willing.txt").read_text(encoding="utf-8")
NBSP = "\u00a0"


def _valid(article: str, span: Span) -> bool:
    start, end = span
    return 0 <= start < end <= len(article)


def _nth(article: str, text: str, n: int = 0) -> Span:
    """Span of the n-th plain occurrence of ``text`` (expected values are computed, not typed in)."""
    start = -1
    for _ in range(n + 1):
        start = article.index(text, start + 1)
    return start, start + len(text)


# article, needle, ignore_case, the article text expected at the returned span (None: not found)
LOCATE_CASES: list[tuple[str, str, bool, str | None]] = [
    ("Hello world", "world", False, "world"),
    ("Hello world", "World", False, None),
    ("Hello world", "World", True, "world"),
    (
        "the “coalition of the willing,” aimed",
        '"coalition of the willing"',
        False,
        "coalition of the willing",
    ),
    (
        "the “coalition of the willing,” aimed",
        "“coalition of the willing,”",
        False,
        "coalition of the willing",
    ),
    ("Ukraine’s security", "Ukraine's security", False, "Ukraine’s security"),
    ("Ukraine's security", "Ukraine’s security", False, "Ukraine's security"),
    ("the ‘big three’ met", "'big three'", False, "big three"),
    ("the 2020–2021 season", "2020-2021", False, "2020–2021"),
    ("a long—awaited deal", "long-awaited", False, "long—awaited"),
    ("Sir Keir\nStarmer said", "Keir Starmer", False, "Keir\nStarmer"),
    (f"Sir Keir{NBSP}Starmer said", "Keir Starmer", False, f"Keir{NBSP}Starmer"),
    ("Sir Keir   Starmer said", "Keir\tStarmer", False, "Keir   Starmer"),
    ("Sir Keir Starmer said", f"Keir{NBSP}\n Starmer", False, "Keir Starmer"),
    ("Sir Keir Starmer said.", "  Keir Starmer. ", False, "Keir Starmer"),
    ("Sir Keir Starmer said.", "(Keir Starmer)", False, "Keir Starmer"),
    ("Sir Keir Starmer said.", "KEIR STARMER", True, "Keir Starmer"),
    ("Sir Keir Starmer said.", "KEIR STARMER", False, None),
    ("İstanbul and Ankara", "ankara", True, "Ankara"),
    ("Russian actions", "Russia", False, "Russia"),  # locate is a substring search
    ("abc", "", False, None),
    ("abc", "   ", False, None),
    ("abc", "...", False, None),
    ("", "abc", False, None),
    ("a £1.6 billion deal", "£1.6 billion", False, "£1.6 billion"),
]


@pytest.mark.parametrize(("article", "needle", "ignore_case", "expected"), LOCATE_CASES)
def test_locate(article: str, needle: str, ignore_case: bool, expected: str | None) -> None:
    span = locate(article, needle, ignore_case=ignore_case)
    if expected is None:
        assert span is None
    else:
        assert span is not None
        assert _valid(article, span)
        assert article[span[0] : span[1]] == expected


# article, needle, whole_words, expected texts
LOCATE_ALL_CASES: list[tuple[str, str, bool, list[str]]] = [
    ("UK and the UK’s allies; UKIP", "UK", True, ["UK", "UK"]),
    ("UK and the UK’s allies; UKIP", "UK", False, ["UK", "UK", "UK"]),
    ("aaaa", "aa", False, ["aa", "aa"]),
    ("1,200 and 2.20 and 20 and 200", "20", True, ["20"]),
    ("Russia and Russian and Russia’s", "Russia", True, ["Russia", "Russia"]),
    ("x", "", True, []),
    (
        "coalition of the\nwilling or Coalition of the Willing",
        "coalition of the willing",
        True,
        ["coalition of the\nwilling"],
    ),
]


@pytest.mark.parametrize(("article", "needle", "whole_words", "expected"), LOCATE_ALL_CASES)
def test_locate_all(article: str, needle: str, whole_words: bool, expected: list[str]) -> None:
    spans = locate_all(article, needle, whole_words=whole_words)
    assert [article[s:e] for s, e in spans] == expected
    assert all(_valid(article, span) for span in spans)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_locate_all_ignore_case() -> None:
    article = "Coalition of the Willing; the coalition of the willing"
    assert len(locate_all(article, "coalition of the willing", ignore_case=True)) == 2


def test_seed_quoted_phrase_with_straight_quotes() -> None:
    span = locate(SEED, '"coalition of the willing"')
    assert span == _nth(SEED, "coalition of the willing")


# needle, the article text expected (None: the figure must be dropped)
FIGURE_CASES: list[tuple[str, str | None]] = [
    ("£1.6 billion", "£1.6 billion"),
    ("£1.6bn", "£1.6 billion"),
    ("GBP 1.6bn", "£1.6 billion"),
    ("1.6 billion pounds", "£1.6 billion"),
    ("£1.6 Billion", "£1.6 billion"),
    ("£1.6", "£1.6 billion"),  # a truncated figure widens to the article's whole expression
    ("£2 billion", None),
    ("$1.6 billion", None),
    ("1.6 million", None),
    ("20 countries", "20 countries"),
    ("around 20 countries", "around 20 countries"),
    ("about 20 countries", "20 countries"),
    ("twenty countries", "20 countries"),
    ("20 nations", "20 Nations"),
    ("30 countries", None),
    ("2024", None),
    ("missile deal", None),
    ("UK", None),
    ("", None),
    ("  £1.6 billion.  ", "£1.6 billion"),
]


@pytest.mark.parametrize(("needle", "expected"), FIGURE_CASES)
def test_ground_figure_in_seed(needle: str, expected: str | None) -> None:
    result = ground_figure(SEED, needle)
    if expected is None:
        assert result is None
        return
    assert result is not None
    text, span = result
    assert text == expected == SEED[span[0] : span[1]]
    assert _valid(SEED, span)


def test_ground_figure_span_is_the_article_position() -> None:
    assert ground_figure(SEED, "£1.6 billion") == ("£1.6 billion", _nth(SEED, "£1.6 billion"))


# article, needle, expected text
FIGURE_ELSEWHERE: list[tuple[str, str, str | None]] = [
    ("Sales rose 12 per cent to $3.2bn.", "12%", "12 per cent"),
    ("Sales rose 12 per cent to $3.2bn.", "$3,200 million", "$3.2bn"),
    ("Sales rose 12 per cent to $3.2bn.", "3.2 billion dollars", "$3.2bn"),
    ("Sales rose 12 per cent to $3.2bn.", "13%", None),
    ("Half of the 1,600 troops left.", "1600 troops", "1,600 troops"),
    ("Half of the 1,600 troops left.", "50%", "Half"),
    ("It fell by 1,200 in 2020.", "20", None),
    ("It fell by 1,200 in 2020.", "2020", "2020"),
    ("Inflation hit 2.20 points.", "20", None),
    ("a 12km wall", "12 kilometres", "12km"),
    (f"some 1{NBSP}600 people", "1,600 people", f"1{NBSP}600 people"),
]


@pytest.mark.parametrize(("article", "needle", "expected"), FIGURE_ELSEWHERE)
def test_ground_figure_by_value(article: str, needle: str, expected: str | None) -> None:
    result = ground_figure(article, needle)
    assert (result[0] if result else None) == expected
    if result:
        assert article[result[1][0] : result[1][1]] == result[0]


def test_ground_figure_prefers_the_same_unit() -> None:
    article = "There were 20 ships, 20 countries and 20 people."
    assert ground_figure(article, "twenty countries") == ("20 countries", _nth(article, "20 countries"))


# needle, kind, canonical name (None: not in the article), how many mentions
ACTOR_CASES: list[tuple[str, str, str | None, int]] = [
    ("Keir Starmer", "person", "Keir Starmer", 2),
    ("keir starmer", "person", "Keir Starmer", 2),
    ("Sir Keir Starmer", "person", "Sir Keir Starmer", 2),
    ("Prime Minister Keir Starmer", "person", "Keir Starmer", 2),
    ("UK Prime Minister Sir Keir Starmer", "person", "UK Prime Minister Sir Keir Starmer", 2),
    ("Mr Starmer", "person", "Starmer", 2),
    ("Emmanuel Macron", "person", None, 0),
    ("President Macron", "person", None, 0),
    ("the UK", "country", "UK", 4),
    ("UK", "country", "UK", 4),
    ("US", "country", "US", 2),
    ("United States", "country", "United States", 1),
    ("Russia", "country", "Russia", 3),
    ("Turkey", "country", "Turkey", 1),
    ("France", "country", "France", 1),
    ("Germany", "country", None, 0),
    ("European Commission", "organization", "European Commission", 1),
    ("the European Commission", "organization", "European Commission", 1),
    ("Coalition of the Willing", "group", "coalition of the willing", 1),
    ("NATO", "organization", None, 0),
    ("", "person", None, 0),
]


@pytest.mark.parametrize(("name", "kind", "canonical", "count"), ACTOR_CASES)
def test_actor_mentions_in_seed(name: str, kind: str, canonical: str | None, count: int) -> None:
    result = actor_mentions(SEED, name, kind)
    if canonical is None:
        assert result is None
        return
    assert result is not None
    found, mentions = result
    assert found == canonical
    assert len(mentions) == count
    assert mentions == sorted(mentions)
    assert all(_valid(SEED, span) for span in mentions)
    assert all(a[1] <= b[0] for a, b in pairwise(mentions))
    assert SEED[mentions[0][0] : mentions[0][1]].lower() in canonical.lower()


def test_starmer_mentions_include_the_surname_alone() -> None:
    result = actor_mentions(SEED, "Keir Starmer", "person")
    assert result is not None
    later = SEED.index("Starmer noted")
    assert result == ("Keir Starmer", [_nth(SEED, "Keir Starmer"), (later, later + len("Starmer"))])


# article, needle, kind, canonical, mention texts
ACTOR_ELSEWHERE: list[tuple[str, str, str, str | None, list[str]]] = [
    (
        "Theresa May spoke. May said she may stay.",
        "Theresa May",
        "person",
        "Theresa May",
        ["Theresa May", "May"],
    ),
    (
        "Ursula von der Leyen spoke; von der Leyen then left.",
        "Ursula von der Leyen",
        "person",
        "Ursula von der Leyen",
        ["Ursula von der Leyen", "von der Leyen"],
    ),
    ("Roast turkey for Turkey.", "Turkey", "country", "Turkey", ["Turkey"]),
    ("Let us talk to the US.", "US", "country", "US", ["US"]),
    ("Let us talk.", "US", "country", None, []),
    ("Dr Jane Smith and Smith’s team", "Dr. Jane Smith", "person", "Jane Smith", ["Jane Smith", "Smith"]),
    ("Starmer alone", "Keir Starmer", "person", None, []),
    (
        "Martin Luther King Jr. spoke; King said",
        "Martin Luther King Jr.",
        "person",
        "Martin Luther King Jr",
        ["Martin Luther King Jr", "King"],
    ),
    (f"Sir Keir{NBSP}Starmer said", "Keir Starmer", "person", f"Keir{NBSP}Starmer", [f"Keir{NBSP}Starmer"]),
    (
        "Prince Philip, Duke of Edinburgh",
        "Duke of Edinburgh",
        "person",
        "Duke of Edinburgh",
        ["Duke of Edinburgh"],
    ),
]


@pytest.mark.parametrize(("article", "name", "kind", "canonical", "texts"), ACTOR_ELSEWHERE)
def test_actor_mentions(article: str, name: str, kind: str, canonical: str | None, texts: list[str]) -> None:
    result = actor_mentions(article, name, kind)
    if canonical is None:
        assert result is None
        return
    assert result is not None
    assert result[0] == canonical
    assert [article[s:e] for s, e in result[1]] == texts


# summary, expected problems
SUMMARY_CASES: list[tuple[str, list[str]]] = [
    (
        "UK officials say around 20 countries may join a coalition led by the UK and France. "
        "Sir Keir Starmer announced a £1.6bn missile deal.",
        [],
    ),
    ("The UK will spend £2 billion on drones.", ['number "£2 billion" is not in the article']),
    ("Emmanuel Macron backed the plan.", ['name "Emmanuel Macron" is not in the article']),
    ("The coalition grows. However, Russia objects. Moreover, talks continue.", []),
    ("Moreover Turkey and Australia offered help.", []),
    ("Some 20 countries may take part.", []),
    ("Twenty countries may join.", []),
    ("Prime Minister Keir Starmer spoke to the European Commission.", []),
    ("President Vladimir Putin rejected it.", ['name "Vladimir Putin" is not in the article']),
    (
        "Starmer met Macron in Paris.",
        ['name "Macron" is not in the article', 'name "Paris" is not in the article'],
    ),
    ("Macron spoke, and Macron left.", ['name "Macron" is not in the article']),
    ("Ukrainian and Russian officials spoke.", []),
    ("It backed the “Coalition of the Willing”.", []),
    ("Starmer’s £1.6 billion deal has the European Commission’s backing.", []),
    (
        "Some 30 nations joined on 5 March 2025.",
        ['number "30 nations" is not in the article', 'number "5 March 2025" is not in the article'],
    ),
    ("Amid Russian objections, the UK pressed on.", []),
    ("The UK-led coalition grows.", []),
    ("A Macron-style plan emerged.", ['name "Macron" is not in the article']),
    ("Chinese officials stayed away.", []),  # a lone sentence-initial word is not checked
    ("Officials met Chinese envoys.", ['name "Chinese" is not in the article']),
    ("", []),
    (
        "Chancellor Olaf Scholz pledged €3bn.",
        ['name "Olaf Scholz" is not in the article', 'number "€3bn" is not in the article'],
    ),
]


@pytest.mark.parametrize(("summary", "expected"), SUMMARY_CASES)
def test_summary_problems(summary: str, expected: list[str]) -> None:
    assert summary_problems(SEED, summary) == expected


NETWORK = "The operator said its 3G network will close in 2027, and 2FA logins start next month."


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("The 3G network will close in 2027.", []),  # not a name "G"
        ("Its 3g network closes in 2027, with 2FA logins.", []),
        ("The 4G network will close in 2027.", ['name "4G" is not in the article']),
        ("The 3D network will close in 2027.", ['name "3D" is not in the article']),
        ("A 737MAX was grounded.", ['name "737MAX" is not in the article']),
    ],
)
def test_digits_run_into_letters_are_a_name_that_must_be_in_the_article(
    summary: str, expected: list[str]
) -> None:
    assert summary_problems(NETWORK, summary) == expected


def test_random_slices_locate_where_they_came_from() -> None:
    """Property: any slice of the article, retyped with other whitespace and quotes, is found."""
    rng = random.Random(20250305)
    retype = {" ": ["\n", NBSP, "  "], "’": ["'"], "“": ['"'], "”": ['"']}
    for _ in range(300):
        i = rng.randrange(len(SEED) - 1)
        j = rng.randrange(i + 1, min(len(SEED), i + 60) + 1)
        needle = "".join(
            rng.choice(retype[c]) if c in retype and rng.random() < 0.5 else c for c in SEED[i:j]
        )
        span = locate(SEED, needle)
        if not needle.strip(" \n\u00a0.,;:!?'\"()“”’"):
            continue
        assert span is not None, needle
        assert _valid(SEED, span)
        assert span[0] <= j
        spans = locate_all(SEED, needle, whole_words=False)
        assert span == spans[0]


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("Global Coalition to Support Ukraine: 20", "20 Nations"),
        ("a £1.6 billion missile deal", "£1.6 billion"),
        ("around 20 countries", "around 20 countries"),
    ],
)
def test_figure_phrases_narrow_to_their_number(needle: str, expected: str) -> None:
    article = SEED
    found = ground_figure(article, needle)
    assert found is not None
    text, (start, end) = found
    assert text == expected == article[start:end]


@pytest.mark.parametrize(
    "name",
    ["UK Prime Minister Keir Starmer", "The UK Prime Minister Keir Starmer,", "Prime Minister Keir Starmer"],
)
def test_person_with_a_long_title_grounds_to_the_name(name: str) -> None:
    article = SEED
    found = actor_mentions(article, name, "person")
    assert found is not None
    assert found[0] == "Keir Starmer"
    assert len(found[1]) == 2
