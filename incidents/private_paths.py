"""Paths whose answers carry private data (contacts, status secrets, the desk): never cached
by a browser or proxy (incidents.middleware), never read from a replica (incidents.replicas)."""

PRIVATE_PREFIXES = ("/api/v1/moderation/", "/moderation/", "/admin/", "/submissions/", "/api/v1/submissions/")
