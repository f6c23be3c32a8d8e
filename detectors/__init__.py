"""Garde-fou's detection engine: one Hyperscan pass for every rule, then validators and later stages."""
