"""Back-office views, one module per area of the menu."""
