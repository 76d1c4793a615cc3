"""`GET /review` in a real headless Chromium (Debian's `chromium` + `chromium-driver`, via Selenium).

The service runs on loopback against the fake LLM, with API keys on. The browser pastes the
seed article, submits, and the tests read the page the way an editor's browser built it:
every `<mark>` holds exactly the article's `text[start:end]` (spans count code points; the
page slices UTF-16), there is one mark per figure, actor mention and quote, hovering a
summary sentence lights exactly its support spans, a 401 and a 422 show their problem's
title and detail, nothing is requested from another origin (Chromium's network log and
the page's resource entries) and the CSP refuses it, `/docs` renders offline, and
`?job=<id>` opens a job's digest.

Without Chromium the browser tests skip, except where `NEWSBRIEF_REQUIRE_CHROMIUM=1` (CI, set
by `.ci/run`, which installs the packages): there a missing browser fails them.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from service.settings import Settings
from tests.answers import FORMATS_GOOD, GOOD, HALLUCINATED, HARBOUR_ARTICLE
from tests.conftest import running_service, wait_for
from tests.fakellm import Call, FakeLLM, Reply, ok

KEY = "sk-review-page-key"
V1 = "summarize@1"  # the scripted answers follow the free-form v1 shape

WebDriver = webdriver.Chrome
WAIT_S = 20.0


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


@pytest.fixture(autouse=True)
def _fake_reset(fake: FakeLLM) -> Iterator[None]:
    """Each test scripts the model itself; whatever it left (a held answer) ends with it."""
    yield
    fake.script()
    fake.default(fake.initial_default)


@pytest.fixture(scope="module")
def base(fake: FakeLLM, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = Settings(
        engine="openai",
        openai_base_url=fake.base_url,
        openai_api_key="test-key",
        model="fake-model",
        llm_backoff_initial_s=0.0,
        llm_backoff_max_s=0.0,
        llm_timeout_s=5.0,
        grounding_workers=0,
        api_keys=(KEY,),
        data_dir=tmp_path_factory.mktemp("review-data"),
    )
    with running_service(settings) as url:
        yield url


def require_chromium() -> tuple[str, str]:
    """Chromium and its driver, or skip (fail under NEWSBRIEF_REQUIRE_CHROMIUM=1, as in CI)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        reason = "the review page tests need Debian's chromium and chromium-driver (apt-get install)"
        if os.environ.get("NEWSBRIEF_REQUIRE_CHROMIUM") == "1":
            pytest.fail(reason + " and NEWSBRIEF_REQUIRE_CHROMIUM=1")
        pytest.skip(reason)
    return browser, driver


def chromium(width: int = 1280, height: int = 900) -> WebDriver:
    """Headless Chromium as root (`--no-sandbox`), logging the network and the console."""
    browser, driver = require_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",  # the browser's own update/safe-browsing calls are not the page's
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(options=options, service=DriverService(executable_path=driver))


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = chromium()
    driver.set_page_load_timeout(WAIT_S)
    driver.set_script_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()


def until(driver: WebDriver, predicate: Any, message: str) -> Any:
    return WebDriverWait(driver, WAIT_S, poll_frequency=0.05).until(predicate, message)


def browser_log(driver: WebDriver, kind: str) -> list[dict[str, Any]]:
    """Chromium's `browser` (console) or `performance` (DevTools) log since the last read (it empties)."""
    entries: list[dict[str, Any]] = driver.get_log(kind)  # type: ignore[no-untyped-call]
    return entries


def console_errors(driver: WebDriver) -> list[str]:
    """SEVERE console entries since the last call."""
    return [e["message"] for e in browser_log(driver, "browser") if e["level"] == "SEVERE"]


def requested_urls(driver: WebDriver) -> list[str]:
    """Every URL the page asked the network for since the last call (Chromium's DevTools log)."""
    urls = []
    for entry in browser_log(driver, "performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def open_page(driver: WebDriver, url: str) -> None:
    driver.get(url)
    until(
        driver, lambda d: d.execute_script("return !!window.newsbriefReview"), "the page script did not start"
    )


def paste(driver: WebDriver, element_id: str, text: str) -> None:
    """What a paste does: the whole value at once (send_keys types one key at a time, BMP only)."""
    driver.execute_script(
        "const e = document.getElementById(arguments[0]); e.value = arguments[1];"
        "e.dispatchEvent(new Event('input', {bubbles: true}));",
        element_id,
        text,
    )


def set_key(driver: WebDriver, key: str) -> None:
    field = driver.find_element(By.ID, "api-key")
    field.clear()
    field.send_keys(key)
    driver.find_element(By.ID, "article").click()  # leaving the field stores it (change event)


def marks(driver: WebDriver) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = driver.execute_script(
        "return [...document.querySelectorAll('#article-view mark')].map(m => ({kind: m.dataset.kind,"
        " start: +m.dataset.start, end: +m.dataset.end, part: m.dataset.part || null,"
        " whole: m.dataset.whole || null, text: m.textContent, tabindex: m.tabIndex,"
        " description: document.getElementById(m.getAttribute('aria-describedby')).textContent}))"
    )
    return found


def summarize(driver: WebDriver) -> None:
    driver.execute_script("document.getElementById('status').textContent = ''")
    driver.find_element(By.ID, "summarize").click()


def wait_for_digest(driver: WebDriver) -> None:
    until(driver, lambda d: d.find_element(By.ID, "status").text.startswith("Digest "), "no digest shown")


def problem_shown(driver: WebDriver) -> tuple[str, str]:
    until(driver, lambda d: d.find_element(By.ID, "problem").is_displayed(), "no problem shown")
    box = driver.find_element(By.ID, "problem")
    title = box.find_element(By.CLASS_NAME, "problem-title").text
    return title, box.find_element(By.CLASS_NAME, "problem-detail").text


def lit_spans(driver: WebDriver) -> list[tuple[int, int]]:
    """The article offsets of the lit segments, merged where they touch."""
    segments = driver.execute_script(
        "return [...document.querySelectorAll('#article-view .seg.lit')]"
        ".map(s => [+s.dataset.start, +s.dataset.end])"
    )
    merged: list[tuple[int, int]] = []
    for start, end in sorted(segments):
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def covered_by(support: list[list[int]], text: str) -> list[tuple[int, int]]:
    """Support spans as `lit_spans` reports them (sorted, touching ones merged)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((s, e) for s, e in support):
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    assert all(text[s:e].strip() for s, e in merged)
    return merged


def expected_marks(digest: dict[str, Any]) -> list[tuple[str, int, int]]:
    spans = [("figure", *f["span"]) for f in digest["key_figures"]]
    spans += [("actor", *m) for a in digest["actors"] for m in a["mentions"]]
    spans += [("quote", *q["span"]) for q in digest.get("quotes", [])]
    return sorted(spans)


def api_digest(base: str, text: str) -> dict[str, Any]:
    """The same request the page makes, over HTTP: a cache hit after the page's call."""
    answer = httpx2.post(
        f"{base}/v1/summaries",
        json={"text": text, "prompt": V1},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    digest: dict[str, Any] = answer.json()
    return digest


def run_job(client: httpx2.Client, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Submit a job over the API and wait until it succeeded; its id and its final view."""
    accepted = client.post("/v1/jobs", json=body)
    assert accepted.status_code == 202, accepted.text
    job_id: str = accepted.json()["id"]

    def finished() -> dict[str, Any] | None:
        view: dict[str, Any] = client.get(f"/v1/jobs/{job_id}").json()
        return view if view["status"] in {"succeeded", "failed", "cancelled"} else None

    view = wait_for(finished, timeout_s=WAIT_S)
    assert view["status"] == "succeeded", view
    return job_id, view


def same_origin(base: str, url: str) -> bool:
    if url.startswith(("data:", "about:", "blob:")):
        return False  # the page uses none of these either
    ours, theirs = urlsplit(base), urlsplit(url)
    return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)


def test_page_is_served_with_a_strict_csp_and_cacheable_assets(base: str) -> None:
    with httpx2.Client(base_url=base, timeout=30) as client:
        page = client.get("/review")  # public: the page holds nothing; its /v1 calls need the key
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        csp = page.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp
        assert page.headers["cache-control"] == "no-cache"
        assert client.get("/review", headers={"If-None-Match": page.headers["etag"]}).status_code == 304
        head = client.head("/review")  # link checkers and monitors: the headers, no body
        assert head.status_code == 200
        assert head.headers["etag"] == page.headers["etag"]
        assert head.content == b""
        assert "http://" not in page.text
        assert "https://" not in page.text
        assets = [a for a in page.text.split('"') if a.startswith("/review/assets/")]
        assert len(assets) == 3, assets  # the stylesheet, the script, the icon
        for path in assets:
            asset = client.get(path)
            assert asset.status_code == 200, path
            assert "immutable" in asset.headers["cache-control"]
            assert client.head(path).status_code == 200, path
        missing = client.get("/review/assets/review.000000000000.js")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        # The API still needs a key.
        assert client.post("/v1/summaries", json={"text": "x"}).status_code == 401


def test_seed_digest_marks_are_exact_and_sentences_light_their_support(
    browser: WebDriver, base: str, fake: FakeLLM, seed_text: str
) -> None:
    fake.default(ok(HALLUCINATED))  # one invented figure and actor: dropped with warnings
    # A line with characters outside the BMP first: the API counts code points, the DOM UTF-16 units.
    article = "Live 📰 update 𝟚: the coalition\n\n" + seed_text
    open_page(browser, f"{base}/review")
    console_errors(browser)
    requested_urls(browser)
    set_key(browser, KEY)
    paste(browser, "article", article)
    browser.find_element(By.ID, "prompt").clear()
    browser.find_element(By.ID, "prompt").send_keys(V1)
    summarize(browser)
    wait_for_digest(browser)
    digest = api_digest(base, article)

    shown = marks(browser)
    assert shown
    for mark in shown:
        assert mark["text"] == article[mark["start"] : mark["end"]], mark
        assert mark["tabindex"] == 0  # reachable with the keyboard
        assert mark["description"].lower().startswith(mark["kind"])  # described for a screen reader
        assert mark["part"] is None  # nothing crosses in this digest
    assert sorted((m["kind"], m["start"], m["end"]) for m in shown) == expected_marks(digest)
    mentions = sum(len(a["mentions"]) for a in digest["actors"])
    assert len(shown) == len(digest["key_figures"]) + mentions + len(digest["quotes"])
    # The seed quotes nobody (its “coalition of the willing” names an initiative): quotes are shown
    # from real digests by test_quotes_and_crossing_highlights_keep_every_mark_exact
    assert [m["kind"] for m in shown].count("quote") == len(digest["quotes"])
    listed = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#quotes li")]
    assert len(listed) == len(digest["quotes"])
    for line, quote in zip(listed, digest["quotes"], strict=True):
        assert quote["text"] in line
        assert quote["speaker"] is None or quote["speaker"] in line

    warnings = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#warnings li")]
    assert warnings == digest["warnings"]
    assert any("£2 billion" in w for w in warnings)
    provenance = browser.find_element(By.ID, "provenance").text
    assert "fake-model" in provenance
    assert "summarize@1" in provenance
    shown_json = json.loads(browser.find_element(By.ID, "json").get_attribute("textContent") or "")
    assert shown_json["key_figures"] == digest["key_figures"]

    sentences = browser.find_elements(By.CSS_SELECTOR, "#sentences .sentence")
    assert [s.text for s in sentences] == [s["text"] for s in digest["sentences"]]
    for element, sentence in zip(sentences, digest["sentences"], strict=True):
        ActionChains(browser).move_to_element(element).perform()
        lit = browser.execute_script(
            "return [...document.querySelectorAll('#article-view .seg.lit')]"
            ".map(s => [+s.dataset.start, +s.dataset.end, s.textContent])"
        )
        assert lit
        for start, end, text in lit:
            assert text == article[start:end]
            assert any(s <= start and end <= e for s, e in sentence["support"])
        covered = sum(end - start for start, end, _ in lit)
        assert covered == sum(e - s for s, e in sentence["support"])  # every support char lit, once
    ActionChains(browser).move_to_element(browser.find_element(By.ID, "digest-h")).perform()
    assert not browser.find_elements(By.CSS_SELECTOR, "#article-view .seg.lit")

    # Keyboard: a focused sentence lights its support; Enter pins it, so it stays lit after blur.
    first = sentences[0]
    browser.execute_script("arguments[0].focus()", first)
    assert lit_spans(browser) == covered_by(digest["sentences"][0]["support"], article)
    first.send_keys(Keys.ENTER)
    assert first.get_attribute("aria-pressed") == "true"
    browser.execute_script("arguments[0].blur()", first)
    assert lit_spans(browser) == covered_by(digest["sentences"][0]["support"], article)

    # Copy JSON puts the digest on the clipboard (permission granted as a user would).
    browser.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": base, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    browser.find_element(By.ID, "copy-json").click()
    until(browser, lambda d: d.find_element(By.ID, "copy-status").text == "Copied.", "not copied")
    copied = browser.execute_async_script("navigator.clipboard.readText().then(arguments[0])")
    assert json.loads(copied) == shown_json

    # The figure list jumps to its mark.
    browser.find_element(By.CSS_SELECTOR, "#figures .jump").click()
    focused = browser.execute_script(
        "const m = document.activeElement; return [m.dataset.kind, +m.dataset.start]"
    )
    assert focused == ["figure", digest["key_figures"][0]["span"][0]]

    # The prompt field offers the catalogue once a call has worked.
    choices = browser.execute_script(
        "return [...document.querySelectorAll('#prompt-list option')].map(o => o.value)"
    )
    assert {"summarize", "summarize@1", "summarize@canary"} <= set(choices)

    assert console_errors(browser) == []
    urls = requested_urls(browser)
    assert any(u.endswith("/v1/summaries") for u in urls)
    assert [u for u in urls if not same_origin(base, u)] == []
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources
    assert [u for u in resources if not same_origin(base, u)] == []


def test_wrong_key_and_invalid_request_show_their_problem(
    browser: WebDriver, base: str, fake: FakeLLM
) -> None:
    fake.default(ok(GOOD))
    open_page(browser, f"{base}/review")
    console_errors(browser)
    set_key(browser, "sk-not-a-key")
    paste(browser, "article", "The council approved 12 new buses on Monday.")
    summarize(browser)
    with httpx2.Client(base_url=base, timeout=30) as client:  # the same requests, straight to the API
        unauthorized = client.post(
            "/v1/summaries", json={"text": "x"}, headers={"Authorization": "Bearer no"}
        )
        invalid = client.post(
            "/v1/summaries", json={"text": "   \n "}, headers={"Authorization": f"Bearer {KEY}"}
        )
    assert (unauthorized.status_code, invalid.status_code) == (401, 422)
    assert problem_shown(browser) == (unauthorized.json()["title"], unauthorized.json()["detail"])
    assert "Authorization: Bearer" in unauthorized.json()["detail"]
    assert "(401)" in browser.find_element(By.ID, "problem").text

    set_key(browser, KEY)
    paste(browser, "article", "   \n ")
    summarize(browser)
    until(browser, lambda d: "(422)" in d.find_element(By.ID, "problem").text, "no 422 shown")
    assert problem_shown(browser) == (invalid.json()["title"], invalid.json()["detail"])
    assert "the article is empty" in invalid.json()["detail"]
    errors_listed = browser.find_elements(By.CSS_SELECTOR, "#problem .problem-errors li")
    assert len(errors_listed) == len(invalid.json()["errors"])
    # The only console errors are Chromium's own lines for the two refused requests.
    errors = console_errors(browser)
    assert len(errors) == 2, errors
    assert all("Failed to load resource" in e for e in errors), errors
    assert "401" in errors[0]
    assert "422" in errors[1]


def test_verify_form_names_the_unsupported_sentence(browser: WebDriver, base: str, seed_text: str) -> None:
    open_page(browser, f"{base}/review")
    set_key(browser, KEY)
    paste(browser, "article", seed_text)
    dek = "The UK announced a £1.6 billion missile deal. Brazil sent 40 warships to the Arctic."
    paste(browser, "verify-summary", dek)
    browser.find_element(By.ID, "verify").click()
    until(browser, lambda d: d.find_element(By.ID, "verify-verdict").text, "no verdict")
    with httpx2.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {KEY}"}) as client:
        verdict = client.post("/v1/verify", json={"text": seed_text, "summary": dek}).json()
    assert not verdict["supported"]
    assert browser.find_element(By.ID, "verify-verdict").text.startswith("Not supported")
    items = browser.find_elements(By.CSS_SELECTOR, "#verdicts > li")
    assert len(items) == len(verdict["sentences"])
    for item, sentence in zip(items, verdict["sentences"], strict=True):
        assert item.find_element(By.CLASS_NAME, "sentence").text == sentence["text"]
        assert ("unsupported" if not sentence["supported"] else "supported") in item.text
        for problem in sentence["problems"]:
            assert problem in item.text
    unsupported = [s for s in verdict["sentences"] if not s["supported"]]
    assert unsupported
    assert "Brazil" in unsupported[0]["text"]
    assert console_errors(browser) == []


def test_job_link_follows_the_job_until_its_digest(
    browser: WebDriver, base: str, fake: FakeLLM, seed_text: str
) -> None:
    release = threading.Event()

    def held(call: Call) -> Reply:  # the model answers only once the page has seen the job running
        release.wait(WAIT_S)
        return ok(GOOD)

    fake.default(held)
    paragraphs = "".join(f"<p>{p}</p>" for p in seed_text.split("\n\n") if p.strip())
    html = f"<html><head><title>Seed</title></head><body><article>{paragraphs}</article></body></html>"
    auth = {"Authorization": f"Bearer {KEY}"}
    open_page(browser, f"{base}/review")  # the key stays in this tab's sessionStorage
    with httpx2.Client(base_url=base, timeout=30, headers=auth) as client:
        accepted = client.post("/v1/jobs", json={"html": html, "prompt": V1})
        assert accepted.status_code == 202, accepted.text
        job_id = accepted.json()["id"]
        open_page(browser, f"{base}/review?job={job_id}")
        assert browser.find_element(By.ID, "api-key").get_attribute("value") == KEY
        until(browser, lambda d: "running…" in d.find_element(By.ID, "status").text, "job not followed")
        release.set()
        until(browser, lambda d: d.find_element(By.ID, "status").text.startswith("Digest "), "no digest")
        view = client.get(f"/v1/jobs/{job_id}").json()
    assert view["status"] == "succeeded", view
    digest, text = view["digest"], view["digest"]["text"]
    assert browser.find_element(By.ID, "status").text.startswith(f"Digest {digest['id']}")
    shown = marks(browser)
    assert sorted((m["kind"], m["start"], m["end"]) for m in shown) == expected_marks(digest)
    assert all(m["text"] == text[m["start"] : m["end"]] for m in shown)
    assert console_errors(browser) == []


def test_job_sent_as_text_is_shown_once_its_article_is_pasted(
    browser: WebDriver, base: str, fake: FakeLLM, seed_text: str
) -> None:
    fake.default(ok(GOOD))
    article = seed_text + "\n\nUpdated at 09:00."  # not in the cache: a new job runs
    with httpx2.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {KEY}"}) as client:
        job_id, view = run_job(client, {"text": article, "prompt": V1})
    digest = view["digest"]
    assert digest["text"] is None  # a text job's view does not carry its article
    open_page(browser, f"{base}/review?job={job_id}")
    until(browser, lambda d: "paste that article" in d.find_element(By.ID, "status").text, "no paste prompt")
    paste(browser, "article", "Another article altogether, with 3 figures.")
    browser.find_element(By.ID, "show-job").click()
    assert problem_shown(browser)[0] == "Not the job's article"
    paste(browser, "article", article)
    browser.find_element(By.ID, "show-job").click()
    wait_for_digest(browser)
    shown = marks(browser)
    assert sorted((m["kind"], m["start"], m["end"]) for m in shown) == expected_marks(digest)
    assert all(m["text"] == article[m["start"] : m["end"]] for m in shown)


def test_formats_checkboxes_show_headline_and_bullets_linked_to_their_support(
    browser: WebDriver, base: str, fake: FakeLLM
) -> None:
    asked = {k: v for k, v in FORMATS_GOOD.items() if k != "dek"}
    fake.default(ok(asked))
    fake.reset_calls()
    open_page(browser, f"{base}/review")
    set_key(browser, KEY)
    paste(browser, "article", HARBOUR_ARTICLE)
    browser.find_element(By.ID, "format-headline").click()
    browser.find_element(By.ID, "format-bullets").click()
    summarize(browser)
    wait_for_digest(browser)
    (call,) = fake.calls  # the page asked for the two checked forms, and only those
    required = call.body["response_format"]["json_schema"]["schema"]["required"]
    assert "headline" in required
    assert "bullets" in required
    assert "dek" not in required
    assert browser.find_element(By.ID, "headline").text == FORMATS_GOOD["headline"]
    assert not browser.find_elements(By.ID, "dek")
    shown_json = json.loads(browser.find_element(By.ID, "json").get_attribute("textContent") or "")
    assert shown_json["dek"] is None
    bullets = browser.find_elements(By.CSS_SELECTOR, "#bullets .sentence")
    assert [b.text for b in bullets] == FORMATS_GOOD["bullets"]
    for element, bullet in zip(bullets, shown_json["bullets"], strict=True):
        ActionChains(browser).move_to_element(element).perform()
        assert lit_spans(browser) == covered_by(bullet["support"], HARBOUR_ARTICLE)
    bullets[1].send_keys(Keys.ENTER)  # pinned, like a summary sentence
    ActionChains(browser).move_to_element(browser.find_element(By.ID, "digest-h")).perform()
    assert lit_spans(browser) == covered_by(shown_json["bullets"][1]["support"], HARBOUR_ARTICLE)
    for mark in marks(browser):
        assert mark["text"] == HARBOUR_ARTICLE[mark["start"] : mark["end"]]
    assert console_errors(browser) == []


def test_quotes_and_crossing_highlights_keep_every_mark_exact(browser: WebDriver, base: str) -> None:
    """The renderer on a digest built here: quotes (issue 11's shape), figures inside a quote, an
    actor mention crossing a quote's end (split), a figure with the same span as the mention's
    first part (nested inside it), characters outside the BMP before them all."""
    text = "Mayor 🙂 Ana Ruiz said “we will hire 40 more 𝐝rivers by May” Ana Ruiz Group added 3 routes."

    def span(needle: str) -> list[int]:  # Python code points, like the API's spans
        start = text.index(needle)
        return [start, start + len(needle)]

    quote = span("we will hire 40 more 𝐝rivers by May")
    crossing = [quote[1] - 3, quote[1] + 2]  # "May” A": starts inside the quote, ends after it
    may = [quote[1] - 3, quote[1]]  # the quote's last word ("Mayor" comes first in the text)
    digest = {
        "id": "dg_constructed",
        "summary": "Ana Ruiz plans 40 more drivers.",
        "sentences": [{"text": "Ana Ruiz plans 40 more drivers.", "support": [[0, quote[1] + 1]]}],
        "key_figures": [
            {
                "text": "40",
                "span": span("40"),
                "value": 40.0,
                "unit": "drivers",
                "kind": "count",
                "context": "x",
            },
            {"text": "3", "span": span("3"), "value": 3.0, "unit": "routes", "kind": "count", "context": "y"},
            {"text": "May", "span": may, "value": None, "unit": None, "kind": "date", "context": "z"},
        ],
        "actors": [
            {"name": "Ana Ruiz", "kind": "person", "role": "mayor", "mentions": [span("Ana Ruiz")]},
            {"name": "May", "kind": "other", "role": None, "mentions": [crossing]},
            {"name": "Ruiz Group", "kind": "organization", "role": None, "mentions": [span("Ruiz Group")]},
        ],
        "quotes": [
            {
                "text": text[quote[0] : quote[1]],
                "span": quote,
                "speaker": "Ana Ruiz",
                "speaker_mention": span("Ana Ruiz"),
            }
        ],
        "provenance": {
            "engine": "extractive",
            "model": "none",
            "prompt": None,
            "attempts": 1,
            "usage": {"input_tokens": 0, "output_tokens": 0},
            "latency_ms": 1,
        },
        "warnings": [],
    }
    open_page(browser, f"{base}/review")
    browser.execute_script("window.newsbriefReview.showDigest(arguments[0], arguments[1])", digest, text)
    shown = marks(browser)
    for mark in shown:
        assert mark["text"] == text[mark["start"] : mark["end"]], mark
    wholes = {(m["kind"], *map(int, (m["whole"] or f"{m['start']}-{m['end']}").split("-"))) for m in shown}
    assert sorted(wholes) == expected_marks(digest)  # one item each (a split item counted once)
    parts = [m for m in shown if m["part"]]
    assert [(p["start"], p["end"], p["part"]) for p in parts] == [
        (crossing[0], quote[1], "1"),
        (quote[1], crossing[1], "2"),
    ]
    nested = browser.execute_script(
        "return [...document.querySelectorAll('mark[data-kind=quote] mark')].map(m => m.dataset.kind)"
    )
    # Inside the quote: the figure "40", the crossing mention's first part, and inside that part the
    # figure "May" of the same span (equal spans nest quote > actor > figure).
    assert nested == ["figure", "actor", "figure"]
    parent = browser.execute_script(
        "const m = document.querySelector('mark[data-kind=figure][data-start=\"' + arguments[0] + '\"]');"
        "return [m.parentElement.dataset.kind, m.parentElement.dataset.part]",
        may[0],
    )
    assert parent == ["actor", "1"]
    quotes = browser.find_elements(By.CSS_SELECTOR, "#quotes li")
    assert len(quotes) == 1
    assert "Ana Ruiz" in quotes[0].text


def test_random_overlapping_spans_render_exactly(browser: WebDriver, base: str) -> None:
    """300 digests of random spans (nested, crossing, equal, adjacent) on text with astral characters."""
    rng = random.Random(12)
    alphabet = "ab c,d.\n£€—“”🙂𝐝"  # one- and two-unit characters in UTF-16
    cases = []
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        items = []
        for _ in range(rng.randint(0, 8)):
            start = rng.randrange(len(text))
            items.append((rng.choice(["figure", "actor", "quote"]), start, rng.randint(start + 1, len(text))))
        digest = {
            "id": "dg_random",
            "sentences": [],
            "key_figures": [
                {
                    "text": text[s:e],
                    "span": [s, e],
                    "value": None,
                    "unit": None,
                    "kind": "other",
                    "context": "",
                }
                for kind, s, e in items
                if kind == "figure"
            ],
            "actors": [
                {"name": text[s:e], "kind": "other", "role": None, "mentions": [[s, e]]}
                for kind, s, e in items
                if kind == "actor"
            ],
            "quotes": [
                {"text": text[s:e], "span": [s, e], "speaker": None, "speaker_mention": None}
                for kind, s, e in items
                if kind == "quote"
            ],
            "provenance": {},
            "warnings": [],
        }
        cases.append((text, digest, items))
    open_page(browser, f"{base}/review")
    rendered = browser.execute_script(
        "return arguments[0].map(([text, digest]) => {"
        " window.newsbriefReview.showDigest(digest, text);"
        " return [document.getElementById('article-view').textContent,"
        "  [...document.querySelectorAll('#article-view mark')].map(m => [m.dataset.kind,"
        "   +m.dataset.start, +m.dataset.end, m.dataset.part || null, m.dataset.whole || null,"
        "   m.textContent])]; })",
        [[text, digest] for text, digest, _ in cases],
    )
    for (text, _, items), (shown_text, shown) in zip(cases, rendered, strict=True):
        assert shown_text == text
        firsts: Counter[tuple[str, int, int]] = Counter()
        covered: Counter[tuple[str, int, int]] = Counter()
        for kind, start, end, part, whole, content in shown:
            assert content == text[start:end], (text, kind, start, end)
            item = (kind, *map(int, whole.split("-"))) if whole else (kind, start, end)
            firsts[item] += part in (None, "1")
            covered[item] += end - start
        assert firsts == Counter(items), text  # one mark, or one first part, per item
        split = {(k, *map(int, w.split("-"))) for k, _, _, part, w, _ in shown if part}
        for _, start, end in split:  # split only where it crosses another item: else nested
            assert any(s < start < e < end or start < s < end < e for _, s, e in items), (text, start, end)
        assert covered == Counter({i: n * (i[2] - i[1]) for i, n in Counter(items).items()}), text


def test_html_article_on_a_phone_fits_and_other_origins_are_refused(
    base: str, fake: FakeLLM, seed_text: str
) -> None:
    fake.default(ok(GOOD))
    paragraphs = "".join(f"<p>{p}</p>" for p in seed_text.split("\n\n") if p.strip())
    html = f"<html><body><nav>Home | World</nav><article>{paragraphs}</article></body></html>"
    driver = chromium(width=375, height=800)
    try:
        open_page(driver, f"{base}/review")
        set_key(driver, KEY)
        driver.find_element(By.CSS_SELECTOR, "input[name=source][value=html]").click()
        paste(driver, "article", html)
        driver.find_element(By.ID, "prompt").clear()
        driver.find_element(By.ID, "prompt").send_keys(V1)
        summarize(driver)
        wait_for_digest(driver)
        with httpx2.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {KEY}"}) as client:
            digest = client.post("/v1/summaries", json={"html": html, "prompt": V1}).json()
        text = digest["text"]  # spans index the extracted text, which the page shows
        shown = marks(driver)
        assert sorted((m["kind"], m["start"], m["end"]) for m in shown) == expected_marks(digest)
        assert all(m["text"] == text[m["start"] : m["end"]] for m in shown)
        assert driver.find_element(By.ID, "article-view").text.replace("\n", "") == text.replace("\n", "")
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0  # no sideways scrolling at 375 px, digest shown
        view, panel = (driver.find_element(By.CSS_SELECTOR, c).rect for c in (".article-view", ".digest"))
        assert panel["y"] >= view["y"] + view["height"]  # one column: the digest under the article
        assert console_errors(driver) == []
        # The CSP refuses a fetch to another origin (were the script ever made to try one).
        refused = driver.execute_async_script(
            "const done = arguments[0];"
            "document.addEventListener('securitypolicyviolation',"
            " e => done(e.effectiveDirective), {once: true});"
            "fetch('http://127.0.0.2:9/x').catch(() => {});"
        )
        assert refused == "connect-src"
    finally:
        driver.quit()


def test_docs_render_offline_in_the_browser(browser: WebDriver, base: str) -> None:
    requested_urls(browser)
    console_errors(browser)
    browser.get(f"{base}/docs")
    until(
        browser,
        lambda d: d.find_elements(By.CSS_SELECTOR, ".swagger-ui .opblock"),
        "Swagger UI did not render",
    )
    assert browser.find_elements(By.CSS_SELECTOR, '.opblock-summary-path[data-path="/v1/summaries"]')
    urls = requested_urls(browser)
    assert any(u.endswith("/openapi.json") for u in urls)
    assert [u for u in urls if not same_origin(base, u)] == []
    assert console_errors(browser) == []


def test_static_files_ship_in_the_package() -> None:
    import service

    folder = Path(service.__file__).parent / "static" / "review"
    assert {p.name for p in folder.iterdir()} >= {"index.html", "review.css", "review.js", "icon.svg"}
