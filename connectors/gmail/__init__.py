"""Gmail: the connector's package; ``emulator`` serves Gmail's API over generated mailboxes."""
