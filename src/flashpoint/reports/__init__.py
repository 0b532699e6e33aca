"""flashpoint.reports."""
