"""The deployable stack, checked offline: compose and Kubernetes against their JSON schemas, Dockerfile, Prometheus."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from proxy.policy.load import load_policy

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"
CHECK_JSONSCHEMA = ROOT / ".venv" / "bin" / "check-jsonschema"
PROMTOOL = shutil.which("promtool")
KUBERNETES_VERSION = "1.30.0"  # the oldest minor still supported by the major clouds when written


def kustomized() -> list[Path]:
    k = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return [K8S / r for r in k["resources"]]


def resources() -> list[dict[str, Any]]:
    return [d for p in kustomized() for d in yaml.safe_load_all(p.read_text()) if d]


def by_kind(kind: str) -> dict[str, Any]:
    [found] = [r for r in resources() if r["kind"] == kind]
    return found


def check_compose(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(path)],
                          capture_output=True, text=True, timeout=120)


def test_compose_file_matches_the_compose_spec_schema(tmp_path: Path) -> None:
    ok = check_compose(ROOT / "docker-compose.yml")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    broken["services"]["gardefou"]["restart_policy"] = "always"  # not a compose key: the schema must say so
    (tmp_path / "compose.yml").write_text(yaml.safe_dump(broken))
    assert check_compose(tmp_path / "compose.yml").returncode != 0


def test_compose_starts_proxy_prometheus_and_grafana_with_files_that_exist() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert set(compose["services"]) == {"gardefou", "prometheus", "grafana"}
    assert compose["services"]["gardefou"]["build"] == "."
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source
    prometheus = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    [job] = prometheus["scrape_configs"]
    assert job["job_name"] == "gardefou"  # the dashboards select job="gardefou"
    assert job["static_configs"][0]["targets"] == ["gardefou:8081"]
    assert "8081:8081" in compose["services"]["gardefou"]["ports"]


@pytest.mark.skipif(PROMTOOL is None, reason="promtool comes with Debian's prometheus (scripts/ci-deps.sh)")
def test_prometheus_config_is_valid() -> None:
    assert PROMTOOL
    out = subprocess.run([PROMTOOL, "check", "config", str(ROOT / "deploy" / "prometheus" / "prometheus.yml")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("path", kustomized(), ids=lambda p: p.name)
def test_kubernetes_manifest_matches_its_schema(path: Path) -> None:
    for doc in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_kubernetes_schema_check_catches_a_typo() -> None:
    deployment = copy.deepcopy(by_kind("Deployment"))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest() -> None:
    listed = {p.name for p in kustomized()}
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert {r["kind"] for r in resources()} >= {"Deployment", "Service", "ConfigMap", "HorizontalPodAutoscaler"}


def test_deployment_wiring() -> None:
    deployment, service, hpa = by_kind("Deployment"), by_kind("Service"), by_kind("HorizontalPodAutoscaler")
    pod = deployment["spec"]["template"]
    [container] = pod["spec"]["containers"]
    args = container["args"]
    assert "--admin-port=8081" in args and "--set=gardefou_admin_host=0.0.0.0" in args
    assert pod["metadata"]["annotations"]["prometheus.io/port"] == "8081"
    assert pod["metadata"]["annotations"]["prometheus.io/scrape"] == "true"
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"proxy": 8080, "admin": 8081}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "admin"}
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    assert volumes["ca-secret"]["secret"]["secretName"] == "gardefou-ca"
    assert volumes["policy"]["configMap"]["name"] == by_kind("ConfigMap")["metadata"]["name"]
    policy_arg = next(a for a in args if a.startswith("--policy="))
    mount = next(m for m in container["volumeMounts"] if m["name"] == "policy")
    assert policy_arg == f"--policy={mount['mountPath']}/policy.yaml"
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]


def test_configmap_policy_is_a_valid_policy(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(by_kind("ConfigMap")["data"]["policy.yaml"])
    policy = load_policy(path)
    assert policy.rules and policy.status_action("unsanctioned") == "block"


def test_dockerfile_uses_the_install_script_runs_as_non_root_and_checks_health() -> None:
    text = (ROOT / "Dockerfile").read_text()
    steps = re.findall(r"^(FROM|RUN|USER|VOLUME|HEALTHCHECK|CMD|ENTRYPOINT)\s+(.*)$", text, re.MULTILINE)
    froms = [arg for kind, arg in steps if kind == "FROM"]
    assert len(froms) >= 2 and all("slim" in f for f in froms)  # multi-stage, slim base
    assert any(kind == "RUN" and arg.startswith("scripts/install.sh python3 /opt/gardefou --runtime-only")
               for kind, arg in steps)
    [user] = [arg for kind, arg in steps if kind == "USER"]
    assert not user.startswith(("root", "0"))
    assert any(kind == "VOLUME" and "/var/lib/gardefou/ca" in arg for kind, arg in steps)
    assert any(kind == "HEALTHCHECK" for kind, _ in steps) and "/healthz" in text
    for path in re.findall(r"^COPY (?!--from)(\S+)", text, re.MULTILINE):
        if path != "README.md":  # written by the lead; the image build needs it
            assert (ROOT / path).exists(), path
    mode = re.search(r'mode=\$\{3:-\}', (ROOT / "scripts" / "install.sh").read_text())
    assert mode and "--runtime-only" in (ROOT / "scripts" / "install.sh").read_text()
