"""The one `Settings` object: every knob the service reads from the environment.

Built once by the app factory (or the CLI) and passed down; nothing reads the
environment anywhere else.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]

EngineName = Literal["auto", "openai", "local", "extractive"]


class Settings(BaseSettings):
    """Service configuration; environment variables are `NEWSBRIEF_<FIELD>` unless noted."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBRIEF_", extra="ignore", frozen=True, validate_by_name=True, validate_by_alias=True
    )

    # The SDK's own variables keep their names.
    openai_api_key: str | None = Field(None, validation_alias=AliasChoices("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=AliasChoices("OPENAI_BASE_URL"))

    engine: EngineName = "auto"
    model: str = "gpt-4o-mini"
    local_model: Path | None = None
    local_threads: int = Field(2, ge=1)
    local_ctx_tokens: int = Field(8192, ge=1024)

    # None: 30 s per attempt and 60 s per request for remote endpoints; 120 s and 300 s for
    # the embedded model, which needs 5-25 s per attempt on 2 cores.
    llm_timeout_s: float | None = Field(None, gt=0)
    llm_max_attempts: int = Field(3, ge=1, le=10)
    deadline_s: float | None = Field(None, gt=0)
    llm_backoff_initial_s: float = Field(0.5, ge=0)
    llm_backoff_max_s: float = Field(8.0, ge=0)
    llm_retry_after_cap_s: float = Field(20.0, ge=0)
    http_client: Literal["aiohttp", "httpx2"] = "aiohttp"
    response_format: Literal["json_schema", "json_object"] = "json_schema"
    on_llm_failure: Literal["fail", "degrade"] = "fail"

    # None: one helper process when this process may use 2+ cores, else 0 (in the event loop).
    grounding_workers: int | None = Field(None, ge=0, le=8)

    cache_max_entries: int = Field(4096, ge=0)
    cache_ttl_s: float = Field(24 * 3600, gt=0)

    max_body_bytes: int = Field(2 * 1024 * 1024, ge=1024)
    max_article_chars: int = Field(400_000, ge=1000)  # ~65,000 words; 40,000 words are ~240k chars
    # --- long articles (service/longform.py) ---
    # The model's context window in tokens. None: `local_ctx_tokens` for the embedded model,
    # 128000 (gpt-4o class) for the openai engine; set it for a smaller vLLM/Ollama model.
    context_tokens: int | None = Field(None, ge=1024)
    longform_concurrency: int = Field(2, ge=1, le=16)  # parts of one long article digested at once
    longform_max_parts: int = Field(32, ge=2, le=256)  # more parts than this -> 422 (bounds the bill)
    api_keys: Annotated[tuple[str, ...], NoDecode] = ()

    prompts_dir: Path = PROJECT_ROOT / "prompts"
    data_dir: Path = Path("./data")
    log_level: str = "info"

    # --- hardening: limits, circuit breaker, metrics, tracing (issue 5) ---
    rate_limit_per_min: int = Field(600, ge=0)  # per API key (per client IP without keys); 0: off
    max_in_flight: int = Field(512, ge=0)  # requests being served at once; beyond it a fast 503; 0: off
    # Consecutive failed LLM calls (a call fails once its retries are used up) that open the circuit.
    breaker_failures: int = Field(5, ge=1)
    breaker_cooldown_s: float = Field(30.0, gt=0)  # open this long, then one probe call
    metrics_public: bool = True  # False: GET /metrics needs an API key too
    # SIGTERM: time in-flight requests get to finish before they are answered 503 shutting-down.
    # None: 60 s for the embedded model (10-40 s per request on 2 cores), 30 s for remote endpoints.
    shutdown_grace_s: float | None = Field(None, ge=0)
    otel: bool = False  # OpenTelemetry tracing (the `otel` extra); also on when an OTLP endpoint is set
    otel_exporter_otlp_endpoint: str | None = Field(
        None, validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT")
    )

    # --- connections and slow clients (issue 15) ---
    # A request head (line and headers) must arrive within this long of the connection's start
    # or the end of the previous response: a silent socket is closed, a partial head gets 408.
    header_timeout_s: float = Field(10.0, gt=0)
    # A request body must be in within this long of its head; else 408 and the connection closes.
    body_timeout_s: float = Field(30.0, gt=0)
    keepalive_timeout_s: float = Field(5.0, gt=0)  # an idle kept-alive connection is closed after this
    # Open connections past this get a 503 and are closed. None: 4,096, kept under half the fd limit.
    max_connections: int | None = Field(None, ge=1)
    # Bytes of request bodies being read at once, over every connection (slow bodies hold little).
    max_buffered_body_bytes: int = Field(256 * 1024 * 1024, ge=1024)
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: comma list of IPs or CIDRs.
    # Empty (default): the peer address is the client, whatever the headers say.
    trusted_proxies: str = ""
    # An upstream answer (success or error body) larger than this is a bad answer, never read whole.
    llm_max_answer_bytes: int = Field(1024 * 1024, ge=4096)

    # --- jobs, webhooks, callbacks, Redis (issue 6) ---
    job_concurrency: int = Field(16, ge=1, le=1024)
    # Runs per job, crashed runs included: a job that kills the process every time stops here.
    job_max_runs: int = Field(3, ge=1, le=100)
    idempotency_ttl_s: float = Field(24 * 3600, ge=60)
    webhook_secret: str | None = None
    # Kept well past the library's 5-minute timestamp tolerance, so a replay is always caught.
    webhook_dedup_ttl_s: float = Field(7 * 24 * 3600, ge=600)
    callback_url: str | None = None
    callback_secret: str | None = None
    callback_allow: str = ""  # comma list: host, host:port, IP or CIDR
    callback_max_attempts: int = Field(15, ge=1, le=100)
    callback_backoff_initial_s: float = Field(5.0, ge=0)
    callback_backoff_max_s: float = Field(3600.0, ge=0)
    callback_timeout_s: float = Field(10.0, gt=0)
    # Redis mode (scale-out): shared jobs, cache, rate limits and LLM budget; `newsbrief worker` runs jobs.
    redis_url: str | None = None
    redis_prefix: str = Field("newsbrief", min_length=1, max_length=64)  # namespace of every key
    # Connect and read timeout of one Redis command: past it Redis counts as down for that call
    # (cache and quotas answer without it, jobs answer 503 with Retry-After).
    redis_timeout_s: float = Field(2.0, gt=0, le=30)
    # A running job (or callback) is leased to its worker for this long and renewed every third of
    # it; a worker killed mid-job has its work picked up by another worker once the lease ran out.
    job_lease_s: float = Field(30.0, ge=1)
    job_retention_s: float = Field(7 * 24 * 3600, ge=60)  # finished jobs and their callbacks are kept so long
    # Embedded store: every this often, expire finished jobs, put back stuck ones, checkpoint the WAL.
    job_sweep_s: float = Field(60.0, gt=0)
    # A job whose result cannot be stored (Redis down, disk full) retries the write this long,
    # then goes back to the queue instead of staying `running`.
    job_finish_retry_s: float = Field(30.0, ge=0)
    # Upstream budget across every process (shared in Redis): LLM requests and tokens per window.
    llm_rpm: int = Field(0, ge=0)  # 0: off
    llm_tpm: int = Field(0, ge=0)  # 0: off
    llm_budget_window_s: float = Field(60.0, gt=0)  # the providers' minute; tests shrink it

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(k.strip() for k in value.split(",") if k.strip())
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: str) -> str:
        for entry in (e.strip() for e in value.split(",")):
            if entry:
                ipaddress.ip_network(entry, strict=False)  # ValueError names the bad entry
        return value

    def trusted_proxy_list(self) -> tuple[str, ...]:
        return tuple(e.strip() for e in self.trusted_proxies.split(",") if e.strip())

    @property
    def attempt_timeout_s(self) -> float:
        if self.llm_timeout_s is not None:
            return self.llm_timeout_s
        return 120.0 if self.resolved_engine() == "local" else 30.0

    @property
    def request_deadline_s(self) -> float:
        if self.deadline_s is not None:
            return self.deadline_s
        return 300.0 if self.resolved_engine() == "local" else 60.0

    @property
    def drain_grace_s(self) -> float:
        """`shutdown_grace_s`, or the engine's default (the drain clips longer requests to it)."""
        if self.shutdown_grace_s is not None:
            return self.shutdown_grace_s
        return 60.0 if self.resolved_engine() == "local" else 30.0

    def resolved_grounding_workers(self) -> int:
        if self.grounding_workers is not None:
            return self.grounding_workers
        from service.grounding.pool import default_workers  # noqa: PLC0415 - settings stay import-light

        return default_workers()

    def resolved_engine(self) -> Literal["openai", "local", "extractive"]:
        """`auto` means `openai` when an endpoint or key is configured, else the embedded model."""
        if self.engine != "auto":
            return self.engine
        return "openai" if (self.openai_api_key or self.openai_base_url) else "local"
