"""What the mail emulators share: a background HTTP(S) server, limits, tokens, counters."""
