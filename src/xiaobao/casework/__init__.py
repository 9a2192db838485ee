"""Machinery every case type shares: the statutory clock row and the deadline sweep.

A new case type (sales, disputes, privacy requests) declares its clock model on ``StatutoryClock`` and a
``SweepPlan`` (who is told, in what words, with which audit events); the rest is here, once.
"""
