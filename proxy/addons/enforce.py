"""Enforces the AI usage policy on requests to catalogued AI services and records one Outcome per request."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from mitmproxy import ctx, exceptions, http
from mitmproxy.addonmanager import Loader

from detectors.errors import ConfigError
from detectors.ruleset import RULES_DIR
from proxy.adapters import Adapter, adapter_for
from proxy.catalogue import Catalogue, Service, load_catalogue
from proxy.inspect import Inspection, inspect
from proxy.outcome import METADATA_KEY, Outcome
from proxy.policy import SHIPPED_POLICY, RequestContext, Verdict, decide, decide_error, scan_needed
from proxy.policy.messages import JUSTIFICATION_HEADER
from proxy.runtime import SCAN_CACHE_ENTRIES, Runtime, build_runtime, load_hash_key, signature, watched_files

log = logging.getLogger(__name__)

# A small plain body scans in tens of microseconds (NER on its bounded windows: a few milliseconds, and one
# model serves one prompt at a time anyway): cheaper on the event loop than the hop to a worker thread and the
# GIL hand-offs that come with it. Larger or compressed bodies go to the workers, under the policy's scan timeout.
INLINE_SCAN_BYTES = 16 * 1024

_OPTIONS = {"gardefou_policy", "gardefou_rules_dir", "gardefou_names", "gardefou_services", "gardefou_scan_cache"}


class Enforce:
    """Parse, scan (in worker threads), decide, then forward, redact, coach or block; hot-reloads the policy."""

    def __init__(self) -> None:
        self.runtime: Runtime | None = None
        self.catalogue: Catalogue | None = None
        self.key: bytes = b""
        self.executor = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2),
                                           thread_name_prefix="gardefou-scan")
        # Rebuilds take seconds (Hyperscan compile): their own thread, so scans never wait behind one.
        self.reloader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gardefou-reload")
        self._watcher: asyncio.Task[None] | None = None

    def load(self, loader: Loader) -> None:
        loader.add_option("gardefou_policy", str, str(SHIPPED_POLICY), "AI usage policy file (YAML).")
        loader.add_option("gardefou_rules_dir", str, str(RULES_DIR), "Detection rules directory.")
        loader.add_option("gardefou_hash_key_file", str, "",
                          "Secret key for value hashes (created 0600 if missing); default <confdir>/gardefou-hash.key.")
        loader.add_option("gardefou_names", bool, False, "Also detect person names (NER): costs milliseconds.")
        loader.add_option("gardefou_scan_cache", int, SCAN_CACHE_ENTRIES,
                          "Texts whose findings the engine keeps, since chat APIs send the conversation again with "
                          "each turn (0 = scan every text every time).")
        loader.add_option("gardefou_reload_interval", int, 3,
                          "Seconds between checks of the policy, rules and index files for changes (0 = never).")

    def configure(self, updated: set[str]) -> None:
        if "gardefou_hash_key_file" in updated or "confdir" in updated:
            self._configure_key()
        # Only our own options: other addons declaring theirs also call configure.
        if updated & _OPTIONS:
            self._configure_runtime()

    def _configure_key(self) -> None:
        path = ctx.options.gardefou_hash_key_file or os.path.join(
            os.path.expanduser(ctx.options.confdir), "gardefou-hash.key")
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.key = load_hash_key(Path(path))
        except (OSError, ValueError) as e:
            raise exceptions.OptionsError(f"gardefou_hash_key_file: {e}") from e  # type: ignore[no-untyped-call]

    def _configure_runtime(self) -> None:
        try:
            self.catalogue = load_catalogue(Path(ctx.options.gardefou_services))
            if ctx.options.gardefou_scan_cache < 0:
                raise exceptions.OptionsError(  # type: ignore[no-untyped-call]
                    f"gardefou_scan_cache: {ctx.options.gardefou_scan_cache} texts, must be 0 (off) or more")
            self.runtime = build_runtime(Path(ctx.options.gardefou_policy), Path(ctx.options.gardefou_rules_dir),
                                         bool(ctx.options.gardefou_names), service_ids=self._service_ids(),
                                         scan_cache=ctx.options.gardefou_scan_cache)
        except ConfigError as e:
            raise exceptions.OptionsError(str(e)) from e  # type: ignore[no-untyped-call]
        log.info("gardefou: policy %s (version %s) in force", self.runtime.policy.source,
                 self.runtime.policy.version)

    def _service_ids(self) -> set[str]:
        return {s.id for s in self.catalogue.services} if self.catalogue else set()

    def running(self) -> None:
        # Nothing set our options: the defaults.
        if not self.key:
            self._configure_key()
        if self.runtime is None:
            self._configure_runtime()
        if ctx.options.gardefou_reload_interval > 0 and self._watcher is None:
            self._watcher = asyncio.get_running_loop().create_task(self._watch())

    def done(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            self._watcher = None
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.reloader.shutdown(wait=False, cancel_futures=True)

    async def _watch(self) -> None:
        """Poll mtimes; rebuild off the event loop; an invalid policy keeps the previous one in force."""
        while True:
            await asyncio.sleep(ctx.options.gardefou_reload_interval)
            current = self.runtime
            policy_path, rules_dir = Path(ctx.options.gardefou_policy), Path(ctx.options.gardefou_rules_dir)
            files = watched_files(policy_path, rules_dir, current.policy if current else None)
            if current is not None and signature(files) == current.signature:
                continue
            try:
                fresh = await asyncio.get_running_loop().run_in_executor(self.reloader, partial(
                    build_runtime, policy_path, rules_dir, bool(ctx.options.gardefou_names), None, self._service_ids(),
                    scan_cache=ctx.options.gardefou_scan_cache))
            except ConfigError as e:
                log.error("gardefou: policy or rules not reloaded, the previous ones stay in force: %s", e)
                if current is not None:  # don't report the same broken file every few seconds
                    self.runtime = Runtime(current.policy, current.engine, signature(files))
                continue
            except Exception as e:  # keep watching whatever happens
                log.error("gardefou: reload failed (%s), the previous policy stays in force", type(e).__name__)
                continue
            self.runtime = fresh
            del current
            gc.collect()  # one pause per reload, then the new engine stays out of the cyclic GC (see cli.py)
            gc.freeze()
            log.warning("gardefou: reloaded policy %s (version %s)", fresh.policy.source, fresh.policy.version)

    async def request(self, flow: http.HTTPFlow) -> None:
        if flow.response or flow.error or not flow.live or METADATA_KEY in flow.metadata:
            return
        runtime, catalogue = self.runtime, self.catalogue
        if runtime is None or catalogue is None or not self.key:
            return
        service = catalogue.lookup(flow.request.pretty_host)
        if service is None:  # not an AI host (only plain HTTP gets here): not ours to judge
            return
        justification = flow.request.headers.pop(JUSTIFICATION_HEADER, "").strip()
        try:
            await self._judge(flow, runtime, service, justification)
        except Exception as e:  # an adapter or enforcement bug: the fail mode decides, the proxy goes on
            log.error("gardefou: internal error %s on a %s request, fail mode applies", type(e).__name__, service.id)
            if METADATA_KEY in flow.metadata or flow.response is not None:
                return
            context = RequestContext(policy=runtime.policy, service=service.id, catalogue_status=service.status)
            verdict = decide_error("internal_error", context)
            flow.metadata[METADATA_KEY] = Outcome(
                incident_id=flow.id, service=service.id, app_status=verdict.app_status, endpoint="none",
                group="default", action=verdict.action, error=verdict.error, fail_mode=verdict.fail_mode,
                policy_version=runtime.policy.version, rules_version=runtime.engine.version)
            if not verdict.forward:
                flow.response = _generic_block(verdict)

    async def _judge(self, flow: http.HTTPFlow, runtime: Runtime, service: Service, justification: str) -> None:
        policy = runtime.policy
        auth = flow.metadata.get("proxyauth")
        user = str(auth[0]) if isinstance(auth, tuple) and auth else ""
        address = flow.client_conn.peername[0] if flow.client_conn.peername else ""
        adapter = adapter_for(service.adapter)
        endpoint = adapter.endpoint(flow.request.method, flow.request.path)
        context = RequestContext(
            policy=policy, service=service.id, catalogue_status=service.status,
            group=policy.group_of(user, address), user=user,
            instance=adapter.instance(flow.request.pretty_host, flow.request.headers),
            endpoint=endpoint or "", justification=justification,
        )
        if endpoint is None or not scan_needed(context):
            result = Inspection(decide((), context))
        else:
            client = f"user:{user}" if user else f"address:{address}"  # scopes the scan cache
            result = await self._inspect(flow, runtime, adapter, endpoint, context, client)
        self._enforce(flow, adapter, result, context, runtime)

    async def _inspect(self, flow: http.HTTPFlow, runtime: Runtime, adapter: Adapter, endpoint: str,
                       context: RequestContext, client: str) -> Inspection:
        raw = flow.request.raw_content or b""
        encoding = flow.request.headers.get("content-encoding", "")
        try:
            if len(raw) <= INLINE_SCAN_BYTES and not encoding:
                result = inspect(runtime.engine, self.key, adapter, endpoint, raw, encoding, flow.request.headers,
                                 context, client)
            else:  # the worker gets its own copy of the headers: the flow may change while it scans
                job = asyncio.get_running_loop().run_in_executor(
                    self.executor, inspect, runtime.engine, self.key, adapter, endpoint, raw, encoding,
                    flow.request.headers.copy(), context, client)
                result = await asyncio.wait_for(job, timeout=runtime.policy.scan_timeout)
        except TimeoutError:
            result = Inspection(decide_error("timeout", context))
        except Exception as e:  # a scanner bug must not take the request (or the proxy) down
            log.error("gardefou: scanner error %s on %s", type(e).__name__, context.service)
            result = Inspection(decide_error("scanner_error", context))
        if result.verdict.error:
            log.warning("gardefou: %s %s request to %s not inspected (%s), fail %s%s",
                        context.service, endpoint, flow.request.pretty_host, result.verdict.error,
                        result.verdict.fail_mode or "n/a", f": {result.cause}" if result.cause else "")
        return result

    def _enforce(self, flow: http.HTTPFlow, adapter: Adapter, result: Inspection, context: RequestContext,
                 runtime: Runtime) -> None:
        verdict = result.verdict
        parsed = result.parsed
        if not verdict.forward:
            self._block(flow, adapter, context, verdict)
        else:
            if result.body is not None:
                flow.request.content = result.body  # re-encodes with the request's Content-Encoding
            for name, value in verdict.headers:
                flow.request.headers[name] = value
        # Recorded last: an Outcome in the metadata means the verdict was applied.
        flow.metadata[METADATA_KEY] = Outcome(
            incident_id=flow.id, service=context.service, app_status=verdict.app_status,
            endpoint=context.endpoint or "none", group=context.group, action=verdict.action,
            evidence=result.evidence, instance=context.instance, justification=verdict.justification,
            error=verdict.error, fail_mode=verdict.fail_mode, bytes_scanned=result.bytes_scanned,
            cached_bytes=result.cached_bytes,
            timings=result.timings, policy_version=runtime.policy.version, rules_version=runtime.engine.version,
            streamed=bool(parsed and parsed.stream),
        )

    @staticmethod
    def _block(flow: http.HTTPFlow, adapter: Adapter, context: RequestContext, verdict: Verdict) -> None:
        try:
            reply = adapter.block_reply(context.endpoint or "generic", verdict.message, verdict.code)
        except Exception as e:  # a block must stay a block, even in a generic format
            log.error("gardefou: %s block reply failed (%s), generic reply sent", adapter.name, type(e).__name__)
            flow.response = _generic_block(verdict)
            return
        flow.response = http.Response.make(reply.status, reply.body, reply.headers)


def _generic_block(verdict: Verdict) -> http.Response:
    body = json.dumps({"error": {"message": verdict.message, "code": verdict.code}}).encode()
    return http.Response.make(403, body, {"content-type": "application/json", "x-should-retry": "false"})
