"""Pure shared types: actors, domain errors, the clock protocol, the business calendar.

Nothing in ``kernel`` imports Django (an import-linter contract checks it).
"""
