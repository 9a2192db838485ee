"""Date and number formats for languages whose Django formats do not fit (``FORMAT_MODULE_PATH``)."""
