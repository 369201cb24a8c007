"""Celery tasks: thin functions that take ids, open their own transaction, call the domain."""
