"""`gardefou run`, `gardefou ca` and `gardefou policy check`: the proxy from the command line."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from pathlib import Path
from typing import Any

from detectors.errors import ConfigError
from proxy.policy import SHIPPED_POLICY, check_service_ids, load_policy

DEFAULT_CA_DIR = "~/.mitmproxy"
CA_CERT = "mitmproxy-ca-cert.pem"


def register(sub: Any) -> None:
    run = sub.add_parser("run", help="start the filtering proxy (mitmproxy with the Garde-fou addons)")
    run.add_argument("--listen-host", default="", help="address to listen on (default: all)")
    run.add_argument("--listen-port", type=int, default=8080, help="proxy port (default 8080)")
    run.add_argument("--admin-port", type=int, help="admin HTTP port: /metrics, /healthz, /proxy.pac")
    run.add_argument("--policy", type=Path, default=SHIPPED_POLICY, help="policy file (default: the shipped one)")
    run.add_argument("--ca-dir", default=DEFAULT_CA_DIR,
                     help=f"where the proxy CA lives; clients trust DIR/{CA_CERT} (default {DEFAULT_CA_DIR})")
    run.add_argument("--set", dest="setoptions", action="append", default=[], metavar="NAME=VALUE",
                     help="any mitmproxy or gardefou option (repeatable), e.g. --set ssl_insecure=true")
    run.set_defaults(func=cmd_run)

    ca = sub.add_parser("ca", help="where the proxy CA certificate is and how to install it")
    ca.add_argument("--ca-dir", default=DEFAULT_CA_DIR)
    ca.set_defaults(func=cmd_ca)

    policy = sub.add_parser("policy", help="AI usage policy tools")
    psub = policy.add_subparsers(dest="policy_command", required=True, metavar="ACTION")
    check = psub.add_parser("check", help="validate a policy file (errors name file, line and field)")
    check.add_argument("file", nargs="?", type=Path, default=SHIPPED_POLICY)
    check.add_argument("--services", type=Path, help="service catalogue the policy's ids must exist in "
                       "(default: services/ beside the policy, else the installed catalogue)")
    check.set_defaults(func=cmd_policy_check)


def cmd_policy_check(args: argparse.Namespace) -> int:
    from proxy.catalogue import DEFAULT_DIR, load_catalogue

    # The catalogue beside the policy (rules/services next to rules/policy.yaml), else the installed one.
    services = args.services or next((d for d in (args.file.parent / "services", DEFAULT_DIR) if d.is_dir()), None)
    try:
        policy = load_policy(args.file)
        if services is not None:
            check_service_ids(policy, {s.id for s in load_catalogue(services).services})
        else:
            print("gardefou: no service catalogue found, service ids not checked", file=sys.stderr)
    except ConfigError as e:
        print(f"gardefou: {e}", file=sys.stderr)
        return 1
    print(f"{args.file}: ok (version {policy.version}, {len(policy.rules)} rules, {len(policy.groups)} groups)")
    return 0


def ensure_ca(ca_dir: str) -> Path:
    """Create the CA in `ca_dir` if missing (mitmproxy's files and names) and return the certificate to trust."""
    from mitmproxy import certs

    path = Path(os.path.expanduser(ca_dir))
    certs.CertStore.from_store(path, "mitmproxy", 2048)
    return path / CA_CERT


def cmd_ca(args: argparse.Namespace) -> int:
    cert = ensure_ca(args.ca_dir)
    print(f"""Garde-fou proxy CA certificate: {cert}
Install it as a trusted root on every client (see docs/proxy.md):
  Debian/Ubuntu: cp {cert} /usr/local/share/ca-certificates/gardefou.crt && update-ca-certificates
  macOS:         security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain {cert}
  Windows:       certutil -addstore root {cert.with_name("mitmproxy-ca-cert.cer")}
  Python/Node:   export SSL_CERT_FILE={cert} REQUESTS_CA_BUNDLE={cert} NODE_EXTRA_CA_CERTS={cert}
Keep {cert.with_name("mitmproxy-ca.pem")} secret: it holds the private key.""")
    return 0


def option_specs(args: argparse.Namespace, known: set[str]) -> list[str]:
    """Flags mapped onto options, then --set values (which win); options no addon declared are skipped."""
    specs = [f"listen_host={args.listen_host}", f"listen_port={args.listen_port}",
             f"confdir={args.ca_dir}", f"gardefou_policy={args.policy}"]
    if args.admin_port is not None:
        if "gardefou_admin_port" in known:
            specs.append(f"gardefou_admin_port={args.admin_port}")
        else:
            print("gardefou: no admin server in this build, --admin-port ignored", file=sys.stderr)
    return specs + list(args.setoptions)


def cmd_run(args: argparse.Namespace) -> int:
    try:
        load_policy(args.policy)  # refuse to start on a bad policy, before opening any port
    except ConfigError as e:
        print(f"gardefou: {e}", file=sys.stderr)
        return 1
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    import signal

    from mitmproxy import exceptions, hooks, options
    from mitmproxy.master import Master

    from proxy.addons import default_addons, mitmproxy_addons

    # mitmproxy's termlog prints our log lines: drop the CLI's stderr handler (lines twice) and show info.
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(logging.DEBUG if args.verbose else logging.INFO)
    for noisy in ("asyncio", "hpack", "urllib3", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not args.verbose:  # a line per connection would log every host users visit, AI or not
        logging.getLogger("mitmproxy.proxy.server").setLevel(logging.WARNING)
    opts = options.Options()
    master = Master(opts, with_termlog=True)  # no dumper: flows would print URLs
    addons = [*mitmproxy_addons(), *default_addons()]
    if any(s.startswith("gardefou_test_upstream=") for s in args.setoptions):
        from proxy.addons.testupstream import TestUpstream

        addons.append(TestUpstream())
    try:
        # Deferred, like mitmdump: each value applies as its addon declares the option, so addons configure
        # once with the real values (no engine built on default paths first, then rebuilt).
        opts.set(*option_specs(args, {"gardefou_admin_port"}), defer=True)  # type: ignore[no-untyped-call]
        master.addons.add(*addons)  # type: ignore[no-untyped-call]
        # Deferred values are applied while each addon registers, before it is in the chain, so it never saw
        # them: one configure with every option, as mitmdump's own addons get at construction.
        master.addons.trigger(hooks.ConfigureHook(set(opts.keys())))  # type: ignore[no-untyped-call]
    except exceptions.OptionsError as e:
        print(f"gardefou: {e}", file=sys.stderr)
        return 1
    if opts.deferred:  # a --set name no addon declared: a typo, say so rather than ignore it
        print(f"gardefou: unknown option(s): {', '.join(sorted(opts.deferred))}", file=sys.stderr)
        return 1
    # The engine, rules and models are millions of long-lived objects: keep them out of the cyclic GC, whose
    # full passes over them cost a fifth of the throughput (benchmarks/bench_proxy.py).
    gc.collect()
    gc.freeze()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, master.shutdown)
    await master.run()
    return 0
