"""Pure rules of claims: states, the one complete request for documents, clocks, the green channel."""
