"""Connectors: one package per tool, each a declaration the framework drives.

``connectors.base`` holds the contract, ``connectors.registry`` maps a connector kind
to its class. Connectors import only ``core`` and ``mapping``: no Flask, no Celery.
"""
