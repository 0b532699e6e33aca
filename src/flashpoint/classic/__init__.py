"""flashpoint.classic: the classic models, usable on their own on a user's data."""

from flashpoint.classic import arms_races, fearon, landscape, richardson, structural_balance

__all__ = ["arms_races", "fearon", "landscape", "richardson", "structural_balance"]
