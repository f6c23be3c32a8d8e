"""Garde-fou: outbound data-loss-prevention proxy for generative AI."""

__version__ = "0.1.0"
