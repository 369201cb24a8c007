"""Webhooks in and out: ``outbound`` delivers outbox events to subscribed endpoints."""
