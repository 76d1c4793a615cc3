# newsbrief on the embedded default (SmolLM2-135M via llama.cpp): no key, no network.
# Set OPENAI_BASE_URL / OPENAI_API_KEY / NEWSBRIEF_MODEL at run time to use a remote endpoint.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    NEWSBRIEF_VENV=/opt/venv NEWSBRIEF_DATA_DIR=/var/lib/newsbrief PATH=/opt/venv/bin:$PATH

RUN useradd --system --uid 10001 --home-dir /app newsbrief \
 && mkdir -p /var/lib/newsbrief && chown newsbrief /var/lib/newsbrief
WORKDIR /app
COPY pyproject.toml README.md ./
COPY .ci/install .ci/install
COPY service service
COPY prompts prompts
COPY seeds seeds
# The same script the README and CI use; it also bakes the model into the image.
RUN sh .ci/install && rm -rf /root/.cache/pip

USER newsbrief
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"
CMD ["newsbrief", "serve", "--host", "0.0.0.0", "--port", "8000"]
