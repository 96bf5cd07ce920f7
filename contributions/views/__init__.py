"""HTML views and small JSON endpoints: interfaces that authorise, call a service, render."""
