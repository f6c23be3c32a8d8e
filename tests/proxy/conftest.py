"""Fixtures of the proxy tests: one upstream stand-in and one `gardefou run` per session (see harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import AI_HOSTS, ROOT, Proxy, Upstream, make_cert

TEST_POLICY = Path(__file__).parent / "data" / "e2e-policy.yaml"


@pytest.fixture(scope="session")
def upstream_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_cert(tmp_path_factory.mktemp("upstream-cert"), AI_HOSTS)


@pytest.fixture(scope="session")
def upstream(upstream_cert: tuple[Path, Path]) -> Iterator[Upstream]:
    """The stand-in for every AI host; `upstream.clear()` before a test that reads `upstream.requests`."""
    server = Upstream(*upstream_cert)
    yield server
    server.close()


@pytest.fixture(scope="session")
def proxy(upstream: Upstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """`gardefou run` on the end-to-end test policy, every AI host routed to `upstream`."""
    work = tmp_path_factory.mktemp("proxy")
    p = Proxy.start(TEST_POLICY, {h: upstream.port for h in AI_HOSTS}, work / "ca", work / "proxy.log",
                    services=ROOT / "rules" / "services")
    yield p
    p.stop()


@pytest.fixture
def clean_upstream(upstream: Upstream) -> Upstream:
    upstream.clear()
    return upstream
