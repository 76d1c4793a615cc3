/* newsbrief review page: a digest shown on its article, every claim at its source.
 *
 * Plain script, no framework, no build step. Every call goes to the service's own /v1 routes
 * with the key typed on the page (kept in sessionStorage for this tab only). The article is
 * untrusted text: the view is built with createElement/textContent only (the page's CSP
 * enforces Trusted Types, so an innerHTML sink would throw).
 *
 * Offsets: the API's spans count Unicode code points (Python str indices); the DOM counts
 * UTF-16 units. Everything here keeps the API's offsets (data-start/data-end are those) and
 * converts once, through `units`, when slicing the article.
 *
 * Overlaps: a highlight inside another (a figure inside a quote, an actor mention inside a
 * quote) is NESTED: the inner <mark> is a child of the outer one, so each still holds exactly
 * text[start:end]. Equal spans nest quote > actor > figure. Two highlights that CROSS (neither
 * contains the other) cannot both be one element: the later one is SPLIT at the boundary into
 * parts, each a <mark> holding exactly text[part start:part end] with data-part="1", "2", ...
 * and data-whole="S-E" (the item's own span). Support spans never split a mark: the text is
 * cut at every mark and support boundary into leaf <span class="seg">, and a sentence lights
 * its support by putting the class "lit" on the segments inside its spans.
 */
"use strict";

(() => {
  const KEY_STORE = "newsbrief.apiKey";
  const KIND_ORDER = { quote: 0, actor: 1, figure: 2 };
  const JOB_POLL_MS = 1000;
  const JOB_POLL_MAX = 600; // 10 minutes of polling at most, then the page says so
  const $ = (id) => document.getElementById(id);

  const state = {
    text: null, // the article as the spans index it
    units: null, // code point offset -> UTF-16 offset
    digest: null,
    verification: null,
    pinned: null, // the support list a click pinned
    jobDigest: null, // a job's digest without its article (text input): waiting for the article
  };

  // ---- small DOM helpers (textContent only)
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) node.append(child);
    return node;
  }

  function setStatus(message) {
    $("status").textContent = message || "";
  }

  // ---- offsets
  function unitOffsets(text) {
    const units = [0];
    let at = 0;
    for (const ch of text) {
      at += ch.length;
      units.push(at);
    }
    return units;
  }

  function slice(start, end) {
    return state.text.slice(state.units[start], state.units[end]);
  }

  // ---- the API
  function apiKey() {
    return $("api-key").value.trim();
  }

  function problemOf(response, payload) {
    if (payload && typeof payload === "object" && payload.title) return { ...payload, status: response.status };
    const text = typeof payload === "string" ? payload.slice(0, 300) : "";
    return { title: `HTTP ${response.status}`, status: response.status, detail: text || response.statusText };
  }

  async function call(method, path, body, { quiet = false } = {}) {
    if (!quiet) hideProblem();
    const headers = { Accept: "application/json, application/problem+json" };
    const key = apiKey();
    if (key) headers.Authorization = `Bearer ${key}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    let payload = null;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit", // the key is the only credential, sent explicitly
      });
    } catch (err) {
      if (!quiet) showProblem({ title: "The service did not answer", detail: String(err && err.message) });
      return null;
    }
    try {
      const type = response.headers.get("content-type") || "";
      payload = type.includes("json") ? await response.json() : await response.text();
    } catch (err) {
      if (!quiet) showProblem({ title: `HTTP ${response.status}: unreadable answer`, detail: String(err && err.message) });
      return null;
    }
    if (!response.ok) {
      if (!quiet) showProblem(problemOf(response, payload));
      return null;
    }
    return payload;
  }

  function hideProblem() {
    $("problem").hidden = true;
  }

  function showProblem(problem) {
    const box = $("problem");
    box.querySelector(".problem-title").textContent = problem.title || "Error";
    box.querySelector(".problem-status").textContent = problem.status ? `(${problem.status})` : "";
    box.querySelector(".problem-detail").textContent = problem.detail || "";
    const list = box.querySelector(".problem-errors");
    list.replaceChildren();
    for (const e of problem.errors || []) {
      const where = (e.loc || []).filter((p) => p !== "body").join(".");
      list.append(el("li", { text: `${where || "body"}: ${e.msg || ""}` }));
    }
    box.hidden = false;
    setStatus("");
  }

  // ---- what the article view highlights
  function figureLabel(f) {
    const value =
      f.value === null || f.value === undefined ? "" : ` = ${f.value.toLocaleString("en")}${f.unit ? ` ${f.unit}` : ""}`;
    const unit = f.value === null && f.unit ? ` (${f.unit})` : "";
    return `Figure, ${f.kind}: ${f.text}${value}${unit}${f.context ? `. ${f.context}` : ""}`;
  }

  function actorLabel(a) {
    return `Actor, ${a.kind}: ${a.name}${a.role ? `, ${a.role}` : ""}`;
  }

  function quoteLabel(q) {
    return `Quote, ${q.speaker ? `said by ${q.speaker}` : "speaker not named in the article"}`;
  }

  function highlightsOf(digest) {
    const items = [];
    for (const f of digest.key_figures || []) items.push({ kind: "figure", span: f.span, label: figureLabel(f) });
    for (const a of digest.actors || []) {
      for (const m of a.mentions || []) items.push({ kind: "actor", span: m, label: actorLabel(a) });
    }
    for (const q of digest.quotes || []) items.push({ kind: "quote", span: q.span, label: quoteLabel(q) });
    return items.map((item, index) => ({ ...item, start: item.span[0], end: item.span[1], id: index }));
  }

  function fits(range, length) {
    const [start, end] = range;
    return Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= length;
  }

  function byPosition(a, b) {
    return a.start - b.start || b.end - a.end || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.id - b.id;
  }

  /* Nest the highlights into a tree over [0, length); split the ones that cross (see the top). */
  function layout(items, length) {
    const queue = [...items].sort(byPosition);
    const root = { start: 0, end: length, children: [] };
    const open = [root];
    while (queue.length) {
      let item = queue.shift();
      while (open.length > 1 && open[open.length - 1].end <= item.start) open.pop();
      const parent = open[open.length - 1];
      if (item.end > parent.end) {
        const part = item.part || 1;
        const tail = { ...item, start: parent.end, part: part + 1 };
        item = { ...item, end: parent.end, part };
        const at = queue.findIndex((other) => byPosition(tail, other) < 0);
        queue.splice(at < 0 ? queue.length : at, 0, tail);
      }
      const node = { ...item, children: [] };
      parent.children.push(node);
      open.push(node);
    }
    return root;
  }

  /* Render the article into `view`: marks (nested), leaf segments cut at every support boundary. */
  function renderArticle(view, descriptions, text, items, supportRanges) {
    state.text = text;
    state.units = unitOffsets(text);
    const length = state.units.length - 1;
    const usable = items.filter((item) => fits(item.span, length));
    const cuts = new Set();
    for (const range of supportRanges) if (fits(range, length)) range.forEach((c) => cuts.add(c));
    const sortedCuts = [...cuts].sort((a, b) => a - b);
    let described = 0;

    function segments(parent, start, end) {
      let at = start;
      for (const cut of sortedCuts) {
        if (cut <= at) continue;
        if (cut >= end) break;
        parent.append(el("span", { class: "seg", "data-start": at, "data-end": cut, text: slice(at, cut) }));
        at = cut;
      }
      if (at < end) parent.append(el("span", { class: "seg", "data-start": at, "data-end": end, text: slice(at, end) }));
    }

    function emit(node, parent) {
      let at = node.start;
      for (const child of node.children) {
        segments(parent, at, child.start);
        const id = `hl-desc-${described++}`;
        const part = child.part ? ` (part ${child.part})` : "";
        descriptions.append(el("span", { id, text: child.label + part }));
        const mark = el("mark", {
          class: `hl hl-${child.kind}`,
          "data-kind": child.kind,
          "data-start": child.start,
          "data-end": child.end,
          "data-part": child.part || null,
          "data-whole": child.part ? `${child.span[0]}-${child.span[1]}` : null,
          "aria-describedby": id,
          tabindex: 0,
        });
        emit(child, mark);
        parent.append(mark);
        at = child.end;
      }
      segments(parent, at, node.end);
    }

    view.replaceChildren();
    descriptions.replaceChildren();
    emit(layout(usable, length), view);
    return { shown: usable.length, skipped: items.length - usable.length };
  }

  // ---- lighting support
  function light(ranges) {
    for (const seg of document.querySelectorAll("#article-view .seg.lit")) seg.classList.remove("lit");
    for (const mark of document.querySelectorAll("#article-view mark.lit")) mark.classList.remove("lit");
    if (!ranges || !ranges.length) return null;
    let first = null;
    const inside = (node) => {
      const start = Number(node.dataset.start);
      const end = Number(node.dataset.end);
      return ranges.some(([s, e]) => s <= start && end <= e);
    };
    for (const seg of document.querySelectorAll("#article-view .seg")) {
      if (inside(seg)) {
        seg.classList.add("lit");
        first = first || seg;
      }
    }
    for (const mark of document.querySelectorAll("#article-view mark")) if (inside(mark)) mark.classList.add("lit");
    return first;
  }

  /* A list of sentences (summary, bullets, verdicts), each lighting its support spans. */
  function linkedList(list, entries) {
    list.replaceChildren();
    entries.forEach((entry, index) => {
      const support = entry.support || [];
      const sentence = el("span", {
        class: `sentence${entry.supported === false ? " unsupported" : ""}`,
        tabindex: 0,
        role: "button",
        "aria-pressed": "false",
        "data-index": index,
        "aria-description": support.length
          ? `supported by ${support.length} passage${support.length > 1 ? "s" : ""} of the article`
          : "no supporting passage in the article",
        text: entry.text,
      });
      const item = el("li", {}, sentence);
      if (entry.extra) item.append(entry.extra);
      const enter = () => light(support);
      const leave = () => light(state.pinned);
      const toggle = () => {
        const pinned = sentence.getAttribute("aria-pressed") === "true";
        for (const other of document.querySelectorAll(".sentence[aria-pressed=true]")) {
          other.setAttribute("aria-pressed", "false");
        }
        state.pinned = pinned ? null : support;
        sentence.setAttribute("aria-pressed", String(!pinned));
        const first = light(state.pinned);
        if (first) first.scrollIntoView({ block: "nearest" });
      };
      sentence.addEventListener("mouseenter", enter);
      sentence.addEventListener("mouseleave", leave);
      sentence.addEventListener("focus", enter);
      sentence.addEventListener("blur", leave);
      sentence.addEventListener("click", toggle);
      sentence.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          toggle();
        }
      });
      list.append(item);
    });
  }

  function focusMark(kind, span) {
    const mark = document.querySelector(`#article-view mark[data-kind="${kind}"][data-start="${span[0]}"]`);
    if (mark) mark.focus();
  }

  function itemList(list, entries) {
    list.replaceChildren();
    for (const { text, note, kind, span } of entries) {
      const button = el("button", { type: "button", class: `jump jump-${kind}`, text });
      button.addEventListener("click", () => focusMark(kind, span));
      list.append(el("li", {}, button, note ? el("span", { class: "note", text: ` ${note}` }) : ""));
    }
  }

  // ---- the digest panel
  function supportsOf(digest, verification) {
    const ranges = [];
    for (const s of (digest && digest.sentences) || []) ranges.push(...s.support);
    for (const b of (digest && digest.bullets) || []) ranges.push(...(b.support || []));
    for (const v of (verification && verification.sentences) || []) ranges.push(...v.support);
    return ranges;
  }

  function drawArticle() {
    const items = state.digest ? highlightsOf(state.digest) : [];
    const drawn = renderArticle($("article-view"), $("descriptions"), state.text, items, supportsOf(state.digest, state.verification));
    state.pinned = null;
    $("result").hidden = false;
    return drawn;
  }

  function showDigest(digest, text) {
    state.digest = digest;
    state.verification = null;
    state.text = text;
    $("verdicts").replaceChildren();
    $("verify-verdict").textContent = "";
    const drawn = drawArticle();
    document.querySelector(".digest").hidden = false;

    // The short forms the request asked for (options.formats): null / [] when not asked or dropped.
    const formats = $("formats");
    formats.replaceChildren();
    if (digest.headline) formats.append(el("p", { class: "headline", id: "headline", text: digest.headline }));
    if (digest.dek) formats.append(el("p", { class: "dek", id: "dek", text: digest.dek }));
    if (digest.bullets && digest.bullets.length) {
      const bullets = el("ul", { class: "sentences bullets", id: "bullets" });
      linkedList(bullets, digest.bullets);
      formats.append(el("h3", { text: "Bullets" }), bullets);
    }
    linkedList($("sentences"), digest.sentences || []);

    const warnings = digest.warnings || [];
    $("warnings").replaceChildren(...warnings.map((w) => el("li", { text: w })));
    $("warnings-box").hidden = warnings.length === 0;

    itemList(
      $("figures"),
      (digest.key_figures || []).map((f) => ({
        kind: "figure",
        span: f.span,
        text: f.text,
        note: `${f.kind}${f.value === null ? "" : `, ${f.value.toLocaleString("en")}`}${f.unit ? ` ${f.unit}` : ""}`,
      })),
    );
    itemList(
      $("actors"),
      (digest.actors || []).map((a) => ({
        kind: "actor",
        span: a.mentions[0],
        text: a.name,
        note: `${a.kind}${a.role ? `, ${a.role}` : ""}; ${a.mentions.length} mention${a.mentions.length > 1 ? "s" : ""}`,
      })),
    );
    const quotes = digest.quotes || [];
    itemList(
      $("quotes"),
      quotes.map((q) => ({ kind: "quote", span: q.span, text: `“${q.text}”`, note: q.speaker ? `— ${q.speaker}` : "" })),
    );
    $("quotes-box").hidden = quotes.length === 0;

    const p = digest.provenance || {};
    const rows = [
      ["engine", p.engine],
      ["model", p.model],
      ["prompt", p.prompt ? `${p.prompt.name}@${p.prompt.version} (sha256 ${p.prompt.sha256.slice(0, 12)}…)` : "none"],
      ["attempts", p.attempts],
      ["tokens", p.usage ? `${p.usage.input_tokens} in, ${p.usage.output_tokens} out` : ""],
      ["latency", `${p.latency_ms} ms`],
      ["cached", p.cached ? "yes" : "no"],
      ["degraded", p.degraded ? "yes (extractive fallback)" : "no"],
      ["schema", p.schema_version],
    ];
    $("provenance").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: String(v ?? "") })]));
    $("json").textContent = JSON.stringify(digest, null, 2);
    $("copy-status").textContent = "";
    const skipped = drawn.skipped ? `; ${drawn.skipped} highlight(s) do not fit this article` : "";
    setStatus(`Digest ${digest.id}: ${drawn.shown} highlights, ${(digest.sentences || []).length} sentences${skipped}.`);
  }

  // ---- actions
  function articleBody() {
    const source = document.querySelector("input[name=source]:checked").value;
    return { [source]: $("article").value };
  }

  function numberOption(options, name, id) {
    const raw = $(id).value.trim();
    if (raw !== "") options[name] = Number(raw);
  }

  async function summarize(event) {
    event.preventDefault();
    const body = articleBody();
    body.prompt = $("prompt").value.trim() || "summarize";
    const options = {};
    numberOption(options, "max_figures", "max-figures");
    numberOption(options, "max_actors", "max-actors");
    numberOption(options, "summary_sentences", "summary-sentences");
    const formats = [...document.querySelectorAll("input[name=format]:checked")].map((box) => box.value);
    if (formats.length) options.formats = formats; // none asked: the request is the default one
    body.options = options;
    setStatus("Summarizing…");
    $("summarize").disabled = true;
    try {
      const digest = await call("POST", "/v1/summaries", body);
      if (digest) {
        showDigest(digest, digest.text ?? body.text);
        loadPrompts();
      }
    } finally {
      $("summarize").disabled = false;
    }
  }

  async function verify(event) {
    event.preventDefault();
    const body = { ...articleBody(), summary: $("verify-summary").value };
    setStatus("Checking…");
    const v = await call("POST", "/v1/verify", body);
    if (!v) return;
    const text = v.text ?? body.text;
    if (text !== state.text) {
      state.digest = null; // the article changed: the digest shown was of another text
      document.querySelector(".digest").hidden = true;
    }
    state.text = text;
    state.verification = v;
    drawArticle();
    if (state.digest) linkedList($("sentences"), state.digest.sentences || []);
    const supported = v.sentences.filter((s) => s.supported).length;
    $("verify-verdict").textContent = v.supported
      ? `Supported: the article states all ${v.sentences.length} sentence(s).`
      : `Not supported: ${v.sentences.length - supported} of ${v.sentences.length} sentence(s) are not stated by the article.`;
    $("verify-verdict").className = `verdict ${v.supported ? "ok" : "bad"}`;
    linkedList(
      $("verdicts"),
      v.sentences.map((s) => {
        const extra = el("div", { class: "verdict-detail" });
        extra.append(el("span", { class: s.supported ? "ok" : "bad", text: `${s.supported ? "supported" : "unsupported"}, score ${s.score.toFixed(2)}` }));
        if (s.problems.length) extra.append(el("ul", { class: "problems" }, ...s.problems.map((p) => el("li", { text: p }))));
        return { ...s, extra };
      }),
    );
    setStatus("");
  }

  async function openJob(id) {
    const path = `/v1/jobs/${encodeURIComponent(id)}`;
    for (let poll = 0; poll < JOB_POLL_MAX; poll++) {
      setStatus(`Job ${id}: loading…`);
      const view = await call("GET", path);
      if (!view) return;
      if (view.status === "succeeded" && view.digest) {
        const digest = view.digest;
        if (digest.text !== null && digest.text !== undefined) {
          showDigest(digest, digest.text);
        } else {
          // A text job keeps no article in its view: show the digest once the editor pastes it.
          state.jobDigest = digest;
          $("show-job").hidden = false;
          setStatus(`Job ${id} succeeded; it was sent as plain text, so paste that article and press "Show the job on this article".`);
        }
        return;
      }
      if (view.status === "failed" || view.status === "cancelled") {
        showProblem(view.problem || { title: `Job ${view.status}`, detail: "" });
        return;
      }
      setStatus(`Job ${id}: ${view.status}…`);
      await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
    }
    setStatus(`Job ${id} is still not done; reload the page to look again.`);
  }

  function showJobOnPastedArticle() {
    const digest = state.jobDigest;
    const text = $("article").value;
    const units = unitOffsets(text);
    const at = (span) => text.slice(units[span[0]], units[span[1]]);
    const fitsText = (digest.key_figures || []).every((f) => fits(f.span, units.length - 1) && at(f.span) === f.text);
    if (!fitsText) {
      showProblem({ title: "Not the job's article", detail: "the digest's figures are not at their spans in this text" });
      return;
    }
    hideProblem();
    state.jobDigest = null;
    $("show-job").hidden = true;
    showDigest(digest, text);
  }

  async function copyJson() {
    const json = $("json").textContent;
    try {
      await navigator.clipboard.writeText(json);
      $("copy-status").textContent = "Copied.";
    } catch {
      // Without a secure context there is no clipboard API: select the JSON for Ctrl+C instead.
      const details = document.querySelector(".digest details");
      details.open = true;
      window.getSelection().selectAllChildren($("json"));
      $("copy-status").textContent = "Selected: press Ctrl+C (the clipboard needs HTTPS or localhost).";
    }
  }

  async function loadPrompts() {
    const prompts = await call("GET", "/v1/prompts", undefined, { quiet: true });
    if (!Array.isArray(prompts)) return;
    const choices = [];
    for (const p of prompts) {
      choices.push(p.name, ...p.versions.map((v) => `${p.name}@${v}`), ...Object.keys(p.labels).map((l) => `${p.name}@${l}`));
    }
    $("prompt-list").replaceChildren(...choices.map((value) => el("option", { value })));
  }

  // ---- the tooltip of a highlight (the same text screen readers get through aria-describedby)
  function tooltip() {
    const tip = el("div", { id: "tip", class: "tip", role: "tooltip", hidden: true });
    document.body.append(tip);
    const show = (event) => {
      const mark = event.target.closest && event.target.closest("#article-view mark");
      if (!mark) return;
      tip.textContent = $(mark.getAttribute("aria-describedby")).textContent;
      const box = mark.getBoundingClientRect();
      tip.hidden = false;
      const left = Math.max(4, Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4));
      tip.style.left = `${left}px`;
      tip.style.top = `${box.bottom + window.scrollY + 4}px`;
    };
    const hide = () => {
      tip.hidden = true;
    };
    const view = $("article-view");
    view.addEventListener("mouseover", show);
    view.addEventListener("focusin", show);
    view.addEventListener("mouseout", hide);
    view.addEventListener("focusout", hide);
    document.addEventListener("keydown", (event) => event.key === "Escape" && hide());
  }

  function start() {
    const keyField = $("api-key");
    keyField.value = sessionStorage.getItem(KEY_STORE) || "";
    keyField.addEventListener("change", () => {
      if (apiKey()) sessionStorage.setItem(KEY_STORE, apiKey());
      else sessionStorage.removeItem(KEY_STORE);
    });
    $("key-form").addEventListener("submit", (event) => event.preventDefault());
    $("forget-key").addEventListener("click", () => {
      sessionStorage.removeItem(KEY_STORE);
      keyField.value = "";
    });
    $("summarize-form").addEventListener("submit", summarize);
    $("verify-form").addEventListener("submit", verify);
    $("copy-json").addEventListener("click", copyJson);
    $("show-job").addEventListener("click", showJobOnPastedArticle);
    tooltip();
    // For tests and for reviewing a digest held elsewhere: the renderer on a given text and digest.
    window.newsbriefReview = { showDigest, layout, unitOffsets };
    const job = new URLSearchParams(window.location.search).get("job");
    if (job) openJob(job);
    else if (apiKey()) loadPrompts();
  }

  start();
})();
