import logging

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from qualipref import ratelimit


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _request(address):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_attempts_beyond_the_limit_are_refused_per_scope_and_address():
    first = _request("203.0.113.7")
    assert [ratelimit.hit("complaints", first, limit=2, window=60) for _ in range(3)] == [False, False, True]
    # Another address, or the same address on another form, has its own counter.
    assert ratelimit.hit("complaints", _request("198.51.100.1"), limit=2, window=60) is False
    assert ratelimit.hit("surveys", first, limit=2, window=60) is False


def test_the_address_is_stored_only_as_a_hash():
    ratelimit.hit("complaints", _request("203.0.113.7"), limit=2, window=60)
    key = ratelimit._key("complaints", _request("203.0.113.7"))
    assert "203.0.113.7" not in key
    assert cache.get(key) == 1


def test_an_unreachable_cache_lets_the_attempt_through_and_logs_it(monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cache, "add", down)
    with caplog.at_level(logging.WARNING, logger="qualipref.ratelimit"):
        assert ratelimit.hit("complaints", _request("203.0.113.7"), limit=0, window=60) is False
    assert "cache unreachable" in caplog.text
