"""Registered methods."""
