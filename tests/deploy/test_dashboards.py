"""Grafana dashboards and provisioning: structure, datasource references, unique ids, and only real metric names."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from proxy.metrics_registry import MetricsRegistry
from proxy.outcome import Evidence, Outcome

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = sorted((ROOT / "dashboards").glob("*.json"))
PROVISIONING = ROOT / "dashboards" / "provisioning"
DATASOURCE_UID = "gardefou-prometheus"
PROMTOOL = shutil.which("promtool")
# Grafana's built-in variables, replaced the way Grafana would before the query reaches Prometheus.
GRAFANA_VARS = {"$__rate_interval": "1m", "$__range": "1h", "$__interval": "15s"}


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for p in dashboard["panels"]:
        out.append(p)
        out.extend(p.get("panels", []))
    return out


def queries(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    """(panel title, expr) of every target of every panel."""
    return [(p["title"], t["expr"]) for p in panels(dashboard) for t in p.get("targets", [])]


def substitute(expr: str, variables: dict[str, str]) -> str:
    for name in sorted(variables, key=len, reverse=True):  # $__range_ms before $__range
        expr = expr.replace(name, variables[name])
    return expr


def exported_metric_names() -> set[str]:
    """Every sample name the proxy exports once each kind of event has happened."""
    m = MetricsRegistry()
    e = Evidence("credentials", "aws_key", "credentials.aws.access_key", "high", "AK…YA", "h", "x")
    m.observe(Outcome("1", "openai", "sanctioned", "chat", "default", "block", (e,), justification="ok",
                      error="timeout", fail_mode="open", bytes_scanned=1, timings={"adapter": 0.1},
                      policy_version="p", rules_version="r"))
    m.response("openai", 200, False)
    m.flow_error("openai")
    names = {s.name for fam in text_string_to_metric_families(m.exposition()[0].decode()) for s in fam.samples}
    return names | {"up"}


def test_there_are_an_overview_and_an_operations_dashboard() -> None:
    assert {p.name for p in DASHBOARDS} == {"gardefou-overview.json", "gardefou-operations.json"}


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_structure(path: Path) -> None:
    d = load(path)
    assert d["uid"] and d["title"] and isinstance(d["schemaVersion"], int)
    ps = panels(d)
    ids = [p["id"] for p in ps]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    variables = {v["name"]: v for v in d["templating"]["list"]}
    ds = variables["datasource"]
    assert ds["type"] == "datasource" and ds["query"] == "prometheus" and ds["current"]["value"] == DATASOURCE_UID
    cells: set[tuple[int, int]] = set()
    for p in ps:
        g = p["gridPos"]
        assert 0 <= g["x"] and g["x"] + g["w"] <= 24 and g["h"] > 0, p["title"]
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                assert (x, y) not in cells, f"{p['title']} overlaps another panel"
                cells.add((x, y))
        if p["type"] == "row":
            continue
        assert p["title"] and p["targets"], p["id"]
        refs = [p["datasource"], *(t["datasource"] for t in p["targets"])]
        assert all(r == {"type": "prometheus", "uid": "${datasource}"} for r in refs), p["title"]
        ref_ids = [t["refId"] for t in p["targets"]]
        assert len(ref_ids) == len(set(ref_ids)), p["title"]
    for v in variables.values():
        if v["type"] == "query":
            assert v["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
    used = set(re.findall(r"\$(\w+)", json.dumps([q for _, q in queries(d)]))) - {"__rate_interval", "__range"}
    assert used <= set(variables), f"undefined variables {used - set(variables)}"


def test_dashboard_uids_are_unique() -> None:
    uids = [load(p)["uid"] for p in DASHBOARDS]
    assert len(uids) == len(set(uids))


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_queries_use_only_exported_metrics_and_no_forbidden_labels(path: Path) -> None:
    names = exported_metric_names()
    for title, expr in queries(load(path)):
        used = set(re.findall(r"\b((?:gardefou|process)_[a-z_]+|up)\b", expr))
        assert used and used <= names, f"{title}: unknown metrics {used - names}"
        assert not re.search(r"\b(user|ip|address|prompt|value)\b", expr), title


@pytest.mark.skipif(PROMTOOL is None, reason="promtool comes with Debian's prometheus (scripts/ci-deps.sh)")
@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_query_parses_with_promtool(path: Path, tmp_path: Path) -> None:
    variables = {**GRAFANA_VARS, "$group": ".*", "$service": ".*"}
    rules = [{"record": f"gardefou:check:{i}", "expr": substitute(expr, variables)}
             for i, (_, expr) in enumerate(queries(load(path)))]
    file = tmp_path / "rules.yml"
    file.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    assert PROMTOOL
    out = subprocess.run([PROMTOOL, "check", "rules", str(file)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    bad = tmp_path / "bad.yml"
    bad.write_text(yaml.safe_dump({"groups": [{"name": "x", "rules": [{"record": "x:y", "expr": "sum(("}]}]}))
    assert subprocess.run([PROMTOOL, "check", "rules", str(bad)], capture_output=True, timeout=60).returncode != 0


def test_overview_covers_the_issue_views() -> None:
    titles = {p["title"] for p in panels(load(ROOT / "dashboards" / "gardefou-overview.json"))}
    for needed in ("Incidents by category", "Incidents by app", "Incidents by group", "Incidents by action",
                   "Top rule families", "Shadow AI requests", "Coaching: justifications given",
                   "Personal vs corporate use"):
        assert needed in titles
    ops = {p["title"] for p in panels(load(ROOT / "dashboards" / "gardefou-operations.json"))}
    for needed in ("Requests per second by action", "Scan latency p50 per stage", "Scan latency p99 per stage",
                   "Fail-open and fail-closed events", "Policy reloads", "Scan errors", "Upstream connection errors"):
        assert needed in ops


def test_provisioning_points_at_these_dashboards_and_datasource() -> None:
    ds = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yaml").read_text())
    assert ds["apiVersion"] == 1
    [source] = ds["datasources"]
    assert source["type"] == "prometheus" and source["uid"] == DATASOURCE_UID and source["url"].startswith("http")
    prov = yaml.safe_load((PROVISIONING / "dashboards" / "gardefou.yaml").read_text())
    [provider] = prov["providers"]
    assert provider["type"] == "file"
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./dashboards:{provider['options']['path']}:ro" in mounts
    assert "./dashboards/provisioning/datasources:/etc/grafana/provisioning/datasources:ro" in mounts
    assert "./dashboards/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro" in mounts
