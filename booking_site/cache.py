"""Django's Redis cache, keeping one redis.Redis client per connection pool, plus the two
combined operations the single-flight loader uses (shop/services/cache.py).

The stock client builds a new `redis.Redis` object around its pool on every cache call; that
constructor costs about as much as the round trip itself, on every page view.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class ReusingRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._redis_clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._redis_clients.get(index)
        if client is None:
            # redis.Redis is thread-safe and its pool resets itself in a forked child.
            client = self._redis_clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


# Deletes the lock only if it still holds our token (another process may own it by now).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def add_and_get(self, lock_key: str, token: str, timeout: float, key: str) -> tuple[bool, Any]:
        """`add(lock_key, token)` and `get(key)` in one round trip: (added, value or None)."""
        lock = self.make_and_validate_key(lock_key)
        name = self.make_and_validate_key(key)
        client = self._cache.get_client(name, write=True)
        serializer = self._cache._serializer
        pipe = client.pipeline(transaction=False)
        pipe.set(lock, serializer.dumps(token), nx=True, px=max(1, int(timeout * 1000)))
        pipe.get(name)
        added, raw = pipe.execute()
        return bool(added), None if raw is None else serializer.loads(raw)

    def set_and_release(
        self, key: str, value: Any, timeout: float, lock_key: str, token: str
    ) -> None:
        """`set(key, value)`, then the lock deleted if it still holds `token`: one round trip."""
        name = self.make_and_validate_key(key)
        lock = self.make_and_validate_key(lock_key)
        client = self._cache.get_client(name, write=True)
        serializer = self._cache._serializer
        pipe = client.pipeline(transaction=False)
        if timeout > 0:  # as Django's set(): a timeout of 0 keeps nothing
            pipe.set(name, serializer.dumps(value), px=max(1, int(timeout * 1000)))
        pipe.eval(_RELEASE, 1, lock, serializer.dumps(token))
        pipe.execute()
