"""Intake channels besides the portal — email, the call centre, letters and counters — feeding the same
complaint actions (CHN-1): one case per complaint, nothing lost, nothing twice."""
