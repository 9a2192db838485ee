"""Pure read-aloud rules (INC-E2): text normalisation and splitting, the cache key, the choice of voice, and
the WAV header an engine streaming to a pipe cannot fill in. No Django here."""
