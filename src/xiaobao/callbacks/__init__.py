"""Call-back requests: one press on the portal asks a person at the insurer to call (MISSION INC-1, RULES.md INC-E3)."""
