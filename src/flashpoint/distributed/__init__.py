"""flashpoint.distributed."""
