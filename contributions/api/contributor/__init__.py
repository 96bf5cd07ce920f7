"""The contributor's REST API: drafts, checks, import, submit, withdraw, documents, profile.

Every view works on the caller's own entries only (`permissions.can_manage`); someone else's
entry answers 404, as if it did not exist. Refusals from the services answer 400 (409 for an
edit from a stale draft version) with `{"detail": "<what to do>"}`.
"""
