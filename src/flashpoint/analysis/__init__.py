"""flashpoint.analysis."""
