"""The append-only, hash-chained audit log: the timeline of every case (DESIGN.md)."""
