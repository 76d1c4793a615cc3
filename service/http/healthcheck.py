"""The container's HEALTHCHECK: exit 0 when `GET /readyz` answers 200, else 1 with one line.

Standard library only, so it starts in ~50 ms (`newsbrief healthcheck` imports the whole CLI,
~1.6 s): `python -m service.http.healthcheck [--port 8000] [--timeout-s 2]`. Never a traceback: a
refused connection, a timeout or a 503 is one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request


def check(host: str = "127.0.0.1", port: int = 8000, timeout_s: float = 2.0) -> tuple[bool, str]:
    """(ready, one line saying why) for `GET http://host:port/readyz`."""
    url = f"http://{host}:{port}/readyz"
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            status = response.status
            body = response.read(4096)
    except urllib.error.HTTPError as exc:  # 503 while the model loads, or after a failed start
        status, body = exc.code, exc.read(4096)
    except (OSError, ValueError) as exc:  # refused, timed out, reset
        return False, f"not ready: {url}: {exc.__class__.__name__}: {exc}"
    try:
        answer = json.loads(body)
        said = answer.get("detail") or answer.get("status") if isinstance(answer, dict) else None
    except ValueError:
        said = None
    line = f"{url}: {status}" + (f" ({said})" if said else "")
    return status == 200, ("ready: " if status == 200 else "not ready: ") + line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.http.healthcheck", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--timeout-s", type=float, default=2.0)
    args = parser.parse_args(argv)
    ready, line = check(args.host, args.port, args.timeout_s)
    print(line, file=sys.stdout if ready else sys.stderr)
    return 0 if ready else 1


if __name__ == "__main__":
    sys.exit(main())
