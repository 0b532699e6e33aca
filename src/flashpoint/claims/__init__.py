"""Claims of the articles and of the proponents they quote, as tested hypotheses.

:func:`load_claims` reads the shipped catalogue (``catalogue.toml``) or a
user's file; :func:`evaluate_claim` and :func:`evaluate_all` turn ensemble
results into :class:`Verdict` objects on the scale documented in
:mod:`flashpoint.claims.evaluate` and ``docs/claims.md``.
"""

from flashpoint.claims.evaluate import (
    AUDIT_TAGS,
    VERDICTS,
    TheoryResult,
    Verdict,
    claim_statistic,
    classify,
    evaluate_all,
    evaluate_claim,
    margins,
    verdict_class,
    wilson_interval,
)
from flashpoint.claims.load import load_claims, parse_claims
from flashpoint.claims.model import METRICS, SCENARIOS, Claim, Selector, Source

__all__ = [
    "AUDIT_TAGS",
    "METRICS",
    "SCENARIOS",
    "VERDICTS",
    "Claim",
    "Selector",
    "Source",
    "TheoryResult",
    "Verdict",
    "claim_statistic",
    "classify",
    "evaluate_all",
    "evaluate_claim",
    "load_claims",
    "margins",
    "parse_claims",
    "verdict_class",
    "wilson_interval",
]
