"""Pure rules of breach response."""
