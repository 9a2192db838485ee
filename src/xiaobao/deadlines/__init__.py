"""Pure: the statutory rules of RULES.md and the arithmetic of their clocks."""
