"""Metrics addon and registry: what each Outcome, response and error adds, and that labels stay bounded."""

from __future__ import annotations

import pytest
from mitmproxy import exceptions
from mitmproxy.test import taddons, tflow
from prometheus_client.parser import text_string_to_metric_families

from proxy.addons.metrics import Metrics
from proxy.metrics_registry import OTHER, BoundedLabel, MetricsRegistry, rule_family, status_class
from proxy.outcome import METADATA_KEY, Evidence, Outcome


def ev(category: str = "credentials", rule: str = "credentials.aws.access_key") -> Evidence:
    return Evidence(category, "aws_key", rule, "high", "AK…YA", "h" * 16, "messages[0].content")


def outcome(**kw: object) -> Outcome:
    base: dict[str, object] = dict(incident_id="f1", service="openai", app_status="sanctioned", endpoint="chat",
                                   group="finance", action="allow", instance="corporate", policy_version="p1",
                                   rules_version="r1", bytes_scanned=120, timings={"adapter": 0.001,
                                                                                     "hyperscan": 0.0002})
    base.update(kw)
    return Outcome(**base)  # type: ignore[arg-type]


def samples(m: MetricsRegistry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the text exposition, as Prometheus would scrape it."""
    body, _ = m.exposition()
    out = {}
    for fam in text_string_to_metric_families(body.decode()):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(m: MetricsRegistry, name: str, **labels: str) -> float:
    return samples(m).get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.parametrize(("rule", "family"), [
    ("credentials.aws.access_key", "aws"), ("regulated_data.fr.nir", "fr"), ("single", "single"), ("a.b", "a"),
])
def test_rule_family(rule: str, family: str) -> None:
    assert rule_family(rule) == family


@pytest.mark.parametrize(("status", "cls"), [(200, "2xx"), (403, "4xx"), (599, "5xx"), (42, OTHER)])
def test_status_class(status: int, cls: str) -> None:
    assert status_class(status) == cls


def test_bounded_label_caps_and_rejects_unsafe_values() -> None:
    label = BoundedLabel(("known",), cap=2)
    assert [label(v) for v in ("known", "a", "b", "c", "a", "")] == ["known", "a", "b", OTHER, "a", "unknown"]
    for leaky in ("jean.dupont@example.fr", "10.0.0.1 ", "Bearer sk-abc", "x" * 80, "Élise"):
        assert BoundedLabel(cap=100)(leaky) == OTHER


def test_allowed_request_counts_request_bytes_and_stages_but_no_incident() -> None:
    m = MetricsRegistry()
    m.observe(outcome())
    assert value(m, "gardefou_requests_total", service="openai", app_status="sanctioned", account="corporate",
                 endpoint="chat", action="allow") == 1
    assert value(m, "gardefou_scanned_bytes_total", service="openai") == 120
    assert value(m, "gardefou_scan_duration_seconds_count", stage="adapter") == 1
    assert value(m, "gardefou_scan_duration_seconds_count", stage="hyperscan") == 1
    assert not [k for k in samples(m) if k[0] == "gardefou_incidents_total"]


def test_text_served_by_the_scan_cache_is_counted_apart() -> None:
    m = MetricsRegistry()
    m.observe(outcome())
    assert not [k for k in samples(m) if k[0] == "gardefou_scan_cache_hit_bytes_total"]
    m.observe(outcome(cached_bytes=80, timings={"cache": 0.00001}))
    assert value(m, "gardefou_scan_cache_hit_bytes_total", service="openai") == 80
    assert value(m, "gardefou_scanned_bytes_total", service="openai") == 240
    assert value(m, "gardefou_scan_duration_seconds_count", stage="cache") == 1


def test_blocked_request_counts_one_incident_per_category_and_each_detection() -> None:
    m = MetricsRegistry()
    m.observe(outcome(action="block", evidence=(ev(), ev(), ev("regulated_data", "regulated_data.fr.iban"))))
    assert value(m, "gardefou_incidents_total", service="openai", group="finance", action="block") == 1
    assert value(m, "gardefou_incident_categories_total", category="credentials", group="finance",
                 action="block") == 1
    assert value(m, "gardefou_incident_categories_total", category="regulated_data", group="finance",
                 action="block") == 1
    assert value(m, "gardefou_detections_total", category="credentials", rule_family="aws", service="openai",
                 action="block") == 2
    assert value(m, "gardefou_detections_total", category="regulated_data", rule_family="fr", service="openai",
                 action="block") == 1


def test_policy_verdict_without_finding_is_an_incident_of_category_none() -> None:
    m = MetricsRegistry()
    m.observe(outcome(service="deepseek", app_status="unsanctioned", action="block", instance="unknown"))
    assert value(m, "gardefou_incident_categories_total", category="none", group="finance", action="block") == 1
    assert value(m, "gardefou_incidents_total", service="deepseek", group="finance", action="block") == 1
    assert value(m, "gardefou_requests_total", service="deepseek", app_status="unsanctioned", account="unknown",
                 endpoint="chat", action="block") == 1


def test_errors_fail_modes_and_justifications() -> None:
    m = MetricsRegistry()
    m.observe(outcome(error="timeout", fail_mode="open"))
    m.observe(outcome(error="malformed_body", fail_mode="closed", action="block"))
    m.observe(outcome(action="allow", justification="client project, approved"))
    assert value(m, "gardefou_fail_mode_events_total", mode="open", error="timeout", service="openai") == 1
    assert value(m, "gardefou_fail_mode_events_total", mode="closed", error="malformed_body", service="openai") == 1
    assert value(m, "gardefou_scan_errors_total", error="timeout", service="openai") == 1
    assert value(m, "gardefou_coach_justifications_total", service="openai", group="finance") == 1


def test_policy_info_tracks_the_version_in_force_and_counts_reloads() -> None:
    m = MetricsRegistry()
    assert value(m, "gardefou_policy_reloads_total", result="applied") == 0  # exported before any reload
    m.observe(outcome(policy_version="v1"))
    m.observe(outcome(policy_version="v1"))
    assert value(m, "gardefou_policy_info", policy_version="v1", rules_version="r1") == 1
    m.observe(outcome(policy_version="v2"))
    assert value(m, "gardefou_policy_info", policy_version="v2", rules_version="r1") == 1
    assert ("gardefou_policy_info", (("policy_version", "v1"), ("rules_version", "r1"))) not in samples(m)
    assert value(m, "gardefou_policy_reloads_total", result="applied") == 1


def test_labels_never_carry_request_derived_text() -> None:
    m = MetricsRegistry(group_cap=1)
    m.observe(outcome(group="ops"))
    m.observe(outcome(group="jean.dupont", service="Mallory <script>", endpoint="/v1/x?key=sk-123",
                      evidence=(ev(rule="x.sk-live-abc123!.y"),), action="block"))
    body = m.exposition()[0].decode()
    for leaked in ("jean.dupont", "Mallory", "sk-123", "sk-live"):
        assert leaked not in body
    assert value(m, "gardefou_incidents_total", service=OTHER, group=OTHER, action="block") == 1


def test_addon_counts_outcome_response_and_error_but_not_its_own_replies() -> None:
    addon = Metrics()
    with taddons.context(addon):
        passed = tflow.tflow(resp=False)
        passed.metadata[METADATA_KEY] = outcome()
        addon.request(passed)
        passed.response = tflow.tresp(status_code=200)
        addon.responseheaders(passed)

        blocked = tflow.tflow(resp=False)
        blocked.metadata[METADATA_KEY] = outcome(action="block", evidence=(ev(),))
        blocked.response = tflow.tresp(status_code=403)  # set by enforcement in its request hook
        addon.request(blocked)
        addon.responseheaders(blocked)

        failed = tflow.tflow(resp=False)
        failed.metadata[METADATA_KEY] = outcome()
        addon.request(failed)
        failed.error = tflow.terr()
        addon.error(failed)

        foreign = tflow.tflow(resp=True)  # no Outcome: not an AI request
        addon.request(foreign)
        addon.responseheaders(foreign)

        cut = tflow.tflow(resp=False)  # the answer started, then the connection broke: not a flow error
        cut.metadata[METADATA_KEY] = outcome(streamed=True)
        addon.request(cut)
        cut.response = tflow.tresp(status_code=200)
        addon.responseheaders(cut)
        cut.error = tflow.terr()
        addon.error(cut)
    m = addon.metrics
    assert value(m, "gardefou_upstream_responses_total", service="openai", code_class="2xx", streamed="false") == 1
    assert value(m, "gardefou_upstream_responses_total", service="openai", code_class="2xx", streamed="true") == 1
    assert value(m, "gardefou_upstream_responses_total", service="openai", code_class="4xx", streamed="false") == 0
    assert value(m, "gardefou_flow_errors_total", service="openai") == 1
    assert sum(v for (n, _), v in samples(m).items() if n == "gardefou_requests_total") == 4


def test_rejected_policy_option_update_is_counted() -> None:
    class Strict:
        def load(self, loader: object) -> None:
            loader.add_option("gardefou_policy", str, "good.yaml", "test policy")  # type: ignore[attr-defined]

        def configure(self, updated: set[str]) -> None:
            from mitmproxy import ctx
            if ctx.options.gardefou_policy == "broken.yaml":
                raise exceptions.OptionsError("broken policy")

    addon = Metrics()
    with taddons.context(Strict(), addon) as tctx:
        with pytest.raises(exceptions.OptionsError):
            tctx.options.update(gardefou_policy="broken.yaml")
        tctx.options.update(gardefou_policy="other.yaml")
    assert value(addon.metrics, "gardefou_policy_reloads_total", result="rejected") == 1


def test_each_addon_owns_its_registry() -> None:
    a, b = Metrics(), Metrics()
    a.metrics.observe(outcome())
    assert value(a.metrics, "gardefou_requests_total", service="openai", app_status="sanctioned",
                 account="corporate", endpoint="chat", action="allow") == 1
    assert not [k for k in samples(b.metrics) if k[0] == "gardefou_requests_total"]
