"""The consumer's data rights, decided in pure code: requests and their clock, retention and legal holds."""
