"""The HTTP floor: routes, the ASGI gate in front of them, problem+json, the access log, the server."""
