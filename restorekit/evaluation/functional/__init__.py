"""Pure functions behind the metrics (numpy; no registry)."""
