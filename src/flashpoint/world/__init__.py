"""flashpoint.world."""
