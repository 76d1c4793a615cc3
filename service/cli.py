"""`newsbrief serve | worker | summarize | prompts lock`."""

from __future__ import annotations

import asyncio
import math
import re
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from service.errors import NewsbriefError
from service.evaluation.cli import eval_command
from service.logs import configure_logging
from service.prompts import PromptCatalogueError, write_lock
from service.runtime import open_runtime
from service.schema import Digest, Options, SummarizeRequest
from service.settings import Settings

app = typer.Typer(help="newsbrief: grounded news digests.", no_args_is_help=True, add_completion=False)
prompts_app = typer.Typer(help="Manage versioned prompt templates.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")
app.command("eval")(eval_command)
err = Console(stderr=True)
_LOOKS_LIKE_HTML = re.compile(r"^\s*<(!doctype|html|head|body|article|div|p|h1|section)\b", re.IGNORECASE)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Run the HTTP API (one uvicorn worker; the engine comes from the environment).

    On SIGTERM uvicorn stops accepting connections and the drain begins (service/http/drain.py):
    in-flight requests get `NEWSBRIEF_SHUTDOWN_GRACE_S` to finish, then each one still running
    is answered 503 problem+json `shutting-down` with `Retry-After`; the lifespan shutdown
    closes the clients and puts running jobs back in the queue, and the process exits 0.
    """
    import uvicorn  # noqa: PLC0415 - only this command needs the server

    from service.app import create_app  # noqa: PLC0415
    from service.http.connections import uvicorn_options  # noqa: PLC0415
    from service.http.drain import BACKSTOP_S, Drain  # noqa: PLC0415

    settings = Settings()
    api = create_app(settings)
    drain: Drain = api.state.drain

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            super().handle_exit(sig, frame)
            drain.begin_threadsafe()

    # uvicorn re-raises the signal it drained on, under the handler found at start: make that an exit 0.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    config = uvicorn.Config(
        api,
        host=host,
        port=port,
        # Only a backstop: the drain answers what is left at the grace, this cancels after that.
        timeout_graceful_shutdown=math.ceil(settings.drain_grace_s + BACKSTOP_S),
        # header deadline, connection cap, keep-alive, trusted proxies (service/http/connections.py)
        **uvicorn_options(settings),
    )
    server = Server(config)
    server.run()
    if not server.started:  # as uvicorn.run: a failed start (port taken, lifespan error) is exit 3
        sys.exit(3)


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


@app.command()
def worker() -> None:
    """Run the jobs of a Redis deployment (`NEWSBRIEF_REDIS_URL`) until SIGTERM or Ctrl-C.

    Runs `NEWSBRIEF_JOB_CONCURRENCY` jobs at a time and delivers their callbacks; on SIGTERM
    its running jobs go back to the queue for another worker, and the process exits 0.
    """
    settings = Settings()
    if not settings.redis_url:
        err.print("[red]error:[/] `newsbrief worker` needs NEWSBRIEF_REDIS_URL (the shared queue)")
        raise typer.Exit(2)
    configure_logging(settings.log_level)
    asyncio.run(_work(settings))


async def _work(settings: Settings) -> None:
    from service.jobs.worker import Worker  # noqa: PLC0415 - only this command needs it

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with open_runtime(settings, long_lived=True) as runtime:
        await runtime.wait_ready(timeout_s=600.0)  # the embedded model may be loading
        await Worker(runtime).run(stop)


def readable_number(value: float) -> str:
    """A figure's value as a person reads it: `1,600,000,000`, `11.4`, `0.035` (never `1.6e+09`)."""
    if value.is_integer() and abs(value) < 1e18:
        return f"{value:,.0f}"
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text if text.strip("-0.,") else f"{value:.3g}"  # below a millionth: significant digits


def _print_digest(digest: Digest) -> None:
    out = Console()
    p = digest.provenance
    prompt = f"{p.prompt.name}@{p.prompt.version}" if p.prompt else "-"
    out.rule(f"[bold]{p.title or 'digest'}")
    out.print(digest.summary, highlight=False)
    figures = Table("figure", "value", "unit", "kind", "context", title="key figures", title_justify="left")
    for f in digest.key_figures:
        value = "" if f.value is None else readable_number(f.value)
        figures.add_row(f.text, value, f.unit or "", f.kind, f.context)
    out.print(figures)
    actors = Table("actor", "kind", "role", "mentions", title="actors", title_justify="left")
    for a in digest.actors:
        actors.add_row(a.name, a.kind, a.role or "", str(len(a.mentions)))
    out.print(actors)
    if digest.quotes:
        quotes = Table("quote", "speaker", title="quotes", title_justify="left")
        for q in digest.quotes:
            quotes.add_row(escape(q.text), escape(q.speaker) if q.speaker else "[dim]not said[/]")
        out.print(quotes)
    if digest.headline is not None:
        out.print(f"[bold]headline:[/] {escape(digest.headline)}", highlight=False)
    if digest.dek is not None:
        out.print(f"[bold]dek:[/] {escape(digest.dek)}", highlight=False)
    for bullet in digest.bullets:
        out.print(f"  • {escape(bullet.text)}", highlight=False)
    for warning in digest.warnings:
        out.print(f"[yellow]warning:[/] {warning}", highlight=False)
    out.print(
        f"[dim]{p.engine} · {p.model} · prompt {prompt} · {p.attempts} attempt(s) · "
        f"{p.usage.input_tokens}+{p.usage.output_tokens} tokens · {p.latency_ms} ms"
        f"{' · degraded' if p.degraded else ''}[/]"
    )


async def _summarize(request: SummarizeRequest) -> Digest:
    settings = Settings()
    configure_logging(settings.log_level, stream=sys.stderr)  # stdout carries the digest
    async with open_runtime(settings) as runtime:
        if not runtime.ready.is_set():
            with err.status("loading the embedded model..."):
                await runtime.wait_ready()
        with err.status(f"summarizing with {runtime.engine.name} ({runtime.engine.model})..."):
            return await runtime.pipeline.summarize(request)


@app.command()
def summarize(
    file: Annotated[str, typer.Argument(help="Article file (text or HTML), or - for stdin.")],
    prompt: Annotated[str, typer.Option(help="Prompt: name, name@version or name@label.")] = "summarize",
    title: Annotated[str | None, typer.Option(help="Headline, if not in the text.")] = None,
    html: Annotated[bool | None, typer.Option("--html/--text", help="Force the input type.")] = None,
    sentences: Annotated[int, typer.Option(help="Summary sentences.")] = 3,
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", help="Also write this short form (repeatable): headline, dek, bullets."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the digest as JSON.")] = False,
) -> None:
    """Print a digest of one article."""
    raw = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    is_html = bool(_LOOKS_LIKE_HTML.match(raw)) if html is None else html
    try:
        request = SummarizeRequest(
            text=None if is_html else raw,
            html=raw if is_html else None,
            title=title,
            prompt=prompt,
            options=Options(summary_sentences=sentences, formats=formats or []),
        )
        digest = asyncio.run(_summarize(request))
    except NewsbriefError as exc:
        err.print(f"[red]error:[/] {exc.detail}")
        raise typer.Exit(1) from exc
    except ValueError as exc:  # pydantic validation of the request
        err.print(f"[red]invalid input:[/] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        sys.stdout.write(orjson.dumps(digest.model_dump(), option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        _print_digest(digest)


@prompts_app.command("lock")
def prompts_lock() -> None:
    """Record the sha256 of every new prompt version; refuses if a published one changed."""
    settings = Settings()
    try:
        lock = write_lock(settings.prompts_dir)
    except PromptCatalogueError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc
    for key, digest in sorted(lock.items()):
        typer.echo(f"{digest[:12]}  {key}")


if __name__ == "__main__":
    app()
