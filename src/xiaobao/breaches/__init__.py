"""Breach response (SEC-3, PI-5)."""
