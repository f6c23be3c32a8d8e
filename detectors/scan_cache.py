"""ScanCache: an engine's findings for texts it has already scanned, keyed by a keyed hash of the text."""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict

from detectors.finding import Finding

# Below this many characters a text costs about as much to hash and look up as to scan with the rule pass alone;
# the prompts worth remembering are the longer ones a conversation sends again with every turn.
MIN_CHARS = 64
MAX_FINDINGS = 1_000  # a text with more findings is scanned again rather than held (memory stays bounded)


class ScanCache:
    """Least-recently-used map from a text to the findings one engine returned for it; safe across threads.

    Chat APIs send the whole conversation with every request, so a pasted file or a long message is scanned again
    at every later turn; with this cache it is scanned once per engine. It holds no text: keys are BLAKE2b-128
    MACs under a key drawn per process, so they cannot be matched against guessed texts outside this process, and
    findings hold offsets and rule names, never values. A cache belongs to one engine: a reloaded policy or index
    builds a new engine, and so starts from an empty cache.

    Entries are kept per `scope` (the proxy passes the user, else the client address): a hit answers faster, and
    a shared cache would let one user time whether another had just sent a given text.
    """

    def __init__(self, entries: int, findings: int = 20 * MAX_FINDINGS) -> None:
        if entries < 1 or findings < 1:
            raise ValueError(f"a scan cache needs room for entries and findings, not {entries} and {findings}")
        self.max_entries = entries
        self.max_findings = findings
        self._key = os.urandom(32)
        self._items: OrderedDict[bytes, tuple[Finding, ...]] = OrderedDict()
        self._held = 0  # findings held over all entries
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def key(self, text: str, scope: str = "") -> bytes | None:
        """The key of `text` sent by `scope`, or None when the text is too short to be worth keeping."""
        if len(text) < MIN_CHARS:
            return None
        h = hashlib.blake2b(digest_size=16, key=self._key)
        s = scope.encode("utf-8", "surrogatepass")
        h.update(len(s).to_bytes(4, "little") + s)  # length first: no scope and text can spell another pair
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.digest()

    def get(self, key: bytes) -> tuple[Finding, ...] | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: bytes, findings: tuple[Finding, ...]) -> None:
        if len(findings) > min(MAX_FINDINGS, self.max_findings):
            return  # it could only push everything else out
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._held -= len(old)
            self._items[key] = findings
            self._held += len(findings)
            while len(self._items) > self.max_entries or self._held > self.max_findings:
                _, dropped = self._items.popitem(last=False)
                self._held -= len(dropped)
