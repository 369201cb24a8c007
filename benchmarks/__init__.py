"""Reproducible benchmarks that print figures; not tests."""
