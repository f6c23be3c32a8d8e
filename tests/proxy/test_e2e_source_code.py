"""Pasted source code through `gardefou run` and the openai SDK: logged by the shipped policy, blocked by a stricter one."""

from __future__ import annotations

import re
from collections.abc import Iterator

import openai
import pytest
from harness import AI_HOSTS, ROOT, Proxy, Upstream, read_incidents, wait_for

pytestmark = pytest.mark.slow

# Generic code written for this test; `invoice_total_with_discounts` is its marker in logs.
UNFENCED = '''Peux-tu optimiser cette fonction ?

def invoice_total_with_discounts(lines, rates):
    total = 0
    for line in lines:
        rate = rates.get(line.sku, 0)
        total += line.price * line.quantity * (1 - rate)
    if total < 0:
        raise ValueError("negative total")
    return round(total, 2)
'''
FENCED = '''Why does this query return duplicates?

```sql
SELECT c.id, c.name, o.total
FROM customers c
JOIN orders o ON o.customer_id = c.id
WHERE o.created_at > now() - interval '30 days'
ORDER BY o.total DESC;
```
'''


@pytest.fixture(scope="module")
def logging_proxy(upstream: Upstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    work = tmp_path_factory.mktemp("code-log")
    p = Proxy.start(ROOT / "rules" / "policy.yaml", {h: upstream.port for h in AI_HOSTS}, work / "ca",
                    work / "proxy.log", extra_sets=[f"gardefou_incident_log={work / 'incidents.jsonl'}"],
                    timeout=180)
    yield p
    p.stop()


@pytest.fixture(scope="module")
def blocking_proxy(upstream: Upstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    work = tmp_path_factory.mktemp("code-block")
    shipped = (ROOT / "rules" / "policy.yaml").read_text(encoding="utf-8")
    rule = "  - name: code source noté\n    category: source_code\n    action: log\n"
    assert rule in shipped  # the shipped policy's rule, made strict here
    policy = work / "policy.yaml"
    policy.write_text(shipped.replace(rule, rule.replace("action: log", "action: block")), encoding="utf-8")
    p = Proxy.start(policy, {h: upstream.port for h in AI_HOSTS}, work / "ca", work / "proxy.log",
                    extra_sets=[f"gardefou_incident_log={work / 'incidents.jsonl'}"], timeout=180)
    yield p
    p.stop()


def incidents(proxy: Proxy) -> list[dict[str, object]]:
    return read_incidents(proxy.ca_dir.parent / "incidents.jsonl")


def ask(proxy: Proxy, prompt: str) -> None:
    with proxy.httpx_client() as http:
        client = openai.OpenAI(api_key="sk-test", http_client=http, max_retries=0)
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])


@pytest.mark.parametrize("prompt", [UNFENCED, FENCED], ids=["unfenced", "fenced"])
def test_shipped_policy_forwards_code_and_logs_an_incident(logging_proxy: Proxy, clean_upstream: Upstream,
                                                           prompt: str) -> None:
    before = len(incidents(logging_proxy))
    ask(logging_proxy, prompt)
    sent = clean_upstream.requests[-1].json()
    assert isinstance(sent, dict) and sent["messages"][0]["content"] == prompt  # forwarded as written
    assert wait_for(lambda: len(incidents(logging_proxy)) > before, timeout=10)
    record = incidents(logging_proxy)[-1]
    assert record["action"] == "log"
    findings = record["findings"]
    assert isinstance(findings, list)
    assert [f["rule"] for f in findings if f["category"] == "source_code"] == ["source_code.classifier"]
    assert findings[0]["location"] == "messages[0].content"
    # The block's language and size go with the incident (a dashboard by language), never its text.
    assert findings[0]["attributes"] == {"language": "python" if prompt is UNFENCED else "sql",
                                         "lines": "8" if prompt is UNFENCED else "5"}


def test_nothing_of_the_code_is_written_by_the_proxy(logging_proxy: Proxy, clean_upstream: Upstream) -> None:
    before = len(incidents(logging_proxy))
    ask(logging_proxy, UNFENCED)
    assert wait_for(lambda: len(incidents(logging_proxy)) > before, timeout=10)
    written = (logging_proxy.ca_dir.parent / "incidents.jsonl").read_text(encoding="utf-8") + logging_proxy.log()
    assert "invoice_total_with_discounts" not in written and "line.quantity" not in written


@pytest.mark.parametrize("prompt", [UNFENCED, FENCED], ids=["unfenced", "fenced"])
def test_a_stricter_policy_blocks_code_before_it_leaves(blocking_proxy: Proxy, clean_upstream: Upstream,
                                                        prompt: str) -> None:
    with pytest.raises(openai.APIStatusError) as err:
        ask(blocking_proxy, prompt)
    assert err.value.status_code == 403
    assert clean_upstream.requests == []  # nothing reached the AI service
    record = incidents(blocking_proxy)[-1] if wait_for(lambda: bool(incidents(blocking_proxy)), 10) else {}
    assert record.get("action") == "block"


def test_prose_and_a_one_line_command_are_not_code(logging_proxy: Proxy, clean_upstream: Upstream) -> None:
    before = len(incidents(logging_proxy))
    ask(logging_proxy, "Résume le compte rendu de la réunion de lundi en cinq points, s'il te plaît.")
    ask(logging_proxy, "Que fait `git rebase -i HEAD~3` exactement ?")
    assert len(clean_upstream.requests) == 2
    assert len(incidents(logging_proxy)) == before


def cache_hit_bytes(proxy: Proxy) -> float:
    """gardefou_scan_cache_hit_bytes_total of the OpenAI API, from the proxy's own /metrics."""
    m = re.search(r'^gardefou_scan_cache_hit_bytes_total\{service="openai-api"\} (\S+)$', proxy.metrics(), re.MULTILINE)
    return float(m.group(1)) if m else 0.0


def test_a_conversation_sent_again_reports_its_code_each_turn_from_one_scan(logging_proxy: Proxy,
                                                                          clean_upstream: Upstream) -> None:
    """Chat APIs resend the whole conversation: the pasted code is found again at turn 2, from the scan cache."""
    code = UNFENCED.replace("invoice_total_with_discounts", "invoice_total_turns")  # not sent by another test
    history = [{"role": "user", "content": code},
               {"role": "assistant", "content": "Tu peux sortir le calcul du taux de la boucle, par exemple."}]
    before = len(incidents(logging_proxy))
    hits = cache_hit_bytes(logging_proxy)
    with logging_proxy.httpx_client() as http:
        client = openai.OpenAI(api_key="sk-test", http_client=http, max_retries=0)
        client.chat.completions.create(model="gpt-4o-mini", messages=history[:1])  # type: ignore[arg-type]
        assert cache_hit_bytes(logging_proxy) == hits  # first sight: scanned
        client.chat.completions.create(model="gpt-4o-mini", messages=[  # type: ignore[arg-type]
            *history, {"role": "user", "content": "Et si les taux sont négatifs ?"}])
    assert clean_upstream.requests[-1].json()["messages"][0]["content"] == code  # type: ignore[index]
    assert wait_for(lambda: len(incidents(logging_proxy)) >= before + 2, timeout=10)
    turns = incidents(logging_proxy)[-2:]
    for record in turns:
        found = [f for f in record["findings"] if f["category"] == "source_code"]  # type: ignore[union-attr]
        assert [f["location"] for f in found] == ["messages[0].content"]
        assert found[0]["attributes"] == {"language": "python", "lines": "8"}
    # Turn 2 took the code's findings from the cache: its characters counted as cache hits, nothing else rescanned.
    assert wait_for(lambda: cache_hit_bytes(logging_proxy) - hits >= len(code), timeout=10)
