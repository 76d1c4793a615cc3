"""Fast attack cases against a live `newsbrief serve` with the bench fake LLM (issue 15).

Each case is one raw HTTP request on its own loopback connection. A case fails when the
answer is a 5xx (503 and 504 with problem+json aside: refusals under load and deadlines),
or an error (>= 400) that is not `application/problem+json`, or nothing at all where an
answer was due. Prints and writes bench/results/attack.json.

    .venv/bin/python bench/attack.py
"""

from __future__ import annotations

import base64
import contextlib
import socket
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.procs import free_port, service_env, start_fake, start_service

ROOT = Path(__file__).resolve().parents[1]
SECRET = "whsec_" + base64.b64encode(b"attack-bench-secret-0123456789ab").decode()
TEXT = "The mayor of Elmbridge opened 3 new parks on Monday, the council said."


def post(path: str, body: bytes, extra: str = "", content_type: str = "application/json") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n{extra}\r\n"
    ).encode() + body


def get(path: str, method: str = "GET", extra: str = "") -> bytes:
    return f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n".encode()


def signed(body: bytes) -> str:
    from datetime import UTC, datetime  # noqa: PLC0415

    from standardwebhooks.webhooks import Webhook  # noqa: PLC0415

    at = datetime.now(tz=UTC)
    signature = Webhook(SECRET).sign("msg_attack", at, body.decode())
    stamp = int(at.timestamp())
    return f"webhook-id: msg_attack\r\nwebhook-timestamp: {stamp}\r\nwebhook-signature: {signature}\r\n"


def cases() -> dict[str, bytes]:
    wp_list = orjson.dumps({"ID": 1, "post_status": ["publish"], "post_content": f"<p>{TEXT}</p>"})
    wp_action = orjson.dumps({"post": {"ID": 1, "post_status": "publish"}, "action": {"a": 1}})
    return {
        "lone surrogate in text": post("/v1/summaries", b'{"text": "Elmbridge \\ud800 parks"}'),
        "lone surrogate in html": post("/v1/summaries", b'{"html": "<p>\\udfff</p>"}'),
        "prompt version superscript": get("/v1/prompts/summarize/%C2%B2"),
        "prompt version full-width": get("/v1/prompts/summarize/%EF%BC%91"),
        "prompt ref superscript": post(
            "/v1/summaries", orjson.dumps({"text": TEXT, "prompt": "summarize@²"})
        ),
        "wordpress post_status list": post("/v1/hooks/wordpress", wp_list, signed(wp_list)),
        "wordpress action object": post("/v1/hooks/wordpress", wp_action, signed(wp_action)),
        "hook without signature": post("/v1/hooks/generic", b'{"external_id": "1", "text": "x"}'),
        "hook malformed signature": post(
            "/v1/hooks/generic",
            b"{}",
            f"webhook-id: a\r\nwebhook-timestamp: {int(time.time())}\r\nwebhook-signature: v1\r\n",
        ),
        "hook absurd timestamp": post(
            "/v1/hooks/generic",
            b"{}",
            "webhook-id: a\r\nwebhook-timestamp: 1e400\r\nwebhook-signature: v1,AA==\r\n",
        ),
        "hook unknown source": post("/v1/hooks/nosuch", b"{}"),
        "truncated JSON body": post("/v1/summaries", b'{"text": "abc'),
        "non-UTF-8 body": post("/v1/summaries", b'{"text": "\xff\xfe"}'),
        "JSON array body": post("/v1/summaries", b"[1, 2]"),
        "text/plain body": post("/v1/summaries", TEXT.encode(), content_type="text/plain"),
        "declared body too large": (
            b"POST /v1/summaries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 999999999\r\nConnection: close\r\n\r\n"
        ),
        "chunked body too large": (
            b"POST /v1/summaries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + b"".join(b"100000\r\n" + b" " * 0x100000 + b"\r\n" for _ in range(3))
            + b"0\r\n\r\n"
        ),
        "both text and html": post("/v1/summaries", orjson.dumps({"text": TEXT, "html": "<p>x</p>"})),
        "unknown field": post("/v1/summaries", orjson.dumps({"text": TEXT, "evil": 1})),
        "huge option": post(
            "/v1/summaries", b'{"text": "x y z", "options": {"max_figures": 1000000000000000000000000000000}}'
        ),
        "callback to 6to4 loopback": post(
            "/v1/jobs", orjson.dumps({"text": TEXT, "callback_url": "http://[2002:7f00:1::1]/cb"})
        ),
        "callback to 192.0.0.192": post(
            "/v1/jobs", orjson.dumps({"text": TEXT, "callback_url": "http://192.0.0.192/cb"})
        ),
        "unknown job": get("/v1/jobs/does-not-exist"),
        "HEAD /healthz": get("/healthz", "HEAD"),
        "DELETE /v1/summaries": get("/v1/summaries", "DELETE"),
        "path traversal": get("/v1/prompts/../../etc/passwd"),
        "very long path": get("/v1/prompts/" + "a" * 8000 + "/1"),
        "header injection id": get("/healthz", extra="X-Request-ID: a\x01b\r\n"),
    }


def send(port: int, raw: bytes, timeout_s: float = 30.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout_s) as sock:
        with contextlib.suppress(OSError):  # it may answer (413) and close before all of it is sent
            sock.sendall(raw)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def judge(answer: bytes, method_head: bool) -> tuple[int | None, str, bool]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    if not head.startswith("http/1.1 "):
        return None, "", False
    status = int(head.split(" ", 2)[1])
    content_type = next(
        (line.split(":", 1)[1].strip() for line in head.split("\r\n") if line.startswith("content-type:")), ""
    )
    problem = content_type.startswith("application/problem+json")
    good = status < 400 or (problem and (status < 500 or status in {503, 504}))
    if method_head and status == 200:
        good = True
    return status, content_type, good


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fake_port, port = free_port(), free_port()
        fake = start_fake(fake_port, log=Path(tmp) / "fake.log", cpus=None)
        env = service_env(
            fake_port, NEWSBRIEF_WEBHOOK_SECRET=SECRET, NEWSBRIEF_CALLBACK_SECRET=SECRET,
            NEWSBRIEF_DATA_DIR=str(Path(tmp) / "d"),
        )  # fmt: skip
        service = start_service(port, env, log=Path(tmp) / "service.log", cwd=Path(tmp), cpus=None)
        results = []
        try:
            for name, raw in cases().items():
                status, content_type, good = judge(send(port, raw), raw.startswith(b"HEAD"))
                results.append({"case": name, "status": status, "content_type": content_type, "ok": good})
        finally:
            service.stop()
            fake.stop()
    bad = [r for r in results if not r["ok"]]
    report = {
        "cases": len(results),
        "failures": len(bad),
        "five_hundreds": sum(1 for r in results if r["status"] == 500),
        "results": results,
        "command": "bench/attack.py",
    }
    out = ROOT / "bench" / "results" / "attack.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    for r in results:
        print(f"{'ok ' if r['ok'] else 'BAD'} {r['status']} {r['case']}")
    print(f"{len(results)} cases, {len(bad)} failures, {report['five_hundreds']} answers of 500")


if __name__ == "__main__":
    main()
