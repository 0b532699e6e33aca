"""Validity: observed history, calibration, backtests against naive baselines, scores."""
