"""Camera-shake kernel synthesis and blur application (numpy; no registry)."""
