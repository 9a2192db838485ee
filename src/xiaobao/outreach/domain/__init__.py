"""Education (MISSION EDU-1..3): pure rules — audiences, library kinds and states, captions, search text."""
