"""Consumer complaints (MISSION.md CMP-1..3, CHN-3; RULES.md CMP-*)."""
