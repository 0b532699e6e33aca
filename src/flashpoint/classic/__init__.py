"""flashpoint.classic: the classic models, usable on their own on a user's data."""

from flashpoint.classic import fearon, landscape, richardson, structural_balance

__all__ = ["fearon", "landscape", "richardson", "structural_balance"]
