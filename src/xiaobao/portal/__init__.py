"""The consumer site: published complaint channels, filing online, tracking. Pages only; actions do the work."""
