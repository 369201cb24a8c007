"""Outlook (Microsoft Graph mail): the connector's package.

``emulator`` serves Graph mail and the identity endpoints MSAL uses.
"""
