"""Several nodes, for real (issue 16): two gunicorn nodes of the app on two loopback
ports behind nginx (round robin), one PostgreSQL database made for this test alone,
documents in a bucket of the S3-compatible test server, connections pooled. A social
worker logs in through the balancer, uploads a document through one node and downloads
it through the other, one node is stopped in the middle and the work goes on through the
other with no error; at the end no database, bucket or file is left behind.

Marked `multinode`: the normal runs leave it out (pyproject.toml), `.ci/run` runs it
after the SQLite and PostgreSQL suites. It needs nginx (Debian's package) and a
PostgreSQL server (MULTINODE_POSTGRES_URL, by default the local one as `postgres`).
"""

from __future__ import annotations

import contextlib
import http.cookies
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests.beneficiaries.pathway_helpers import PDF_BYTES

pytestmark = pytest.mark.multinode

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get(
    "MULTINODE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
S3 = {"access_key": "abitare-test", "secret_key": "abitare-test-secret", "region": "us-east-1"}
# Every wait and every loop below is bounded.
START_TIMEOUT = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        pytest.fail("nginx is missing: .ci/run installs Debian's package")
    return found


NGINX_CONF = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    client_max_body_size 12m;
    upstream abitare {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=60s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=60s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://abitare;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # In production TLS ends at the balancer; here it is plain HTTP on loopback.
            proxy_set_header X-Forwarded-Proto https;
            # A node that refuses the connection: the request goes to the other one.
            proxy_next_upstream error timeout http_502 http_503;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


class Browser:
    """A browser's worth of HTTP: cookies kept by hand (the nodes set Secure cookies, as
    in production, and this loopback is plain HTTP), CSRF token from the pages, every
    request sent to a chosen port with the balancer's host name."""

    def __init__(self, host: str):
        self.host = host
        self.cookies: dict[str, str] = {}

    def request(self, method, port, path, *, direct=False, **kwargs):
        import requests

        headers = kwargs.pop("headers", {})
        headers["Host"] = self.host
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = f"https://{self.host}"
            headers["Referer"] = f"https://{self.host}{path}"
        if direct:
            # Straight to a node: say what the balancer would have said.
            headers["X-Forwarded-Proto"] = "https"
        response = requests.request(
            method,
            f"http://127.0.0.1:{port}{path}",
            headers=headers,
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            cookie = http.cookies.SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def csrf_token(self, port, path, **kwargs):
        page = self.request("GET", port, path, **kwargs)
        assert page.status_code == 200, (path, page.status_code)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1), page


def wait_until_up(port: int, process: subprocess.Popen, log: Path) -> None:
    import requests

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"process on {port} stopped:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz/live", timeout=10).ok:
                return
        except requests.RequestException:
            # Not listening yet, or its worker still loading the application.
            pass
        time.sleep(0.3)
    pytest.fail(f"nothing answered on {port}:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextlib.contextmanager
def throwaway_database():
    import psycopg

    name = f"abitare_multinode_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}", name
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


@contextlib.contextmanager
def throwaway_bucket(endpoint):
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3["region"],
        aws_access_key_id=S3["access_key"],
        aws_secret_access_key=S3["secret_key"],
    )
    bucket = f"abitare-nodes-{uuid.uuid4().hex[:10]}"
    client.create_bucket(Bucket=bucket)
    try:
        yield client, bucket
    finally:
        for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
        client.delete_bucket(Bucket=bucket)


def node_environment(database_url, endpoint, bucket, work: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    return keep | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "DATABASE_POOL": "true",
        "DOCUMENTS_STORAGE": "s3",
        "DOCUMENTS_S3_BUCKET": bucket,
        "DOCUMENTS_S3_ENDPOINT_URL": endpoint,
        "DOCUMENTS_S3_REGION": S3["region"],
        "DOCUMENTS_S3_ACCESS_KEY_ID": S3["access_key"],
        "DOCUMENTS_S3_SECRET_ACCESS_KEY": S3["secret_key"],
        "DOCUMENTS_S3_SSE": "AES256",
        # The documents must go to the bucket: a local write would land here and show.
        "PRIVATE_STORAGE_ROOT": str(work / "must-stay-empty"),
        # E-mail is sent by the task worker only: one file per message, here.
        "EMAIL_URL": f"filemail:///{work / 'mail'}",
    }


def manage(env, *args) -> str:
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_two_nodes_behind_nginx_share_everything(s3_server):
    nginx = nginx_binary()
    left_behind = {}
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="abitare-nodes-")))
        left_behind["folder"] = work
        database_url, database_name = stack.enter_context(throwaway_database())
        left_behind["database"] = database_name
        s3, bucket = stack.enter_context(throwaway_bucket(s3_server))
        left_behind["bucket"] = (s3, bucket)

        env = node_environment(database_url, s3_server, bucket, work)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        world = json.loads(
            manage(env, "shell", "-c", "from tests.multinode.world import build; build()")
            .strip()
            .splitlines()[-1]
        )

        a, b, balancer = free_port(), free_port(), free_port()
        nodes = {}
        for port in (a, b):
            log = work / f"node-{port}.log"
            process = subprocess.Popen(  # noqa: S603 - gunicorn of this virtualenv
                [
                    str(BIN / "gunicorn"),
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--graceful-timeout",
                    "5",
                    "--error-logfile",
                    "-",
                ],
                cwd=ROOT,
                env=env,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            stack.callback(stop, process)
            nodes[port] = (process, log)
        conf = work / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=work, a=a, b=b, port=balancer))
        nginx_log = work / "nginx.out"
        proxy = subprocess.Popen(  # noqa: S603 - Debian's nginx, our own config
            [nginx, "-p", str(work), "-c", str(conf), "-e", str(work / "nginx-error.log")],
            stdout=nginx_log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        stack.callback(stop, proxy)
        # The task worker: one process beside the nodes, on the same database.
        worker_log = work / "worker.log"
        worker = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "manage.py", "db_worker", "--queue-name", "default"],
            cwd=ROOT,
            env=env,
            stdout=worker_log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        stack.callback(stop, worker)
        for port, (process, log) in nodes.items():
            wait_until_up(port, process, log)
        wait_until_up(balancer, proxy, work / "nginx-error.log")

        browser = Browser(host=f"127.0.0.1:{balancer}")

        # Round robin: both nodes answer the balancer, and both are healthy.
        upstreams = set()
        for _ in range(4):
            health = browser.request("GET", balancer, "/healthz")
            assert health.status_code == 200, health.text
            assert health.json()["checks"]["storage"] == "ok"
            upstreams.add(health.headers["X-Upstream"])
        assert upstreams == {f"127.0.0.1:{a}", f"127.0.0.1:{b}"}

        # Log in through the balancer (a social worker: no second factor asked).
        token, login_page = browser.csrf_token(balancer, "/accesso/")
        response = browser.request(
            "POST",
            balancer,
            "/accesso/",
            data={
                "username": world["username"],
                "password": world["password"],
                "csrfmiddlewaretoken": token,
            },
        )
        assert response.status_code == 302, response.text[:2000]
        # The session is a row in the shared database: both nodes know the user.
        for port in (a, b):
            home = browser.request("GET", port, "/", direct=True)
            assert home.status_code == 200, (port, home.status_code)
            assert "Nadia" in home.text

        # The same hashed static files on both nodes (WhiteNoise with the manifest).
        stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', login_page.text)
        assert stylesheet, "no hashed stylesheet on the login page"
        copies = {
            browser.request("GET", port, stylesheet.group(1), direct=True).content
            for port in (a, b)
        }
        assert len(copies) == 1 and copies != {b""}

        # Upload through node A...
        case = world["case"]
        upload_path = f"/prese-in-carico/{case}/documenti/nuovo/"
        token, _ = browser.csrf_token(a, upload_path, direct=True)
        response = browser.request(
            "POST",
            a,
            upload_path,
            direct=True,
            data={"kind": "other", "csrfmiddlewaretoken": token},
            files={"file": ("ISEE 2026.pdf", PDF_BYTES, "application/pdf")},
        )
        assert response.status_code == 302, response.text[:2000]
        objects = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
        assert len(objects) == 1
        assert not (work / "must-stay-empty").exists()

        # ...and download it through node B.
        listing = browser.request("GET", b, f"/prese-in-carico/{case}/documenti/", direct=True)
        assert listing.status_code == 200
        download_path = re.search(r'href="(/documenti/[0-9a-f-]+/scarica/)"', listing.text).group(1)
        download = browser.request("GET", b, download_path, direct=True)
        assert download.status_code == 200
        assert download.content == PDF_BYTES
        assert "no-store" in download.headers["Cache-Control"]

        # The scheduled reminders scan tells the worker of her overdue action: the
        # notification is a row both nodes read, and its e-mail a task that only the
        # task worker (a process of its own, beside the nodes) sends.
        mail = work / "mail"
        assert not mail.exists() or not any(mail.iterdir())
        assert "1 users reminded" in manage(env, "scan_reminders")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (mail.exists() and any(mail.iterdir())):
            assert worker.poll() is None, worker_log.read_text()[-3000:]
            time.sleep(0.5)
        sent = list(mail.iterdir()) if mail.exists() else []
        assert len(sent) == 1, worker_log.read_text()[-3000:]
        message = sent[0].read_text()
        assert "operatrice-nodi@example.org" in message and "Nadia" not in message
        for port in (a, b):
            bell = browser.request("GET", port, "/notifiche/campanella/", direct=True)
            assert bell.status_code == 200, bell.status_code
            assert 'data-testid="notification-count">1<' in bell.text, bell.text
        listing = browser.request("GET", balancer, "/notifiche/")
        assert "azione scaduta" in listing.text

        # Node A goes away in the middle of the work...
        stop(nodes[a][0])
        # ...and everything goes on through the balancer, served by node B, no error.
        for _ in range(3):
            page = browser.request("GET", balancer, f"/prese-in-carico/{case}/documenti/")
            assert page.status_code == 200
            assert page.headers["X-Upstream"].endswith(f"127.0.0.1:{b}")
            again = browser.request("GET", balancer, download_path)
            assert again.status_code == 200 and again.content == PDF_BYTES
        token, _ = browser.csrf_token(balancer, upload_path)
        response = browser.request(
            "POST",
            balancer,
            upload_path,
            data={"kind": "other", "csrfmiddlewaretoken": token},
            files={"file": ("ricevuta.pdf", PDF_BYTES, "application/pdf")},
        )
        assert response.status_code == 302, response.text[:2000]
        assert len(s3.list_objects_v2(Bucket=bucket).get("Contents", [])) == 2
        assert browser.request("GET", balancer, "/healthz").status_code == 200
        for port in (b,):
            log = nodes[port][1].read_text()
            assert "Traceback" not in log, log[-3000:]

    # Nothing left behind: no database, no bucket, no folder.
    assert not database_exists(left_behind["database"])
    s3, bucket = left_behind["bucket"]
    assert bucket not in {found["Name"] for found in s3.list_buckets()["Buckets"]}
    assert not left_behind["folder"].exists()
