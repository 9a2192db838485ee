"""Pure rules of the complaint lifecycle: states, transitions, recusal, clocks, decisions."""
