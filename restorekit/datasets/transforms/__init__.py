"""Data transforms: loading, geometric, degradation and formatting."""
