"""flashpoint.claims."""
