"""Names (NER) through `gardefou run --set gardefou_names=true`: persons redacted, the model ready before the port."""

from __future__ import annotations

import json
from collections.abc import Iterator

import openai
import pytest
from harness import AI_HOSTS, ROOT, Proxy, Upstream

pytestmark = pytest.mark.slow

PROMPT = "Peux-tu écrire à Mme Lefèvre et à Hélène Garnier pour fixer le rendez-vous de jeudi ?"


@pytest.fixture(scope="module")
def names_proxy(upstream: Upstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    work = tmp_path_factory.mktemp("names-proxy")
    p = Proxy.start(ROOT / "rules" / "policy.yaml", {h: upstream.port for h in AI_HOSTS}, work / "ca",
                    work / "proxy.log", extra_sets=["gardefou_names=true"], timeout=180)
    yield p
    p.stop()


def test_person_names_are_redacted(names_proxy: Proxy, clean_upstream: Upstream) -> None:
    with names_proxy.httpx_client() as http:
        client = openai.OpenAI(api_key="sk-test", http_client=http, max_retries=0)
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": PROMPT}])
    sent = clean_upstream.requests[-1].json()
    assert isinstance(sent, dict)
    content = sent["messages"][0]["content"]
    assert "Lefèvre" not in content and "Garnier" not in content, content
    assert "[PERSON_1]" in content and "[PERSON_2]" in content and content.startswith("Peux-tu écrire à Mme ")


def test_the_model_is_loaded_before_the_proxy_listens(names_proxy: Proxy) -> None:
    # Prompts are scanned on the event loop: the first one must not wait seconds for the model to load.
    log = names_proxy.log()
    assert "NER models loaded" in log, log[-2000:]
    assert log.index("NER models loaded") < log.index("in force") < log.index("proxy listening")
    assert json.dumps(PROMPT) not in log and "Garnier" not in log  # nothing of the prompt in the proxy's log
