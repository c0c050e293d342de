"""Registered hooks."""
