"""The decision: a pure function of findings, destination and user that says what to do with a request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from detectors.finding import Finding
from proxy.policy import messages
from proxy.policy.model import SEVERITY, Policy, PolicyRule


@dataclass(frozen=True, slots=True)
class Detected:
    """A finding with the segment it was found in and the keyed hash of its value (for allowlists)."""

    finding: Finding
    segment: int
    hash: str


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Everything about a request that the policy may look at, except its content."""

    policy: Policy
    service: str = "unknown"  # catalogue id
    catalogue_status: str = "unknown"
    group: str = "default"
    user: str = ""
    instance: str = "unknown"
    endpoint: str = ""
    rewritable: bool = True
    justification: str = ""  # what the user gave to proceed past coaching ("" = none)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What enforcement does: forward (possibly redacted) or answer with `message`."""

    action: str  # allow | log | redact | coach | block, as enforced
    forward: bool
    app_status: str = "unknown"
    message: str = ""  # bilingual, for the block reply; no value ever
    code: str = ""  # machine code of the block reply
    rules: tuple[str, ...] = ()  # names of the policy rules that fired
    redact: tuple[int, ...] = ()  # indexes into the findings to replace with placeholders
    evidence: tuple[int, ...] = ()  # indexes into the findings worth recording
    headers: tuple[tuple[str, str], ...] = ()  # tenant-restriction headers to inject
    justification: str = ""
    error: str = ""
    fail_mode: str = ""


def effective_status(ctx: RequestContext) -> str:
    return ctx.policy.effective_status(ctx.service, ctx.catalogue_status)


def allowlisted(ctx: RequestContext) -> bool:
    a = ctx.policy.allowlist
    return bool(ctx.user and ctx.user in a.users) or ctx.service in a.services


def scan_needed(ctx: RequestContext) -> bool:
    """False when the outcome cannot depend on content: allowlisted, or the service is blocked outright."""
    return not allowlisted(ctx) and ctx.policy.status_action(effective_status(ctx)) != "block"


def _in_scope(rule: PolicyRule, ctx: RequestContext, status: str) -> bool:
    return ((not rule.groups or ctx.group in rule.groups)
            and (not rule.services or ctx.service in rule.services)
            and (not rule.instances or ctx.instance in rule.instances)
            and (not rule.app_status or status in rule.app_status))


def _matches(rule: PolicyRule, f: Finding) -> bool:
    return (f.category == rule.category and (not rule.types or f.type in rule.types)
            and f.confidence >= rule.min_confidence)


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def decide(findings: Sequence[Detected], ctx: RequestContext) -> Verdict:
    """Apply the policy: app status sets the floor, fired rules raise it, the strictest action wins."""
    p = ctx.policy
    status = effective_status(ctx)
    headers = p.service(ctx.service).headers
    if allowlisted(ctx):
        return Verdict(action="allow", forward=True, app_status=status, headers=headers)
    action = p.status_action(status)
    if action == "block":
        return Verdict(action="block", forward=False, app_status=status, headers=headers,
                       message=messages.unsanctioned(ctx.service), code="gardefou_unsanctioned")
    fired: list[PolicyRule] = []
    matched: dict[str, list[int]] = {}  # rule name -> finding indexes
    kept = [i for i, d in enumerate(findings) if d.hash not in p.allowlist.hashes]
    for rule in p.rules:
        if not _in_scope(rule, ctx, status):
            continue
        if rule.category:
            hits = [i for i in kept if _matches(rule, findings[i].finding)]
            if len(hits) < rule.min_count:
                continue
            matched[rule.name] = hits
        fired.append(rule)
        if SEVERITY[rule.action] > SEVERITY[action]:
            action = rule.action
    hit_rules = [r for r in fired if r.action != "allow"]
    evidence = tuple(sorted({i for r in hit_rules for i in matched.get(r.name, [])}))
    strict = [r for r in hit_rules if r.action == action]
    cats = _unique([findings[i].finding.category for r in strict for i in matched.get(r.name, [])])
    types = _unique([findings[i].finding.type for r in strict for i in matched.get(r.name, [])])
    verdict = Verdict(action=action, forward=True, app_status=status, rules=tuple(r.name for r in fired),
                      evidence=evidence, headers=headers)
    redact = tuple(sorted({i for r in fired if r.action == "redact" for i in matched.get(r.name, [])}))
    if action == "block":
        message = messages.blocked(cats, types) if cats else messages.request_rule(strict[0].name if strict else "")
        return replace(verdict, forward=False, message=message, code="gardefou_blocked")
    if action == "coach":
        if not ctx.justification:
            return replace(verdict, forward=False, message=messages.coached(cats, types), code="gardefou_coaching")
        justification = ctx.justification[:p.justification_max_chars]
    else:
        justification = ""
    if redact and not ctx.rewritable:
        rcats = _unique([findings[i].finding.category for i in redact])
        rtypes = _unique([findings[i].finding.type for i in redact])
        return replace(verdict, action="block", forward=False, message=messages.not_rewritable(rcats, rtypes),
                       code="gardefou_not_rewritable")
    if action not in ("redact", "coach"):
        redact = ()
    return replace(verdict, redact=redact, justification=justification)


def decide_error(error: str, ctx: RequestContext) -> Verdict:
    """A request that could not be inspected: the service's fail mode says forward (open) or block (closed)."""
    p = ctx.policy
    status = effective_status(ctx)
    headers = p.service(ctx.service).headers
    mode = p.fail_mode_for(ctx.service)
    if not scan_needed(ctx):  # the verdict never depended on content
        return decide((), ctx)
    if mode == "closed":
        return Verdict(action="block", forward=False, app_status=status, message=messages.uninspectable(error),
                       code="gardefou_uninspectable", headers=headers, error=error, fail_mode=mode)
    action = max(p.status_action(status), "log", key=SEVERITY.__getitem__)
    if action in ("redact", "coach"):  # nothing to redact or explain without content
        action = "log"
    return Verdict(action=action, forward=action != "block", app_status=status, headers=headers, error=error,
                   fail_mode=mode, message=messages.uninspectable(error) if action == "block" else "",
                   code="gardefou_uninspectable" if action == "block" else "")
