"""flashpoint.storage."""
