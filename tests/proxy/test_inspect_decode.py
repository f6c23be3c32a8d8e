"""Body decoding is bounded for every Content-Encoding: a compression bomb is refused, not expanded."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
import zstandard

from proxy.inspect import InspectError, decode_body

BODY = b'{"messages": [{"role": "user", "content": "bonjour"}]}'
BOMB = b"a" * 20_000_000

ENCODERS = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": lambda b: zstandard.ZstdCompressor().compress(b),
}


@pytest.mark.parametrize("enc", sorted(ENCODERS))
def test_round_trip(enc: str) -> None:
    assert decode_body(ENCODERS[enc](BODY), enc, 1_000_000) == BODY


@pytest.mark.parametrize("enc", sorted(ENCODERS))
def test_bomb_is_refused_as_too_large(enc: str) -> None:
    raw = ENCODERS[enc](BOMB)
    assert len(raw) < 100_000  # small on the wire...
    with pytest.raises(InspectError) as e:
        decode_body(raw, enc, 1_000_000)  # ...refused before it takes 20 MB
    assert "too_large" in repr(e.value) or "over the limit" in str(e.value)


@pytest.mark.parametrize("enc", sorted(ENCODERS))
def test_garbage_is_undecodable(enc: str) -> None:
    with pytest.raises(InspectError):
        decode_body(b"\x00\x01not compressed at all\xff" * 3, enc, 1_000_000)


@pytest.mark.parametrize("enc", sorted(ENCODERS))
def test_truncated_stream_never_hangs(enc: str) -> None:
    raw = ENCODERS[enc](BODY * 100)
    try:
        out = decode_body(raw[: len(raw) // 2], enc, 1_000_000)
    except InspectError:
        return
    assert len(out) < len(BODY) * 100
