"""Misbehaving upstreams on raw loopback sockets, for what tests/fakellm/ cannot do.

`SlowUpstream` is an OpenAI-compatible endpoint that answers every request with a
script of byte writes and pauses (`Trickle`): headers sent one byte at a time, a body
that never ends, a huge answer. It runs its own asyncio loop in a thread, counts the
connections it accepted, and stops every trickle at `stop()`, so no test can hang on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType


@dataclass(frozen=True)
class Trickle:
    """What the upstream sends on each connection: `head` then `body`, `chunk_bytes` every `every_s`."""

    head: bytes
    body: bytes = b""
    chunk_bytes: int = 1
    every_s: float = 0.1
    trickle_head: bool = False  # False: the head goes out at once and only the body trickles
    max_s: float = 60.0  # hang guard: give up after this long whatever is left


def completion_head(content_length: int | None) -> bytes:
    length = b"" if content_length is None else b"Content-Length: %d\r\n" % content_length
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + length + b"Connection: close\r\n\r\n"


class SlowUpstream:
    """A loopback HTTP server that reads a request's head and body, then plays `trickle`."""

    def __init__(self, trickle: Trickle) -> None:
        self.trickle = trickle
        self.connections = 0
        self.finished = 0  # connections whose whole script was written
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = int(self._server.sockets[0].getsockname()[1])
        self._ready.set()
        self._loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        t = self.trickle
        try:
            async with asyncio.timeout(t.max_s):
                head = await reader.readuntil(b"\r\n\r\n")
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        await reader.readexactly(int(value.strip()))
                if t.trickle_head:
                    await self._drip(writer, t.head)
                else:
                    writer.write(t.head)
                await self._drip(writer, t.body)
                self.finished += 1
        except (OSError, asyncio.IncompleteReadError, TimeoutError, asyncio.CancelledError):
            pass  # the client gave up, as it should, or stop() ends the trickle
        finally:
            writer.close()

    async def _drip(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        t = self.trickle
        for start in range(0, len(data), t.chunk_bytes):
            writer.write(data[start : start + t.chunk_bytes])
            await writer.drain()
            if t.every_s:
                await asyncio.sleep(t.every_s)

    def start(self) -> SlowUpstream:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        async def close() -> None:
            assert self._server is not None
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.sleep(0)  # let the closed transports release their sockets

        if self._server is not None:
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> SlowUpstream:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@contextlib.contextmanager
def slow_upstream(trickle: Trickle) -> Iterator[SlowUpstream]:
    with SlowUpstream(trickle) as upstream:
        yield upstream
