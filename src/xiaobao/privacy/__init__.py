"""Personal data (SEC-1, PI-1..PI-4): encryption at rest, blind index, masking, reveal log."""
