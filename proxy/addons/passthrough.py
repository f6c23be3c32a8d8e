"""Decrypts only AI hosts: every other TLS connection is tunnelled untouched."""

from __future__ import annotations

import logging
from pathlib import Path

from mitmproxy import ctx, exceptions, tls
from mitmproxy.addonmanager import Loader

from detectors.errors import ConfigError
from proxy.catalogue import DEFAULT_DIR, Catalogue, load_catalogue

log = logging.getLogger(__name__)


class Passthrough:
    """`tls_clienthello`: intercept when the SNI (or CONNECT host) is a catalogued AI host, tunnel otherwise."""

    def __init__(self) -> None:
        self.catalogue: Catalogue | None = None

    def load(self, loader: Loader) -> None:
        loader.add_option("gardefou_services", str, str(DEFAULT_DIR),
                          "Service catalogue: a directory of services/*.yaml or one file. Only these hosts are "
                          "decrypted and inspected; a change needs a restart.")

    def configure(self, updated: set[str]) -> None:
        if "gardefou_services" in updated or self.catalogue is None:
            try:
                self.catalogue = load_catalogue(Path(ctx.options.gardefou_services))
            except ConfigError as e:
                raise exceptions.OptionsError(str(e)) from e  # type: ignore[no-untyped-call]

    def tls_clienthello(self, data: tls.ClientHelloData) -> None:
        host = data.client_hello.sni or (data.context.server.address or ("",))[0]
        if self.catalogue is None or not host or self.catalogue.lookup(host) is None:
            data.ignore_connection = True
