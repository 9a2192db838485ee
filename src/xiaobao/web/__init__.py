"""What every page shares: the layout, the stylesheet, the language switch, log-in."""
