"""API v1 endpoints (filled in by the API work)."""
