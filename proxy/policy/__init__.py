"""The AI usage policy: loading and validation, and the pure decision function."""

from proxy.policy.decide import Detected, RequestContext, Verdict, decide, decide_error, scan_needed
from proxy.policy.load import SHIPPED_POLICY, check_service_ids, load_policy
from proxy.policy.model import Policy

__all__ = ["SHIPPED_POLICY", "Detected", "Policy", "RequestContext", "Verdict", "check_service_ids", "decide",
           "decide_error", "load_policy", "scan_needed"]
