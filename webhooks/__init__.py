"""Webhooks in and out: ``inbound`` stores and processes what tools send us, ``outbound``
delivers outbox events to subscribed endpoints.
"""
