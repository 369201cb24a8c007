"""Webhook benchmarks: inbound acceptance, form-to-webhook latency, outbound throughput."""
