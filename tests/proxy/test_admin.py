"""Admin server and PAC file: endpoints over real HTTP, the PAC evaluated by a JavaScript engine, option errors."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from mitmproxy import exceptions
from mitmproxy.test import taddons, tflow
from prometheus_client.parser import text_string_to_metric_families

from proxy.addons.admin import Admin
from proxy.addons.metrics import Metrics
from proxy.admin_server import AdminServer, Page
from proxy.catalogue import load_catalogue
from proxy.outcome import METADATA_KEY, Outcome
from proxy.pac import check_proxy, render_pac

NODE = shutil.which("node")
# What a browser gives a PAC file: shExpMatch is a shell glob over the whole host.
PAC_RUNNER = """
const fs = require("fs");
function shExpMatch(s, p) {
  const re = "^" + p.replace(/[.+^${}()|[\\]\\\\]/g, "\\\\$&").replace(/\\*/g, ".*").replace(/\\?/g, ".") + "$";
  return new RegExp(re).test(s);
}
eval(fs.readFileSync(process.argv[2], "utf8"));
const out = {};
for (const h of JSON.parse(process.argv[3])) out[h] = FindProxyForURL("https://" + h + "/", h);
console.log(JSON.stringify(out));
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, host: str | None = None) -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


def evaluate_pac(pac: str, hosts: list[str], tmp_path: Path) -> dict[str, str]:
    assert NODE, "node is installed by scripts/ci-deps.sh"
    script, pac_file = tmp_path / "run.js", tmp_path / "proxy.pac"
    script.write_text(PAC_RUNNER)
    pac_file.write_text(pac)
    out = subprocess.run([NODE, str(script), str(pac_file), json.dumps(hosts)], capture_output=True, text=True,
                         check=True, timeout=60)
    result: dict[str, str] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize("bad", ["proxy", "proxy:0", "proxy:70000", "a b:80", "x:80; DIRECT", "host:80\nPROXY"])
def test_check_proxy_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="host:port"):
        check_proxy(bad)


@pytest.mark.skipif(NODE is None, reason="node not installed (scripts/ci-deps.sh installs it)")
def test_pac_routes_catalogue_hosts_through_the_proxy_and_the_rest_direct(tmp_path: Path) -> None:
    pac = render_pac(["api.openai.com", "*.openai.azure.com", "*-aiplatform.googleapis.com"], "gw.corp:8080")
    got = evaluate_pac(pac, ["api.openai.com", "API.OpenAI.com", "acme.openai.azure.com",
                             "europe-west1-aiplatform.googleapis.com", "openai.com", "example.org",
                             "api.openai.com.evil.example", "openai.azure.com"], tmp_path)
    proxy = "PROXY gw.corp:8080"
    assert got == {"api.openai.com": proxy, "API.OpenAI.com": proxy, "acme.openai.azure.com": proxy,
                   "europe-west1-aiplatform.googleapis.com": proxy, "openai.com": "DIRECT",
                   "example.org": "DIRECT", "api.openai.com.evil.example": "DIRECT", "openai.azure.com": "DIRECT"}


@pytest.mark.skipif(NODE is None, reason="node not installed (scripts/ci-deps.sh installs it)")
def test_pac_for_the_shipped_catalogue_covers_every_exact_host(tmp_path: Path) -> None:
    hosts = load_catalogue().hosts()
    exact = [h for h in hosts if "*" not in h]
    got = evaluate_pac(render_pac(hosts, "10.0.0.5:3128"), [*exact, "intranet.example.fr"], tmp_path)
    assert {h for h, v in got.items() if v == "PROXY 10.0.0.5:3128"} == set(exact)
    assert got["intranet.example.fr"] == "DIRECT"


@pytest.mark.skipif(NODE is None, reason="node not installed (scripts/ci-deps.sh installs it)")
def test_pac_all_sends_everything_through_the_proxy(tmp_path: Path) -> None:
    got = evaluate_pac(render_pac(["api.openai.com"], "gw:8080", everything=True), ["example.org"], tmp_path)
    assert got == {"example.org": "PROXY gw:8080"}


def test_admin_server_routes_and_404() -> None:
    server = AdminServer("127.0.0.1", 0, {"/x": lambda host: Page(200, f"host={host}".encode())})
    try:
        base = f"http://127.0.0.1:{server.address[1]}"
        assert get(base + "/x?q=1", host="h:1")[::2] == (200, b"host=h:1")
        assert get(base + "/nope")[0] == 404
    finally:
        server.close()


def test_admin_addon_serves_metrics_health_and_pac(tmp_path: Path) -> None:
    metrics, admin = Metrics(), Admin()
    port = free_port()
    with taddons.context(metrics, admin) as tctx:
        tctx.configure(admin, gardefou_admin_port=port, listen_port=3128)
        admin.running()
        f = tflow.tflow()
        f.metadata[METADATA_KEY] = Outcome("f1", "openai", "sanctioned", "chat", "default", "block")
        metrics.request(f)
        base = f"http://127.0.0.1:{port}"
        status, ctype, body = get(base + "/metrics")
        assert status == 200 and ctype.startswith("text/plain")
        names = {fam.name for fam in text_string_to_metric_families(body.decode())}
        assert {"gardefou_requests", "gardefou_incidents"} <= names
        assert get(base + "/healthz")[::2] == (200, b"ok\n")
        status, ctype, pac = get(base + "/proxy.pac", host=f"gardefou.corp.example:{port}")
        assert status == 200 and ctype == "application/x-ns-proxy-autoconfig"
        assert b'"PROXY gardefou.corp.example:3128"' in pac and b'"api.openai.com"' in pac
        assert get(base + "/proxy.pac", host="bad host:1")[0] == 400
        tctx.configure(admin, gardefou_pac_proxy="gw.corp:8080")
        assert b'"PROXY gw.corp:8080"' in get(base + "/proxy.pac")[2]
        admin.done()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_admin_port_change_moves_the_server_and_zero_turns_it_off() -> None:
    admin = Admin()
    first, second = free_port(), free_port()
    with taddons.context(admin) as tctx:
        tctx.configure(admin, gardefou_admin_port=first)
        admin.running()
        assert get(f"http://127.0.0.1:{first}/healthz")[0] == 200
        assert get(f"http://127.0.0.1:{first}/metrics")[0] == 404  # no Metrics addon loaded
        tctx.configure(admin, gardefou_admin_port=second)
        assert get(f"http://127.0.0.1:{second}/healthz")[0] == 200
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", first), timeout=2).close()
        tctx.configure(admin, gardefou_admin_port=0)
        assert admin.server is None
        admin.done()


@pytest.mark.parametrize("options", [
    {"gardefou_admin_port": 70000},
    {"gardefou_pac_proxy": "not a proxy"},
])
def test_bad_admin_options(options: dict[str, object]) -> None:
    admin = Admin()
    with taddons.context(admin) as tctx:
        with pytest.raises(exceptions.OptionsError):
            tctx.configure(admin, **options)
        admin.done()


def test_port_in_use_is_an_options_error() -> None:
    admin = Admin()
    with socket.socket() as busy, taddons.context(admin) as tctx:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        tctx.configure(admin, gardefou_admin_port=0)
        admin.running()
        with pytest.raises(exceptions.OptionsError, match="cannot listen"):
            tctx.configure(admin, gardefou_admin_port=busy.getsockname()[1])
        admin.done()


def test_no_server_before_running(caplog: pytest.LogCaptureFixture) -> None:
    admin = Admin()
    port = free_port()
    with taddons.context(admin) as tctx:
        tctx.configure(admin, gardefou_admin_port=port)
        assert admin.server is None
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", port))
            busy.listen(1)
            admin.running()  # the port was taken meanwhile: logged as an error, which stops mitmdump
        assert admin.server is None
        assert "cannot listen" in caplog.text
        admin.done()
