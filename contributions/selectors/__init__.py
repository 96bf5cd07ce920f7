"""Reads: every query the pages and the API need, one module per area of the portal."""
