"""Headline, dek and bullets for an article too long for one call, over real HTTP against the fake LLM.

A small `NEWSBRIEF_CONTEXT_TOKENS` makes our own long read (a town restoring its bridges, written
here) need several parts. The first part is asked for every asked form, the next four for
bullets; bullets come back rank by rank across parts, cited into the original article, and what
one part invents is repaired once against that part, then dropped with a warning naming the part.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from service.llm import tokens
from service.nlp.sentences import split
from service.pipeline import formats as short_forms
from service.pipeline.longform import Part, Planner
from service.prompts import Catalogue
from service.schema import Digest, Provenance, SummarySentence, Usage
from service.settings import Settings
from tests.conftest import ServiceFactory
from tests.fakellm import Call, FakeLLM, Reply, error, ok

ALL = ["headline", "dek", "bullets"]
CONTEXT_TOKENS = 4096  # the article below then needs 7-9 parts for summarize@3

# ----------------------------------------------------------------------------- our own long read

LEAD = (
    "The town council of Kelvmouth voted on Monday to restore the old stone bridge over the river "
    "Ashe. The work will cost £6.5 million and should be finished by the spring of 2029. Councillor "
    "Maren Holt, who chairs the transport committee, said the bridge had been closed to lorries for "
    "three years. The vote was carried by 21 votes to 6 after a long debate.\n\n"
    "Engineers found cracks in two of the five arches last winter, and the council closed the bridge "
    "to heavy traffic soon after. Shops on the east bank say trade has fallen since then, because "
    "delivery vans must drive twelve miles around the valley."
)
HEADLINE = "Kelvmouth council votes to restore the old stone bridge"
DEK = (
    "The work on the old stone bridge over the river Ashe will cost £6.5 million and should be "
    "finished by 2029."
)

_STEMS = ("Brom", "Carr", "Dun", "Ell", "Fen", "Gil", "Hol", "Ink", "Jor", "Lyn", "Mar")
_ENDS = ("wick", "ford", "ton", "mere", "stow")
_SECTION = """\
In {place}, the footbridge that crosses the Ashe carries {walkers} walkers on a busy day. \
Surveyors found {stones} loose stones in its parapet this autumn, and the council has set aside \
£{k}.{d} million to reset them before the floods of the coming winter.

Residents of {place} have asked for the repairs for years. The path over the footbridge is the \
shortest way to the station, and parents walk their children across it to school. A local group \
collected signatures at the market and handed them to the council in the summer, asking for \
lights on the path as well as new stone.

The engineers who inspected the {place} crossing said its foundations were sound. The damage is in \
the upper courses, where frost has opened the joints, and the work can be done from a platform \
without closing the path for more than {days} days.

Critics in {place} say the money would be better spent on the roads, which flood every year near \
the mill. The council replied that the footbridge and the roads are paid from different budgets, \
and that the road drains are to be cleared next year."""


def _place(k: int) -> str:
    return _STEMS[k % len(_STEMS)] + _ENDS[(k // len(_STEMS)) % len(_ENDS)]


def long_read(sections: int = 30) -> str:
    """The lead, then `sections` sections about other crossings, each with its own place and figures."""
    body = [
        _SECTION.format(place=_place(k), walkers=300 + 17 * k, stones=40 + k, k=k, d=k % 10, days=k + 2)
        for k in range(1, sections + 1)
    ]
    return "\n\n".join([LEAD, *body])


# ----------------------------------------------------------------------------- the fake model

_ARTICLE = re.compile(r"<article-(\w+)>\n(.*)\n</article-\1>", re.DOTALL)


def part_of(call: Call) -> str:
    match = _ARTICLE.search(call.body["messages"][1]["content"])
    assert match is not None
    return match.group(2)


def asked(call: Call) -> set[str]:
    """The short forms a call's JSON schema asks for."""
    properties = call.body["response_format"]["json_schema"]["schema"]["properties"]
    return {name for name in ALL if name in properties}


def first_sentences(text: str, count: int) -> list[str]:
    """The first sentence of each of the first `count` paragraphs: what a faithful model would bullet."""
    return [re.split(r"(?<=\.)\s", p.strip(), maxsplit=1)[0] for p in text.split("\n\n")[:count]]


def faithful(call: Call) -> dict[str, Any]:
    """A faithful answer for the call's part, with just the short forms the call asks for."""
    text = part_of(call)
    answer: dict[str, Any] = {"summary": first_sentences(text, 1)[0], "key_figures": [], "actors": []}
    forms = asked(call)
    if "headline" in forms:
        answer["headline"] = HEADLINE
    if "dek" in forms:
        answer["dek"] = DEK
    if "bullets" in forms:
        answer["bullets"] = first_sentences(text, 3)
    return answer


def summarize(client: httpx2.Client, article: str, formats: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"text": article}
    if formats is not None:
        body["options"] = {"formats": formats}
    r = client.post("/v1/summaries", json=body)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def by_part(article: str, calls: list[Call]) -> list[list[Call]]:
    """The calls grouped by the part they asked about, parts in article order."""
    starts = sorted({article.index(part_of(c)) for c in calls})
    return [[c for c in calls if article.index(part_of(c)) == s] for s in starts]


def assert_cited_in(article: str, bullets: list[dict[str, Any]]) -> None:
    """Each bullet cites spans of the ORIGINAL article, each one of its sentences, exact and unpadded."""
    sentences = {s.text(article) for s in split(article)}
    for bullet in bullets:
        assert bullet["support"], bullet
        for start, end in bullet["support"]:
            assert 0 <= start < end <= len(article)
            cited = article[start:end]
            assert cited == cited.strip()
            assert cited in sentences or any(cited in s for s in sentences), cited


def planned(article: str, version: int = 3) -> list[Part]:
    """The parts the service cuts at `CONTEXT_TOKENS` for the fake model (its tokenizer is unknown)."""
    planner = Planner(Settings(context_tokens=CONTEXT_TOKENS), "openai", None)
    planner.counter = tokens.TiktokenCounter("fake-model")
    template = Catalogue(Settings().prompts_dir).get("summarize", version)
    return asyncio.run(planner.split(article, None, template))


Spoil = Callable[[dict[str, Any]], None]


def replies(article: str, parts: list[Part], spoil: dict[int, Spoil] | None = None, times: int = 2) -> Any:
    """Faithful answers; part k's first `times` answers spoiled by `spoil[k]` (a repair is an answer too)."""
    starts = [p.start for p in parts]
    answered: Counter[int] = Counter()
    lock = threading.Lock()  # the fake answers each call on its own thread

    def reply(call: Call) -> Reply:
        k = starts.index(article.index(part_of(call)))
        answer = faithful(call)
        with lock:
            answered[k] += 1
            n = answered[k]
        if spoil and k in spoil and n <= times:
            spoil[k](answer)
        return ok(answer)

    return reply


INVENTED_BULLET = "The footbridge will be rebuilt in steel by 2031."
INVENTED_HEADLINE = "Kelvmouth council votes to rebuild the bridge in steel by 2031"


def _invent_bullet(answer: dict[str, Any]) -> None:
    answer["bullets"][0] = INVENTED_BULLET


def _invent_headline(answer: dict[str, Any]) -> None:
    answer["headline"] = INVENTED_HEADLINE


# ----------------------------------------------------------------------------- over HTTP


@pytest.mark.parametrize("workers", [0, 1], ids=["in-loop", "helper-process"])
def test_a_long_article_gets_headline_dek_and_bullets_from_its_parts(
    service: ServiceFactory, fake_llm: FakeLLM, workers: int
) -> None:
    article = long_read()
    parts = planned(article)
    assert len(parts) >= 6
    fake_llm.default(replies(article, parts))
    client = service(context_tokens=CONTEXT_TOKENS, deadline_s=60.0, grounding_workers=workers)
    d = summarize(client, article, ALL)

    assert len(fake_llm.calls) == len(parts)  # no call more than without formats: one per part
    groups = by_part(article, fake_llm.calls)
    assert [article.index(part_of(g[0])) for g in groups] == [p.start for p in parts]
    # The lead part writes every form; the next four bullets only; the rest none.
    assert [asked(g[0]) for g in groups] == [set(ALL), *[{"bullets"}] * 4, *[set()] * (len(parts) - 5)]
    assert d["headline"] == HEADLINE
    assert d["dek"] == DEK
    # Rank by rank: the first bullet of each of the five parts asked, in article order.
    assert [b["text"] for b in d["bullets"]] == [first_sentences(p.text, 1)[0] for p in parts[:5]]
    for bullet in d["bullets"]:
        ((start, end),) = bullet["support"]
        assert article[start:end] == bullet["text"]  # shifted into the original article
    assert_cited_in(article, d["bullets"])
    assert d["warnings"][0].startswith(f"the article was digested in {len(parts)} parts")
    assert not [w for w in d["warnings"] if re.search(r"headline|dek|bullet", w)]
    assert d["provenance"]["prompt"]["version"] == 3
    assert d["provenance"]["attempts"] == len(parts)


def test_two_parts_give_their_bullets_in_turn(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    article = long_read(sections=4)
    parts = planned(article)
    assert len(parts) == 2
    fake_llm.default(replies(article, parts))
    d = summarize(service(context_tokens=CONTEXT_TOKENS), article, ["bullets"])
    (a1, a2, a3), (b1, b2, _) = (first_sentences(p.text, 3) for p in parts)
    assert [b["text"] for b in d["bullets"]] == [a1, b1, a2, b2, a3]  # capped at 5
    assert_cited_in(article, d["bullets"])
    assert (d["headline"], d["dek"]) == (None, None)
    assert [asked(c) for c in by_part(article, fake_llm.calls)[0]] == [{"bullets"}]


@pytest.mark.parametrize("repaired", [False, True], ids=["still-invented", "repaired"])
def test_a_bad_bullet_from_one_part_is_repaired_then_dropped(
    service: ServiceFactory, fake_llm: FakeLLM, repaired: bool
) -> None:
    article = long_read()
    parts = planned(article)
    fake_llm.default(replies(article, parts, {1: _invent_bullet}, times=1 if repaired else 2))
    d = summarize(service(context_tokens=CONTEXT_TOKENS, deadline_s=60.0), article, ALL)

    assert len(fake_llm.calls) == len(parts) + 1  # part 2's one repair re-ask, nothing else
    second = by_part(article, fake_llm.calls)[1]
    assert len(second) == 2
    assert INVENTED_BULLET in second[1].body["messages"][-1]["content"]  # quoted back to the model
    texts = [b["text"] for b in d["bullets"]]
    assert INVENTED_BULLET not in texts
    assert len(texts) == 5
    assert_cited_in(article, d["bullets"])
    dropped = [w for w in d["warnings"] if INVENTED_BULLET in w]
    kept = first_sentences(parts[1].text, 3)
    if repaired:
        assert texts[1] == kept[0]
        assert dropped == []
    else:
        assert texts[1] == kept[1]  # part 2's best supported bullet takes its turn
        assert len(dropped) == 1
        assert dropped[0].startswith(f"part 2 of {len(parts)}: dropped bullet not supported by the article")
    # Part 2 alone had 2 bullets; the merged list has 5, so no "only N bullets" note.
    assert not [w for w in d["warnings"] if short_forms.is_few_bullets_warning(w)]
    assert d["provenance"]["attempts"] == len(parts) + 1


REPEATED = [
    "The town council of Kelvmouth voted on Monday to restore the old stone bridge over the river Ashe.",
    "The work will cost £6.5 million and should be finished by the spring of 2029.",
    "The vote was carried by 21 votes to 6 after a long debate.",
]


def test_a_fact_every_part_repeats_is_one_bullet(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    """Every section restates the lead; each part bullets it in its own wording: 3 bullets, not 15."""
    lead = LEAD.split("\n\n", maxsplit=1)[0]
    paragraphs = long_read().split("\n\n")[2:]
    sections = ["\n\n".join(paragraphs[i : i + 4]) for i in range(0, len(paragraphs), 4)]
    article = "\n\n".join(f"{lead}\n\n{section}" for section in sections)
    parts = planned(article)
    assert len(parts) >= 5
    assert all(lead in p.text for p in parts)

    def reply(call: Call) -> Reply:
        answer = faithful(call)
        if "bullets" in answer:
            first = article.startswith(part_of(call))
            answer["bullets"] = [
                REPEATED[0]
                if first
                else "The town council of  Kelvmouth voted on Monday to restore the "
                "old stone bridge over the river Ashe.",  # the same bullet, spaced otherwise
                REPEATED[1]
                if first
                else "The work should be finished by the spring of 2029 and will cost "
                "£6.5 million.",  # other words, the same cited sentence
                REPEATED[2],
            ]
        return ok(answer)

    fake_llm.default(reply)
    d = summarize(service(context_tokens=CONTEXT_TOKENS, deadline_s=60.0), article, ["bullets"])
    assert len(fake_llm.calls) == len(parts)  # every part's bullets held: no repair
    assert [b["text"] for b in d["bullets"]] == REPEATED
    assert_cited_in(article, d["bullets"])
    assert not [w for w in d["warnings"] if "bullet" in w]


def test_a_headline_the_lead_part_does_not_support_is_repaired_then_dropped(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    article = long_read()
    parts = planned(article)
    fake_llm.default(replies(article, parts, {0: _invent_headline}))
    d = summarize(service(context_tokens=CONTEXT_TOKENS, deadline_s=60.0), article, ALL)
    assert d["headline"] is None
    assert d["dek"] == DEK
    assert len(d["bullets"]) == 5
    (warning,) = [w for w in d["warnings"] if INVENTED_HEADLINE in w]
    assert warning.startswith("dropped headline not supported by the article")
    assert '"2031"' in warning
    first = by_part(article, fake_llm.calls)[0]
    assert len(first) == 2
    assert INVENTED_HEADLINE in first[1].body["messages"][-1]["content"]
    assert len(fake_llm.calls) == len(parts) + 1


def test_only_a_headline_asks_the_lead_part_alone(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    article = long_read()
    parts = planned(article)
    fake_llm.default(replies(article, parts))
    d = summarize(service(context_tokens=CONTEXT_TOKENS, deadline_s=60.0), article, ["headline"])
    assert [asked(g[0]) for g in by_part(article, fake_llm.calls)] == [
        {"headline"},
        *[set()] * (len(parts) - 1),
    ]
    assert (d["headline"], d["dek"], d["bullets"]) == (HEADLINE, None, [])


def test_without_formats_every_part_is_asked_what_summarize_1_asks(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    article = long_read()
    parts = planned(article, version=1)
    assert len(parts) >= 2
    fake_llm.default(replies(article, parts))
    d = summarize(service(context_tokens=CONTEXT_TOKENS, deadline_s=60.0), article)
    assert (d["headline"], d["dek"], d["bullets"]) == (None, None, [])
    assert not [w for w in d["warnings"] if re.search(r"headline|dek|bullet", w)]
    v1 = Catalogue(Settings().prompts_dir).get("summarize", 1)
    schema = json.dumps(v1.output_schema, sort_keys=True)
    assert len(fake_llm.calls) == len(parts)
    for call, part in zip(
        sorted(fake_llm.calls, key=lambda c: article.index(part_of(c))), parts, strict=True
    ):
        variables = {
            "article": part.text,
            "title": "",
            "tag": hashlib.sha256(part.text.encode()).hexdigest()[:12],
            "language": "the language of the article",
            "max_figures": 10,
            "max_actors": 10,
            "summary_sentences": 3,
        }
        assert call.body["messages"] == [
            {"role": "system", "content": v1.render("system", variables)},
            {"role": "user", "content": v1.render("user", variables)},
        ]
        assert json.dumps(call.body["response_format"]["json_schema"]["schema"], sort_keys=True) == schema


def test_the_candidate_guided_version_writes_the_forms_in_parts(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    """summarize@4 (the embedded model's `formats-local`): picks by number, forms beside them."""
    article = long_read()
    parts = planned(article, version=4)
    assert len(parts) >= 6

    def reply(call: Call) -> Reply:
        answer = faithful(call)
        answer["summary"] = " ".join(first_sentences(part_of(call), 2))  # v4 wants 80 characters or more
        return ok({**answer, "key_figures": [1], "actors": [1]})

    fake_llm.default(reply)
    r = service(context_tokens=CONTEXT_TOKENS, deadline_s=60.0).post(
        "/v1/summaries", json={"text": article, "prompt": "summarize@4", "options": {"formats": ALL}}
    )
    assert r.status_code == 200, r.text
    d = r.json()
    assert len(fake_llm.calls) == len(parts)
    assert d["provenance"]["prompt"]["version"] == 4
    assert (d["headline"], d["dek"]) == (HEADLINE, DEK)
    assert [b["text"] for b in d["bullets"]] == [first_sentences(p.text, 1)[0] for p in parts[:5]]
    assert_cited_in(article, d["bullets"])
    for call in fake_llm.calls:
        assert "Candidate figures:" in call.body["messages"][1]["content"]


def test_a_failing_part_fails_the_request_as_without_formats(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    article = long_read()
    parts = planned(article)
    faithful_reply = replies(article, parts)

    def reply(call: Call) -> Reply:  # the provider refuses the third part (400: no retry)
        return error(400) if article.index(part_of(call)) == parts[2].start else faithful_reply(call)

    fake_llm.default(reply)
    r = service(context_tokens=CONTEXT_TOKENS, deadline_s=60.0).post(
        "/v1/summaries", json={"text": article, "options": {"formats": ALL}}
    )
    assert r.status_code == 502, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].endswith("/llm-failed")


def test_a_failing_part_degrades_to_extractive_bullets_of_the_whole_article(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    article = long_read()
    fake_llm.default(error(400))
    client = service(context_tokens=CONTEXT_TOKENS, deadline_s=60.0, on_llm_failure="degrade")
    d = summarize(client, article, ALL)
    assert d["provenance"]["degraded"] is True
    assert d["provenance"]["engine"] == "extractive"
    assert (d["headline"], d["dek"]) == (None, None)
    assert len(d["bullets"]) == 3
    sentences = {s.text(article) for s in split(article)}
    for bullet in d["bullets"]:
        ((start, end),) = bullet["support"]
        assert article[start:end] in sentences
        assert " ".join(article[start:end].split()) == bullet["text"]
    assert "headline is null: the extractive engine writes none, it quotes the article" in d["warnings"]


# ----------------------------------------------------------------------------- the merge


def _digest(bullets: list[tuple[str, int, int]]) -> Digest:
    return Digest(
        id="dg_x",
        summary="s",
        sentences=[SummarySentence(text="s", support=[[0, 1]])],
        key_figures=[],
        actors=[],
        bullets=[SummarySentence(text=t, support=[[s, e]]) for t, s, e in bullets],
        provenance=Provenance(
            engine="openai",
            model="m",
            prompt=None,
            attempts=1,
            usage=Usage(input_tokens=1, output_tokens=1),
            latency_ms=0,
        ),
        warnings=[],
    )


def test_merge_parts_drops_repeats_by_text_and_by_cited_sentence() -> None:
    a = "The mill reopened in May. Forty people work there."
    b = "The mill reopened in May. Its owner is pleased."
    starts = [0, len(a) + 2]
    first = _digest([("The mill reopened in May.", 0, 25), ("Forty people work there.", 26, 50)])
    two_facts = _digest(
        [("The mill reopened.", 0, 25), ("It reopened in May.", 0, 25), ("Forty people work there.", 26, 50)]
    )
    kept = short_forms.merge_parts(starts, [a, b], [two_facts, first], ["bullets"]).bullets
    # Two bullets of one part citing one sentence both stay, as in one call; part 2's repeats go.
    assert [x.text for x in kept] == ["The mill reopened.", "It reopened in May.", "Forty people work there."]
    second = _digest(
        [
            ("the mill  reopened in May.", 0, 25),  # the same text, spaced and cased otherwise
            ("In May the mill opened again.", 0, 25),  # other words, the same cited sentence
            ("Its owner is pleased.", 26, 47),
        ]
    )
    forms = short_forms.merge_parts(starts, [a, b], [first, second], ["bullets"])
    assert [x.text for x in forms.bullets] == [
        "The mill reopened in May.",
        "Forty people work there.",
        "Its owner is pleased.",
    ]
    article = f"{a}\n\n{b}"
    assert [article[s:e] for x in forms.bullets for s, e in x.support] == [x.text for x in forms.bullets]
    assert forms.warnings == []
    two = short_forms.merge_parts(
        starts, [a, b], [first, _digest([("The mill reopened in May.", 0, 25)])], ["bullets"]
    )
    assert len(two.bullets) == 2
    assert two.warnings == [short_forms.few_bullets_warning(2)]
    assert short_forms.is_few_bullets_warning(two.warnings[0])
    assert short_forms.merge_parts(starts, [a, b], [first, second], ["headline"]).bullets == []


def test_which_part_is_asked_for_which_form() -> None:
    assert short_forms.for_part(["headline", "dek", "bullets"], 0) == ["headline", "dek", "bullets"]
    assert [short_forms.for_part(["dek", "bullets"], k) for k in range(1, 7)] == [["bullets"]] * 4 + [[]] * 2
    assert short_forms.for_part([], 0) == []
    assert short_forms.for_part(["headline"], 1) == []
