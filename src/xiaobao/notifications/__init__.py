"""The notification outbox (CMP-N3 proof of every notice) and its channel adapters."""
