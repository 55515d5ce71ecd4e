"""The test double around the APIs: the control API under /_mock/
(control.py), the request journal, fault injection, the server's clock,
snapshots kept across restarts, background jobs, and the OpenAPI documents
of both dialects (openapi.py)."""
