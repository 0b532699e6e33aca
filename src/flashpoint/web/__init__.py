"""flashpoint.web."""
