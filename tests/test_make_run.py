"""The baked project's `make run`, over real HTTP: what a developer sees on day one.

It must bootstrap the embedded database, create the demo tenants, and serve acme's projects
to acme's owner while refusing globex's owner with 403.
"""

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

DEMO_OWNERS = {
    "acme": ("owner@acme.test", "acme-demo-password"),
    "globex": ("owner@globex.test", "globex-demo-password"),
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port, path, *, host="localhost", headers=None, body=None):
    """(status, parsed JSON body) from the dev server, always connecting to 127.0.0.1."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Host": f"{host}:{port}", "Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310 - a fixed http:// URL
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture
def running(baked):
    port = free_port()
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=baked.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    try:
        while True:
            if server.poll() is not None:
                pytest.fail(f"make run exited {server.returncode}:\n{server.stdout.read()}")
            try:
                if request(port, "/api/v1/health/")[0] == 200:
                    break
            except (ConnectionError, urllib.error.URLError):
                pass  # not listening yet: keep polling until the deadline
            if time.monotonic() > deadline:
                pytest.fail("make run did not answer /api/v1/health/ within 180 s")
            time.sleep(0.5)
        yield baked, port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def tenant_route(project, slug):
    if project.routing == "header":
        return {"host": "localhost", "headers": {"X-Tenant-ID": slug}}
    return {"host": f"{slug}.localhost", "headers": {}}


def test_make_run_serves_acme_to_its_owner_and_refuses_globex(running):
    project, port = running
    tokens = {}
    for slug, (email, password) in DEMO_OWNERS.items():
        status, body = request(port, "/api/v1/auth/token/", body={"email": email, "password": password})
        assert status == 200, body
        tokens[slug] = body["token"]
    route = tenant_route(project, "acme")
    for slug, expected in (("acme", 200), ("globex", 403)):
        headers = {**route["headers"], "Authorization": f"Token {tokens[slug]}"}
        status, _body = request(port, "/api/v1/projects/", host=route["host"], headers=headers)
        assert status == expected, f"{slug}'s owner on acme: {status}"
    assert request(port, "/api/v1/ready/", host="unknown.localhost")[0] == 200
    assert_front_end_served(port)


def fetch(port, path):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": f"localhost:{port}"})
    with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310 - a fixed http:// URL
        return response.status, response.read().decode()


def assert_front_end_served(port):
    """The react bake's app at / (built by make run), its script from the project's static files."""
    status, html = fetch(port, "/")
    assert status == 200 and '<div id="root">' in html, html[:500]
    scripts = re.findall(r'src="(/static/app/assets/[^"]+\.js)"', html)
    assert scripts, html
    assert all(fetch(port, script)[0] == 200 for script in scripts)
