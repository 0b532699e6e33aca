"""flashpoint.classic."""
