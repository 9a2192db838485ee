"""The pure rules of selling, no Django here: tiers and grades (SAL-S1), material states (SAL-1), suitability
(SAL-S2..S4), cooling-off; recording (SAL-R1), quality checks (SAL-R2), retention (SAL-R3), the session chain
(SAL-R4)."""
