"""Mailbox sync benchmarks: a quota-bound Gmail backfill and push-to-activity latency."""
