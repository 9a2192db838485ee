"""Insurers (tenants), branches, staff and roles, consumers, partners, mediation organisations."""
