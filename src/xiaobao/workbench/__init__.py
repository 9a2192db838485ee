"""The staff site: the complaint queue, the case page, the approvals inbox. Pages only; actions do the work."""
