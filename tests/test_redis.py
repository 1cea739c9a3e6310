"""The throttles on Redis, as production runs them (REDIS_URL): the baked project's own throttle
and statement tests against a real Redis server.

Without REDIS_URL a bake counts in the database, and its suite tests that path; the docs
recommend Redis for production, so this runs the same throttle tests (every scope answers 429
with Retry-After at its limit, other clients keep their budget) and the statement budget (no
throttle SQL at all) with REDIS_URL pointing at Debian's redis-server (.ci/run installs it).
"""

import re
import subprocess

import pytest

from .ports import free_port, installed, serving
from .support import BAKE_IDS, BAKES, run


@pytest.fixture
def redis_port(tmp_path):
    """A redis-server on 127.0.0.1, empty and keeping nothing on disk; its port."""
    executable = installed("redis-server", "/usr/bin/redis-server", "redis-server")
    port, log = free_port(), tmp_path / "redis.log"
    command = [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    with log.open("w") as output:
        process = subprocess.Popen([*command, "--dir", str(tmp_path)], stdout=output, stderr=subprocess.STDOUT)
    with serving(process, port, "redis-server", log):
        yield port


# Both strategies: the cache keys carry the tenant differently in each (CACHE_KEY_FUNCTION).
@pytest.fixture(params=BAKES, ids=BAKE_IDS)
def baked_for_redis(request, bakery):
    return bakery(*request.param)


COUNTED_KEYS = """
import sys, redis
print(len([key for key in redis.Redis(port=int(sys.argv[1])).scan_iter() if b"throttle_" in key]))
"""


def test_the_throttles_hold_on_redis(baked_for_redis, redis_port):
    result = run(
        [
            str(baked_for_redis.python),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_throttling.py",
            "tests/test_request_statements.py",
        ],
        cwd=baked_for_redis.path,
        env={"REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"},
        timeout=900,
    )
    assert re.search(r"\b\d+ passed\b", result.stdout) and " failed" not in result.stdout, result.stdout
    # The counts really were in Redis: the last tests' counters are still there.
    keys = run([str(baked_for_redis.python), "-c", COUNTED_KEYS, str(redis_port)], cwd=baked_for_redis.path)
    assert int(keys.stdout.strip()) > 0, "no throttle counter in Redis: the tests did not count there"
