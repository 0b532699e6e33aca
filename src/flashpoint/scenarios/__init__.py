"""flashpoint.scenarios."""
