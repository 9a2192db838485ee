"""Pure rules of call-back requests: when a call is due, who comes first, whether it was made in time."""
