"""Proxy overhead: Garde-fou (`gardefou run`) against a bare mitmdump, same machine, same load, same upstream.

Load: keep-alive HTTPS clients through the proxy (CONNECT + TLS interception of api.openai.com), 4-5 KB chat
bodies, 10 concurrent. Reports requests/s, latency percentiles and the rps ratio under that load (the proxy
saturated: p50 there is mostly queueing), the added p50 latency with a single client (the cost per request),
and the time to the first streamed token directly and through each proxy.
Configurations: bare mitmdump; mitmproxy with only the mitmproxy addons `gardefou run` loads (so that Garde-fou's
own cost shows apart from its leaner addon set); gardefou with the shipped policy (credentials and structured
identifiers); gardefou with names (NER) on. Also the proxy's CPU time per request, steadier than requests/s here. Writes benchmarks/results/bench_proxy.json. `--short` for CI (~30-40 s).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "proxy"))
from harness import AI_HOSTS, Proxy, free_port, make_cert  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
URL = "https://api.openai.com/v1/chat/completions"
BARE_ADDON = """from proxy.addons.testupstream import TestUpstream
addons = [TestUpstream()]
"""
# mitmproxy with the same mitmproxy addons as `gardefou run` and none of ours: what is left of the difference
# against it is the cost of Garde-fou's own work (against mitmdump, its leaner addon set counts too).
LEAN = """import asyncio, sys
from mitmproxy import options
from mitmproxy.master import Master
from proxy.addons import mitmproxy_addons
from proxy.addons.testupstream import TestUpstream
async def main():
    opts = options.Options()
    m = Master(opts)
    m.addons.add(*mitmproxy_addons(), TestUpstream())
    opts.update(listen_host="127.0.0.1", listen_port=int(sys.argv[1]), confdir=sys.argv[2], ssl_insecure=True,
                gardefou_test_upstream=sys.argv[3])
    await m.run()
asyncio.run(main())
"""
UPSTREAM = """import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from harness import Upstream, Reply
SSE = {"content-type": "text/event-stream"}
def respond(r):
    if b'"stream": true' in r.body:  # first token at once, the rest 50 ms apart
        return Reply(headers=SSE, chunks=[(0.0 if i == 0 else 0.05, b'data: {"t": %d}\\n\\n' % i) for i in range(4)])
    return Reply(body=b'{"id":"x","object":"chat.completion","choices":[]}')
up = Upstream(Path(sys.argv[2]), Path(sys.argv[3]), responder=respond)
print(up.port, flush=True)
time.sleep(10**6)
"""
WORDS = ("le projet avance bien et l'équipe prépare la démonstration pour le client la semaine prochaine "
         "nous devons vérifier les chiffres du trimestre avant la réunion du comité de direction "
         "peux-tu reformuler ce paragraphe de façon plus claire et plus concise pour un lecteur pressé "
         "def compute_total(items): return sum(item.price * item.quantity for item in items) "
         "the quarterly report shows growth in every region except the north where sales were flat").split()


# With --bodies code: 4 KB excerpts of installed source files, each pasted under a question (filled by main).
CODE_EXCERPTS: list[str] = []
# With --bodies conversation: conversations of 8 turns, a source file pasted at the first (filled by main).
CONVERSATIONS: list[list[dict[str, str]]] = []


def code_excerpts(n: int = 200) -> list[str]:
    """About 4 KB of real code from each of `n` installed source files, cut at line boundaries."""
    from corpus_mixed import code_files

    out = []
    for path in code_files()[:n]:
        text = path.read_text(errors="replace")
        cut = text.rfind("\n", 0, 4000)
        out.append(text[: cut if cut > 0 else 4000])
    return out


def prose(rng: random.Random, size: int) -> str:
    """About `size` characters of the benchmark's words (each counted with the space after it)."""
    words: list[str] = []
    total = 0
    while total < size:
        w = rng.choice(WORDS)
        words.append(w)
        total += len(w) + 1
    return " ".join(words)[:size]


def conversations(excerpts: list[str], count: int = 40, turns: int = 8) -> list[list[dict[str, str]]]:
    """Each conversation: a question over a pasted file, then short questions; answers of 1 KB of prose."""
    rng = random.Random(11)
    out = []
    for c in range(count):
        messages = [{"role": "system", "content": "Tu es un assistant utile."}]
        for t in range(turns):
            ask = f"Relis ce module, conversation {c} :\n\n{excerpts[c % len(excerpts)]}" if t == 0 else \
                f"Question {t} de la conversation {c} : {prose(rng, rng.randrange(60, 300))}"
            messages += [{"role": "user", "content": ask}, {"role": "assistant", "content": prose(rng, 1000)}]
        out.append(messages)
    return out


def body(rng: random.Random) -> bytes:
    """A 4-5 KB chat request, different every time: ordinary prose and a bit of code, or (--bodies code) a question
    over a pasted source file, which the source-code stage reports, or (--bodies conversation) one turn of a
    conversation, sent with all the turns before it as chat APIs do."""
    if CONVERSATIONS:
        conv = rng.choice(CONVERSATIONS)
        turn = rng.randrange(len(conv) // 2)
        return json.dumps({"model": "gpt-4o-mini", "messages": conv[:2 + 2 * turn]}).encode()
    if CODE_EXCERPTS:
        msg = rng.choice(["Peux-tu relire ce code ?", "Why does this fail?", "Optimise ce module :"]) + "\n\n"
        msg += rng.choice(CODE_EXCERPTS)
        return json.dumps({"model": "gpt-4o-mini", "messages": [
            {"role": "system", "content": "Tu es un assistant utile."}, {"role": "user", "content": msg}]}).encode()
    msg = prose(rng, rng.randrange(4000, 5000))
    return json.dumps({"model": "gpt-4o-mini", "messages": [
        {"role": "system", "content": "Tu es un assistant utile."}, {"role": "user", "content": msg}]}).encode()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(proxy_url: str, ca: Path, seconds: float, concurrency: int, pid: int) -> dict[str, float]:
    """Closed-loop load: `concurrency` keep-alive clients sending back to back for `seconds`.

    Besides the rates, the proxy's own CPU time per request: steadier than requests/s on a shared machine, and
    what the requests/s ratio comes down to when the proxy is the bottleneck.
    """
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    start = threading.Barrier(concurrency + 1)
    stop_at = [0.0]

    def worker(i: int) -> None:
        rng = random.Random(i)
        verify = ssl.create_default_context(cafile=str(ca))
        with httpx.Client(proxy=proxy_url, verify=verify, timeout=30) as http:
            for _ in range(5):  # warm up: CONNECT, TLS, keep-alive connection
                http.post(URL, content=body(rng), headers={"content-type": "application/json"})
            start.wait()
            while time.perf_counter() < stop_at[0]:
                data = body(rng)
                t = time.perf_counter()
                r = http.post(URL, content=data, headers={"content-type": "application/json"})
                latencies[i].append(time.perf_counter() - t)
                if r.status_code != 200:
                    errors[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + 3600
    start.wait()
    t0, cpu0 = time.perf_counter(), cpu_seconds(pid)
    stop_at[0] = t0 + seconds
    for t in threads:
        t.join()
    elapsed, cpu = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
    all_l = sorted(x for lat in latencies for x in lat)
    q = statistics.quantiles(all_l, n=100)
    return {"requests": len(all_l), "errors": sum(errors), "seconds": round(elapsed, 2),
            "rps": round(len(all_l) / elapsed, 1), "p50_ms": round(q[49] * 1000, 2), "p90_ms": round(q[89] * 1000, 2),
            "p99_ms": round(q[98] * 1000, 2), "cpu_ms_per_request": round(cpu * 1000 / len(all_l), 3)}


def first_token(url: str, proxy_url: str | None, ca: Path, n: int) -> dict[str, float]:
    """Time to the first streamed chunk (keep-alive), directly or through a proxy: p50 and p90 in ms."""
    rng = random.Random(7)
    times = []
    with httpx.Client(proxy=proxy_url, verify=ssl.create_default_context(cafile=str(ca)), timeout=30) as http:
        for i in range(n + 3):
            data = json.loads(body(rng))
            data["stream"] = True
            t = time.perf_counter()
            with http.stream("POST", url, content=json.dumps(data).encode(), headers={
                    "content-type": "application/json", "host": "api.openai.com"}) as r:
                chunks = r.iter_raw()
                next(chunks)
                if i >= 3:  # after the warm-up
                    times.append(time.perf_counter() - t)
                for _ in chunks:
                    pass
    q = statistics.quantiles(times, n=10)
    return {"ttft_p50_ms": round(statistics.median(times) * 1000, 2), "ttft_p90_ms": round(q[8] * 1000, 2)}


def start_bare(work: Path, routes: str, lean: bool = False) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Bare mitmdump (or, `lean`, mitmproxy with Garde-fou's mitmproxy addons only) with the test routing addon."""
    port = free_port()
    ca_dir = work / ("lean-ca" if lean else "bare-ca")
    if lean:
        cmd = [sys.executable, "-c", LEAN, str(port), str(ca_dir), routes]
    else:
        script = work / "bare_addon.py"
        script.write_text(BARE_ADDON)
        cmd = [str(Path(sys.executable).with_name("mitmdump")), "-q", "--listen-host", "127.0.0.1", "--listen-port",
               str(port), "--set", f"confdir={ca_dir}", "--set", "ssl_insecure=true", "-s", str(script),
               "--set", f"gardefou_test_upstream={routes}"]
    p = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (ca_dir / "mitmproxy-ca-cert.pem").exists() or not _listening(port):
        if time.monotonic() > deadline or p.poll() is not None:
            raise RuntimeError("mitmdump did not start")
        time.sleep(0.2)
    return p, f"http://127.0.0.1:{port}", ca_dir / "mitmproxy-ca-cert.pem"


def _listening(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--short", action="store_true", help="CI mode: short runs, no NER configuration")
    ap.add_argument("--seconds", type=float, help="measurement time per configuration")
    ap.add_argument("--concurrency", type=int, default=10)
    ap.add_argument("--rounds", type=int, help="alternating rounds per configuration (default 1 short, 3 full)")
    ap.add_argument("--bodies", choices=("prose", "code", "conversation"), default="prose",
                    help="prose with a little code on one line (default), pasted source files the policy logs, or "
                         "8-turn conversations (a file pasted at turn 1) sent again whole at each turn; this one "
                         "also runs gardefou without its scan cache")
    args = ap.parse_args()
    if args.bodies == "code":
        CODE_EXCERPTS.extend(code_excerpts())
    if args.bodies == "conversation":
        CONVERSATIONS.extend(conversations(code_excerpts()))
    seconds = args.seconds or (6.0 if args.short else 20.0)
    work = Path(tempfile.mkdtemp(prefix="bench-proxy-"))
    os.environ.setdefault("GARDEFOU_CACHE_DIR", str(ROOT / ".cache" / "gardefou"))
    cert, key = make_cert(work / "cert", AI_HOSTS)
    upstream = subprocess.Popen([sys.executable, "-c", UPSTREAM, str(ROOT / "tests" / "proxy"), str(cert), str(key)],
                                stdout=subprocess.PIPE)
    assert upstream.stdout is not None
    up_port = int(upstream.stdout.readline())
    routes = ",".join(f"{h}=127.0.0.1:{up_port}" for h in AI_HOSTS)
    results: dict[str, dict[str, float]] = {}
    ttft: dict[str, dict[str, float]] = {}
    stops = []
    try:
        bare, url, ca = start_bare(work, routes)
        stops.append(bare.terminate)
        lean, lean_url, lean_ca = start_bare(work, routes, lean=True)
        stops.append(lean.terminate)
        targets = {"bare_mitmdump": (url, ca, bare.pid), "bare_lean_mitmproxy": (lean_url, lean_ca, lean.pid)}
        configs = [("gardefou", [])] + ([] if args.short else [("gardefou_names", ["gardefou_names=true"])])
        if args.bodies == "conversation":
            configs.append(("gardefou_no_cache", ["gardefou_scan_cache=0"]))
            if not args.short:
                configs.append(("gardefou_names_no_cache", ["gardefou_names=true", "gardefou_scan_cache=0"]))
        for name, sets in configs:
            proxy = Proxy.start(ROOT / "rules" / "policy.yaml", {h: up_port for h in AI_HOSTS}, work / name,
                                work / f"{name}.log", extra_sets=["gardefou_reload_interval=0", *sets],
                                timeout=180)
            stops.append(proxy.stop)
            targets[name] = (proxy.url, proxy.ca_cert, proxy.process.pid)
        # Rounds alternate the configurations so that drift in the machine's load hits them all alike.
        # Throughput under load (the proxy saturated), then latency with one client (the added cost per request).
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
        single: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
        for r in range(args.rounds or (1 if args.short else 3)):
            for name, (url, ca, pid) in targets.items():
                runs[name].append(load(url, ca, seconds, args.concurrency, pid))
                print(f"round {r + 1} {name:<16} x{args.concurrency} {runs[name][-1]}", flush=True)
            for name, (url, ca, pid) in targets.items():
                single[name].append(load(url, ca, seconds / 2, 1, pid))
                print(f"round {r + 1} {name:<16} x1  {single[name][-1]}", flush=True)
        # Time to first token: direct to the stand-in, then through each proxy.
        n = 20 if args.short else 60
        ttft["direct"] = first_token(f"https://localhost:{up_port}/v1/chat/completions", None, cert, n)
        for name, (url, ca, _pid) in targets.items():
            ttft[name] = first_token(URL, url, ca, n)
        print(f"time to first token {ttft}", flush=True)
        for name in targets:
            results[name] = {k: round(statistics.median(x[k] for x in runs[name]), 2) for k in runs[name][0]}
            one = {k: round(statistics.median(x[k] for x in single[name]), 2) for k in single[name][0]}
            results[name].update({f"single_client_{k}": v for k, v in one.items() if k.endswith("_ms") or k == "rps"})
    finally:
        for stop in stops:
            stop()
        upstream.terminate()
        upstream.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    bare_r = results["bare_mitmdump"]
    summary: dict[str, object] = {"concurrency": args.concurrency, "seconds": seconds, "short": args.short,
                                  "time_to_first_token": ttft,
                                  "load_average_at_end": os.getloadavg()[0],
                                  "body_bytes": "up to 14000" if CONVERSATIONS else "4000-5000", "bodies": args.bodies, "cpus": os.cpu_count(),
                                  "runs": results}
    for name in results:
        if name.startswith("bare_"):
            continue
        ratio = results[name]["rps"] / bare_r["rps"]
        added = results[name]["single_client_p50_ms"] - bare_r["single_client_p50_ms"]
        summary[f"{name}_rps_ratio"] = round(ratio, 3)
        summary[f"{name}_added_p50_ms"] = round(added, 2)
        summary[f"{name}_added_p50_ms_under_load"] = round(results[name]["p50_ms"] - bare_r["p50_ms"], 2)
        cpu_added = results[name]["cpu_ms_per_request"] - bare_r["cpu_ms_per_request"]
        summary[f"{name}_added_cpu_ms_per_request"] = round(cpu_added, 3)
        lean_r = results["bare_lean_mitmproxy"]
        summary[f"{name}_rps_ratio_vs_lean"] = round(results[name]["rps"] / lean_r["rps"], 3)
        summary[f"{name}_added_cpu_ms_per_request_vs_lean"] = round(
            results[name]["cpu_ms_per_request"] - lean_r["cpu_ms_per_request"], 3)
        print(f"{name}: x{args.concurrency} median rps {results[name]['rps']} vs {bare_r['rps']} bare; "
              f"x1 p50 {results[name]['single_client_p50_ms']} vs {bare_r['single_client_p50_ms']} ms bare")
        print(f"{name}: rps ratio {ratio:.3f} (target >= 0.85), added p50 (one client) {added:+.2f} ms "
              f"(target <= 1 ms); proxy CPU per request under load {results[name]['cpu_ms_per_request']:.3f} vs "
              f"{bare_r['cpu_ms_per_request']:.3f} ms bare ({cpu_added:+.3f} ms, CPU ratio "
              f"{bare_r['cpu_ms_per_request'] / results[name]['cpu_ms_per_request']:.3f})")
        print(f"{name}: against mitmproxy with the same mitmproxy addons (Garde-fou's own cost): rps ratio "
              f"{summary[f'{name}_rps_ratio_vs_lean']:.3f}, CPU per request "
              f"{summary[f'{name}_added_cpu_ms_per_request_vs_lean']:+.3f} ms")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("bench_proxy.json" if args.bodies == "prose" else f"bench_proxy_{args.bodies}.json")
    out.write_text(json.dumps(summary, indent=2))
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
