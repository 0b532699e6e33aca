"""flashpoint.cli."""
