"""flashpoint.engine."""
