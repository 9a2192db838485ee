"""The pure rules of selling: suitability (SAL-S2..S4), cooling-off. No Django here."""
