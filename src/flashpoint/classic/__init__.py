"""flashpoint.classic: the classic models, usable on their own on a user's data."""

from flashpoint.classic import landscape, richardson, structural_balance

__all__ = ["landscape", "richardson", "structural_balance"]
