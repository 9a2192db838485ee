"""Issued policies, the cooling-off period, surrenders and their refund clock (issue #16 item 5)."""
