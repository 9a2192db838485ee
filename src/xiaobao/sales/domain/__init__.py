"""The sale rules, pure: recording (SAL-R1), quality checks (SAL-R2), retention (SAL-R3), the session chain (SAL-R4)."""
