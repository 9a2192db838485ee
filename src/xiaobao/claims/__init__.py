"""Claims (MISSION.md CLM-1..3, INC-2; RULES.md CLM-T1..T6)."""
