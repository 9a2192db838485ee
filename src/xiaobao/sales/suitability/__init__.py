"""Suitability of a sale: the questionnaire, its result, the buyer's declaration (SAL-2, SAL-S2..S4)."""
