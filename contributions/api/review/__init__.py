"""The review API: the queue, one entry's review data, the review actions, statistics,
notifications and the admin's failed-task retry.

Entries the caller may not see answer 404. Refusals from the services answer 403 (not allowed
to do this), 409 (someone else got there first, or a newer revision arrived) or 400 (fix the
request), always with `{"detail": "<what to do>"}`.
"""
