"""The one OpenAI-compatible client wrapper, and what every call draws on. Nothing above this
package imports `openai`.

    service.llm
    ├── client      `LLMClient.chat`: the one retry policy (tenacity) around one `AsyncOpenAI`
    ├── upstream    the seam under the retries: one HTTP attempt (`SDKUpstream`)
    ├── guards      what wraps every attempt: metrics, the circuit breaker, the upstream quota
    ├── sdk_errors  the one place SDK errors are read: retry or not, metrics label, our exception
    ├── completion  a 2xx body read as a chat completion, or `BadCompletion`
    ├── attempts    `Budget`: attempts, deadline and tokens of one request (retries and repairs)
    ├── breaker     the circuit breaker around the upstream
    ├── tokens      prompt tokens counted offline (tiktoken, or the local server's own count)
    └── quota/      the upstream's requests and tokens per window: base, memory, redis

The runtime wraps the client's upstream once (`guards.around`); a concern that is off is not in
the chain, so nothing checks for it per call.
"""
