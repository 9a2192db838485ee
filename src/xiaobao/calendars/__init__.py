"""The working-day calendar as data: one row per holiday or adjusted working day, editable without a release."""
