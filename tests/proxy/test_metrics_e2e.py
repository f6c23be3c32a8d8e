"""The proxy, a real Prometheus and real SDK clients: every dashboard query counts the traffic sent, nothing leaks.

One proxy (audit mode, proxy authentication, a policy with a group) scraped every second by Debian's prometheus.
The same batch of requests is sent twice: the first creates every series, the second is measured. Each query of
each dashboard panel is evaluated at the scrape after the second batch over the window since the scrape after the
first, so `increase()` and `rate()` see exactly the second batch (Prometheus 2's range selectors include both ends).
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import ssl
import string
import subprocess
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anthropic
import httpx
import httpx2
import openai
import pytest
from google import genai
from google.genai import types as genai_types
from harness import AI_HOSTS, ROOT, Proxy, Recorded, Reply, Upstream, ai_responder, free_port, make_cert

from detectors.finding import mask

PROMETHEUS = shutil.which("prometheus")
DASHBOARDS = sorted((ROOT / "dashboards").glob("*.json"))
POLICY = Path(__file__).parent / "data" / "e2e-policy.yaml"
USER, PASSWORD, GROUP = "jeanne.martin", "Mdp-proxy-" + secrets.token_hex(4), "compta"
DROP = "drop-connection"  # a model name that makes the stand-in hang up without answering


def _iban() -> str:
    bban = "".join(secrets.choice(string.digits) for _ in range(23))
    number = int("".join(str(int(c, 36)) for c in bban + "FR00"))
    return f"FR{98 - number % 97:02d}{bban}"


# Planted values and prompt fragments, new for each run: none may appear in any log, incident or metric.
AWS_KEY = "AKIA" + "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
IBAN = _iban()
EMAIL = f"client.{secrets.token_hex(3)}@exemple-client.fr"
MARKER = "zqx" + secrets.token_hex(5)  # a word in every prompt
PROMPTS = {
    "clean": f"Prépare l'ordre du jour de la réunion trimestrielle {MARKER}.",
    "stream": f"Écris un haïku sur la comptabilité analytique {MARKER}.",
    "redact": f"Relance la cliente {EMAIL} : virement attendu sur l'IBAN {IBAN} {MARKER}.",
    "block": f"Mon script plante avec aws_access_key_id = {AWS_KEY}, tu vois pourquoi {MARKER} ?",
    "shadow": f"Traduis la note interne sur les tarifs fournisseurs {MARKER}.",
    "coach": f"Résume le Projet Chimère pour le comité de direction {MARKER}.",
    "gemini": f"Propose trois titres pour la lettre d'information {MARKER}.",
    "dropped": f"Corrige l'orthographe du compte rendu de chantier {MARKER}.",
    "anthropic stream": f"Rédige un courriel poli pour {EMAIL} au sujet de la facture {MARKER}.",
    "gemini stream": f"Donne deux idées de séminaire d'équipe à Lyon {MARKER}.",
    "embeddings": f"clé de production aws_access_key_id={AWS_KEY} {MARKER}",
    "responses": f"Vérifie ce RIB avant paiement : {IBAN} {MARKER}.",
}
PLANTED = {"aws key": AWS_KEY, "iban": IBAN, "email": EMAIL, "marker": MARKER, "user": USER, "password": PASSWORD,
           **{f"prompt {k}": v[:40] for k, v in PROMPTS.items()}}


@dataclass(frozen=True)
class Sent:
    """What one request of the batch must produce, as the metrics would count it."""

    service: str
    endpoint: str
    action: str
    app_status: str = "tolerated"
    account: str = "unknown"
    findings: tuple[tuple[str, str], ...] = ()  # (category, rule family)
    justification: bool = False
    error: str = ""
    fail_mode: str = ""
    answer: tuple[str, str] | None = ("2xx", "false")  # (code class, streamed) of the service's answer
    flow_error: bool = False
    group: str = GROUP


BATCH = (
    Sent("openai-api", "chat", "allow", account="corporate"),
    Sent("openai-api", "chat", "allow", answer=("2xx", "true")),
    Sent("openai-api", "chat", "redact", findings=(("regulated_data", "contact"), ("regulated_data", "finance"))),
    Sent("anthropic-api", "messages", "block", findings=(("credentials", "aws"),), answer=None),
    Sent("deepseek-api", "chat", "block", app_status="unsanctioned", answer=None),
    Sent("openai-api", "chat", "coach", findings=(("intellectual_property", "dictionary"),), answer=None),
    Sent("openai-api", "chat", "coach", findings=(("intellectual_property", "dictionary"),), justification=True),
    Sent("gemini-api", "generate_content", "allow"),
    Sent("gemini-api", "generate_content", "block", error="malformed_body", fail_mode="closed", answer=None),
    Sent("mistral-api", "chat", "allow", answer=None, flow_error=True),
    Sent("anthropic-api", "messages", "redact", findings=(("regulated_data", "contact"),), answer=("2xx", "true")),
    Sent("gemini-api", "stream_generate_content", "allow", answer=("2xx", "true")),
    Sent("openai-api", "embeddings", "block", findings=(("credentials", "aws"),), answer=None),
    Sent("openai-api", "responses", "redact", findings=(("regulated_data", "finance"),)),
)


def responder(req: Recorded) -> Reply:
    if DROP.encode() in req.body:
        raise ConnectionAbortedError("stand-in hangs up")  # the proxy sees the server disconnect
    return ai_responder(req, delay=0.01)


class Traffic:
    """Real SDK clients through the proxy, authenticated as USER."""

    def __init__(self, proxy: Proxy) -> None:
        proxy_url = f"http://{USER}:{PASSWORD}@127.0.0.1:{proxy.port}"
        verify = ssl.create_default_context(cafile=str(proxy.ca_cert))
        self.http = httpx.Client(proxy=proxy_url, verify=verify, timeout=60)
        self.openai = openai.OpenAI(api_key="sk-test", http_client=self.http, max_retries=0)
        self.openai_org = openai.OpenAI(api_key="sk-test", organization="org-gardefou", http_client=self.http,
                                        max_retries=0)
        self.deepseek = openai.OpenAI(api_key="sk-test", base_url="https://api.deepseek.com/v1",
                                      http_client=self.http, max_retries=0)
        self.mistral = openai.OpenAI(api_key="test", base_url="https://api.mistral.ai/v1", http_client=self.http,
                                     max_retries=0)
        self.http2 = httpx2.Client(proxy=proxy_url, verify=verify, timeout=60)  # the anthropic SDK's fork of httpx
        self.anthropic = anthropic.Anthropic(api_key="sk-ant-test", http_client=self.http2, max_retries=0)
        self.gemini = genai.Client(api_key="test-key", http_options=genai_types.HttpOptions(
            httpx_client=self.http, retry_options=genai_types.HttpRetryOptions(attempts=1)))

    def batch(self) -> None:
        """Sends BATCH, in its order."""
        def chat(client: openai.OpenAI, prompt: str, model: str = "gpt-4o", **kw: Any) -> Any:
            return client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}], **kw)

        assert chat(self.openai_org, PROMPTS["clean"]).choices[0].message.content
        assert "".join(c.choices[0].delta.content or "" for c in chat(self.openai, PROMPTS["stream"], stream=True))
        assert chat(self.openai, PROMPTS["redact"]).choices
        with pytest.raises(anthropic.PermissionDeniedError):
            self.anthropic.messages.create(model="claude-stand-in", max_tokens=64,
                                           messages=[{"role": "user", "content": PROMPTS["block"]}])
        with pytest.raises(openai.PermissionDeniedError):
            chat(self.deepseek, PROMPTS["shadow"], model="deepseek-chat")
        with pytest.raises(openai.PermissionDeniedError):
            chat(self.openai, PROMPTS["coach"])
        assert chat(self.openai, PROMPTS["coach"], extra_headers={"X-Gardefou-Justification": "board approved"})
        assert self.gemini.models.generate_content(model="gemini-2.0-flash", contents=PROMPTS["gemini"]).text
        bad = self.http.post("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent",
                             content=b'{"contents": [', headers={"content-type": "application/json"})
        assert bad.status_code == 400
        with pytest.raises(openai.APIStatusError):  # the proxy answers 502 when the service hangs up
            chat(self.mistral, PROMPTS["dropped"], model=DROP)
        with self.anthropic.messages.stream(model="claude-stand-in", max_tokens=64,
                                            messages=[{"role": "user", "content": PROMPTS["anthropic stream"]}]) as st:
            assert "".join(st.text_stream)
        assert "".join(c.text or "" for c in self.gemini.models.generate_content_stream(
            model="gemini-2.0-flash", contents=PROMPTS["gemini stream"]))
        with pytest.raises(openai.PermissionDeniedError):
            self.openai.embeddings.create(model="text-embedding-3-small", input=PROMPTS["embeddings"])
        try:
            self.openai.responses.create(model="gpt-4o", input=PROMPTS["responses"])
        except openai.APIError:
            pass  # the stand-in answers in chat format; what counts is what the proxy forwarded

    def close(self) -> None:
        self.http.close()
        self.http2.close()


class Prometheus:
    """Debian's prometheus scraping the proxy's admin port every second."""

    def __init__(self, target: str, work: Path) -> None:
        assert PROMETHEUS
        config = work / "prometheus.yml"
        config.write_text(json.dumps({
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
            "scrape_configs": [{"job_name": "gardefou", "static_configs": [{"targets": [target]}]}],
        }))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = work / "prometheus.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={work / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=self._log, stderr=subprocess.STDOUT)
        self._wait(lambda: self._get("/-/ready") is not None, "ready")

    def _get(self, path: str) -> bytes | None:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as r:
                body: bytes = r.read()
                return body
        except OSError:
            return None

    def _wait(self, ok: Callable[[], bool], what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prometheus exited: {self.log_path.read_text(errors='replace')}")
            if ok():
                return
            time.sleep(0.1)
        raise TimeoutError(f"prometheus: not {what} within {timeout}s")

    def query(self, expr: str, at: float | None = None) -> list[dict[str, Any]]:
        params = {"query": expr, **({"time": f"{at:.3f}"} if at is not None else {})}
        body = self._get("/api/v1/query?" + urllib.parse.urlencode(params))
        assert body is not None, f"query failed: {expr}"
        answer = json.loads(body)
        assert answer["status"] == "success", answer
        result: list[dict[str, Any]] = answer["data"]["result"]
        return result

    def scrape_after(self, moment: float) -> float:
        """The timestamp of the first successful scrape that started after `moment` (wall clock)."""
        found: list[float] = []

        def scraped() -> bool:
            # timestamp() of a bare selector is the sample's own time; of an expression, the evaluation time.
            r = self.query('timestamp(up{job="gardefou"})')
            up = self.query('up{job="gardefou"}')
            if r and up and up[0]["value"][1] == "1" and float(r[0]["value"][1]) > moment:
                found.append(float(r[0]["value"][1]))
            return bool(found)

        self._wait(scraped, "scraped")
        return found[0]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self._log.close()


@dataclass
class Stack:
    proxy: Proxy
    prometheus: Prometheus
    upstream: Upstream
    incidents: Path
    t1: float  # scrape after the first batch
    t2: float  # scrape after the second batch
    policy_version: str
    metrics_text: str

    @property
    def window_ms(self) -> int:
        return round((self.t2 - self.t1) * 1000)


def _wait_for(ok: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ok():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.2)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if PROMETHEUS is None:
        pytest.skip("prometheus not installed and apt unavailable (scripts/ci-deps.sh)")
    work = tmp_path_factory.mktemp("metrics-e2e")
    upstream = Upstream(*make_cert(work / "cert", AI_HOSTS), responder=responder)
    policy = work / "policy.yaml"
    policy.write_text(POLICY.read_text() + f"groups:\n  {GROUP}:\n    users: [{USER}]\n")
    incidents = work / "incidents" / "incidents.jsonl"
    routes = {h: upstream.port for h in (*AI_HOSTS, "api.deepseek.com")}
    proxy = Proxy.start(policy, routes, work / "ca", work / "proxy.log", services=ROOT / "rules" / "services",
                        extra_sets=(f"gardefou_incident_log={incidents}", "gardefou_audit=true",
                                    f"proxyauth={USER}:{PASSWORD}"), timeout=240)
    prometheus = Prometheus(f"127.0.0.1:{proxy.admin_port}", work)
    traffic = Traffic(proxy)
    try:
        prometheus.scrape_after(time.time())  # the target is up before any traffic
        traffic.batch()
        t1 = prometheus.scrape_after(time.time() + 0.05)  # margin: Prometheus may align timestamps by 2 ms
        # A policy edit between the batches: the second batch runs under the reloaded policy.
        policy.write_text(policy.read_text() + "# edited between the batches\n")
        _wait_for(lambda: "reloaded policy" in proxy.log(), "policy reload")
        found = re.findall(r"reloaded policy \S+ \(version (\w+)\)", proxy.log())
        traffic.batch()
        t2 = prometheus.scrape_after(time.time() + 0.05)
        yield Stack(proxy, prometheus, upstream, incidents, t1, t2, found[-1], proxy.metrics())
    finally:
        traffic.close()
        prometheus.stop()
        proxy.stop()
        upstream.close()


# --- what each panel must show for one batch, computed from BATCH -----------------------------------------------

Series = dict[frozenset[tuple[str, str]], float]


def count(items: list[Any], **labels: Callable[[Any], str]) -> Series:
    out: Counter[frozenset[tuple[str, str]]] = Counter()
    for item in items:
        out[frozenset((k, f(item)) for k, f in labels.items())] += 1
    return dict(out)


def incidents() -> list[Sent]:
    return [s for s in BATCH if s.action != "allow"]


def categories() -> list[tuple[str, Sent]]:
    return [(c, s) for s in incidents() for c in (sorted({c for c, _ in s.findings}) or ["none"])]


def findings() -> list[tuple[str, str]]:
    return [f for s in BATCH for f in s.findings]


SHADOW = ("unsanctioned", "unknown")
EXPECTED: dict[str, Callable[[], Series]] = {
    # overview
    "Requests inspected": lambda: count(list(BATCH)),
    "Incidents": lambda: count(incidents()),
    "Blocked": lambda: count([s for s in incidents() if s.action == "block"]),
    "Shadow AI requests": lambda: count([s for s in BATCH if s.app_status in SHADOW]),
    "Incidents by category": lambda: count(categories(), category=lambda x: x[0]),
    "Incidents by action": lambda: count(incidents(), action=lambda s: s.action),
    "Incidents by app": lambda: count(incidents(), service=lambda s: s.service),
    "Incidents by group": lambda: count(incidents(), group=lambda s: s.group),
    "Top rule families": lambda: count(findings(), category=lambda f: f[0], rule_family=lambda f: f[1]),
    "Findings by category": lambda: count(findings(), category=lambda f: f[0]),
    "Shadow AI by app": lambda: count([s for s in BATCH if s.app_status in SHADOW], service=lambda s: s.service,
                                      app_status=lambda s: s.app_status),
    "Personal vs corporate use": lambda: count(list(BATCH), account=lambda s: s.account),
    "Requests by app status": lambda: count(list(BATCH), app_status=lambda s: s.app_status),
    "Coaching: justifications given": lambda: count([s for s in BATCH if s.justification],
                                                    service=lambda s: s.service, group=lambda s: s.group),
    "Coached requests": lambda: count([s for s in incidents() if s.action == "coach"]),
    # operations (rates are divided by the window by the test)
    "Requests per second by action": lambda: count(list(BATCH), action=lambda s: s.action),
    "Requests per second by service": lambda: count(list(BATCH), service=lambda s: s.service),
    "Upstream responses by status class": lambda: count([s for s in BATCH if s.answer],
                                                        code_class=lambda s: s.answer[0] if s.answer else "",
                                                        streamed=lambda s: s.answer[1] if s.answer else ""),
    "Fail-open and fail-closed events": lambda: count([s for s in BATCH if s.fail_mode],
                                                      mode=lambda s: s.fail_mode, error=lambda s: s.error),
    "Scan errors": lambda: count([s for s in BATCH if s.error], error=lambda s: s.error,
                                 service=lambda s: s.service),
    "Upstream connection errors": lambda: count([s for s in BATCH if s.flow_error], service=lambda s: s.service),
    "Policy reloads": lambda: {frozenset({("result", "applied")}): 1.0, frozenset({("result", "rejected")}): 0.0},
    "Proxies up": lambda: {frozenset(): 1.0},
    "Upstream 5xx share": lambda: {frozenset(): 0.0},
}
# Panels whose values are not counts of the traffic: checked for series and sane values only.
SHAPE_ONLY = {"Scan latency p50 per stage", "Scan latency p99 per stage", "Scanned request size p99",
              "Proxy CPU and memory", "Bytes scanned per second", "Policy in force"}


def dashboard_targets() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel.get("targets", []):
                out.append((path.stem, panel["title"], target))
    return out


def grafana_substitute(expr: str, window_ms: int) -> str:
    """What Grafana sends for our variables: the measured window for ranges, every value for multi-selects."""
    for name, value in (("$__rate_interval", f"{window_ms}ms"), ("$__range", f"{window_ms}ms"),
                        ("$group", ".*"), ("$service", ".*")):
        expr = expr.replace(name, value)
    assert "$" not in expr, f"unsubstituted variable in {expr}"
    return expr


def test_batch_outcomes_are_what_the_counts_assume(stack: Stack) -> None:
    records = [json.loads(line) for line in stack.incidents.read_text().splitlines()]
    assert len(records) == 2 * len(BATCH)  # audit mode: every request, both batches
    for record, sent in zip(records[len(BATCH):], BATCH, strict=True):
        got = (record["service"], record["endpoint"], record["action"], record["app_status"], record["account"],
               record["group"], record["error"], record["fail_mode"], bool(record["justification"]))
        assert got == (sent.service, sent.endpoint, sent.action, sent.app_status, sent.account, sent.group,
                       sent.error, sent.fail_mode, sent.justification)
        assert sorted({(f["category"], f["rule"].split(".")[1]) for f in record["findings"]}) == sorted(sent.findings)
        assert record["policy_version"] == stack.policy_version


def test_every_panel_is_checked() -> None:
    titles = {title for _, title, _ in dashboard_targets()}
    assert titles == set(EXPECTED) | SHAPE_ONLY


@pytest.mark.parametrize(("dashboard", "title", "target"), dashboard_targets(),
                         ids=[f"{d}:{t}:{x['refId']}" for d, t, x in dashboard_targets()])
def test_dashboard_query_counts_the_traffic(stack: Stack, dashboard: str, title: str, target: dict[str, Any]) -> None:
    expr = grafana_substitute(target["expr"], stack.window_ms)
    result = stack.prometheus.query(expr, at=stack.t2)
    assert result, f"{title}: no series for {expr}"
    got = {frozenset(r["metric"].items()): float(r["value"][1]) for r in result}
    if title in SHAPE_ONLY:
        assert all(v == v and v >= 0 for v in got.values()), got  # no NaN, no negative
        assert all(v > 0 for v in got.values()) or title == "Policy in force", got
        if title == "Policy in force":
            assert [dict(k)["policy_version"] for k in got] == [stack.policy_version]
        return
    expected = EXPECTED[title]()
    if "rate(" in expr and "increase(" not in expr and title != "Upstream 5xx share":
        expected = {k: v / (stack.window_ms / 1000) for k, v in expected.items()}
    assert got.keys() == expected.keys(), f"{title}: series {sorted(map(sorted, got))} != {sorted(map(sorted, expected))}"
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-12), f"{title} {dict(key)}"


def test_scan_stages_are_timed(stack: Stack) -> None:
    stages = {r["metric"]["stage"] for r in stack.prometheus.query("gardefou_scan_duration_seconds_count", at=stack.t2)}
    assert "adapter" in stages and len(stages) >= 2, stages


def test_nothing_sensitive_leaks_into_logs_incidents_or_metrics(stack: Stack) -> None:
    # Every place the proxy writes: its stdout/stderr, every incident file (rotated too), what Prometheus stored.
    places = {"proxy stdout/stderr": stack.proxy.log(), "/metrics": stack.metrics_text,
              "prometheus log": stack.prometheus.log_path.read_text(errors="replace")}
    for path in sorted(stack.incidents.parent.iterdir()):
        places[path.name] = path.read_text()
    series = stack.prometheus.query('{__name__=~"gardefou_.+"}', at=stack.t2)
    # Prometheus adds the target's address as `instance` itself; every other label comes from the proxy.
    places["prometheus series"] = json.dumps([{k: v for k, v in r["metric"].items() if k != "instance"}
                                              for r in series])
    assert len(places[stack.incidents.name].splitlines()) == 2 * len(BATCH)
    for where, text in places.items():
        for what, value in PLANTED.items():
            assert value not in text, f"{what} found in {where}"
        if not where.endswith(("stdout/stderr", "log")):  # logs may name listening addresses; data never does
            assert "127.0.0.1" not in text, f"an address found in {where}"
    # The checks above can fail: the upstream saw the clean prompts, and the masked previews are there.
    seen = b"".join(r.body for r in stack.upstream.requests).decode("utf-8", "replace")
    assert PROMPTS["clean"][:40] in seen or json.dumps(PROMPTS["clean"])[1:41] in seen
    assert IBAN not in seen and AWS_KEY not in seen  # redacted, blocked
    assert mask(AWS_KEY) in places[stack.incidents.name]  # the masked preview keeps the edges only

