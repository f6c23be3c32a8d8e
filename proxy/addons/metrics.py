"""Counts each request's Outcome, upstream response and error into Garde-fou's Prometheus metrics."""

from __future__ import annotations

from mitmproxy import http
from mitmproxy.addonmanager import Loader

from proxy.metrics_registry import MetricsRegistry
from proxy.outcome import METADATA_KEY, Outcome

POLICY_OPTION = "gardefou_policy"
# Set on flows the proxy answered itself (block, coach): their response is not the service's.
PROXY_REPLY = "gardefou.metrics.proxy_reply"


class Metrics:
    """Reads the Outcome the enforcement addon left in `flow.metadata`; the admin server exposes `registry`."""

    def __init__(self) -> None:
        self.metrics = MetricsRegistry()
        self._option_error = False

    def load(self, loader: Loader) -> None:
        # A refused option update is rolled back and re-announced: the rollback is how a rejected policy shows.
        loader.master.options.errored.connect(self._errored)

    def _errored(self, exc: Exception) -> None:
        self._option_error = True

    def configure(self, updated: set[str]) -> None:
        if self._option_error and POLICY_OPTION in updated:
            self.metrics.reload_rejected()
        self._option_error = False

    def request(self, flow: http.HTTPFlow) -> None:
        outcome = _outcome(flow)
        if outcome is not None:
            self.metrics.observe(outcome)
            if flow.response is not None:
                flow.metadata[PROXY_REPLY] = True

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        # Counted when the service's headers arrive: a streamed answer the client stops reading early
        # ends in an error hook instead of a response hook, and must count all the same.
        outcome = _outcome(flow)
        if outcome is None or flow.response is None or flow.metadata.get(PROXY_REPLY):
            return
        streamed = outcome.streamed or bool(flow.response.stream)
        self.metrics.response(outcome.service, flow.response.status_code, streamed)

    def error(self, flow: http.HTTPFlow) -> None:
        outcome = _outcome(flow)
        if outcome is not None and flow.response is None:  # the service never answered
            self.metrics.flow_error(outcome.service)


def _outcome(flow: http.HTTPFlow) -> Outcome | None:
    found = flow.metadata.get(METADATA_KEY)
    return found if isinstance(found, Outcome) else None
