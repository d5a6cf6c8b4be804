"""Fixtures for the end-to-end suite: a real `yiwang serve --demo` process and helpers around it.

Environment:
  YIWANG_BIN               the server binary (default: .build/debug/yiwang of this checkout)
  YIWANG_E2E_DATABASE_URL  a database to use instead of a fresh temporary SQLite file
                           (e.g. postgres://user:pass@127.0.0.1:5432/yiwang_e2e)
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import time
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / ".build" / "debug" / "yiwang"
READY_TIMEOUT = 120.0
CALLBACK = "http://127.0.0.1:9/callback"
LOG_TAIL_LINES = 200

# The running server, for the report hook that attaches its log to failures.
_running: "Server | None" = None


# ---------------------------------------------------------------------------
# The server process
# ---------------------------------------------------------------------------


@dataclass
class Server:
    base_url: str
    database: str
    binary: str
    env: dict
    log_path: Path
    process: subprocess.Popen

    @property
    def is_sqlite(self) -> bool:
        return self.database.startswith("sqlite:")

    @property
    def sqlite_path(self) -> str:
        assert self.is_sqlite
        return self.database[len("sqlite://"):]

    def cli(self, *args: str) -> str:
        """Runs `yiwang ARGS --database DB` and returns its standard output."""
        command = [self.binary, *args, "--database", self.database]
        result = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise AssertionError(
                f"`{' '.join(command)}` exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result.stdout

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                return "".join(deque(handle, maxlen=lines))
        except OSError as error:
            return f"(server log unavailable: {error})"

    def latest_sms(self, phone: str) -> str:
        """The newest text message the outbox holds for `phone`."""
        if not re.fullmatch(r"\d{11}", phone):
            raise ValueError(f"not a mobile number: {phone!r}")
        query = f"select body from sms_outbox where phone = '{phone}' order by created_at desc limit 1"
        if self.is_sqlite:
            connection = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, timeout=10)
            try:
                row = connection.execute(query).fetchone()
            finally:
                connection.close()
            body = row[0] if row else ""
        else:
            result = subprocess.run(["psql", libpq_url(self.database), "-At", "-c", query], capture_output=True, text=True, timeout=30)
            if result.returncode != 0:
                raise AssertionError(f"psql failed: {result.stderr}")
            body = result.stdout.strip()
        if not body:
            raise AssertionError(f"no text message for {phone} in sms_outbox")
        return body

    def latest_sms_code(self, phone: str) -> str:
        body = self.latest_sms(phone)
        match = re.search(r"(?<!\d)(\d{6})(?!\d)", body)
        assert match, f"no 6-digit code in message {body!r}"
        return match.group(1)


def libpq_url(url: str) -> str:
    """The server's PostgreSQL URL in the form psql accepts: its `tlsmode` becomes libpq's `sslmode`."""
    parts = urlsplit(url)
    query = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name == "tlsmode":
            query.append(("sslmode", value))
        elif name == "sslmode":
            query.append((name, value))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    binary = os.environ.get("YIWANG_BIN", str(DEFAULT_BIN))
    if not os.access(binary, os.X_OK):
        pytest.fail(f"server binary {binary} is missing or not executable (set YIWANG_BIN)", pytrace=False)

    workdir = tmp_path_factory.mktemp("yiwang")
    database = os.environ.get("YIWANG_E2E_DATABASE_URL") or f"sqlite://{workdir / 'yiwang.sqlite'}"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.setdefault("YIWANG_BCRYPT_COST", "4")
    # The issuer must be the address the tests use, whatever the caller's environment says.
    for name in ("YIWANG_PUBLIC_URL", "YIWANG_HOST", "YIWANG_PORT", "YIWANG_DATABASE_URL"):
        env.pop(name, None)

    log_path = workdir / "server.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [binary, "serve", "--demo", "--host", "127.0.0.1", "--port", str(port), "--database", database],
        cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    handle = Server(base_url=base_url, database=database, binary=binary, env=env, log_path=log_path, process=process)

    deadline = time.monotonic() + READY_TIMEOUT
    last_error = "no answer yet"
    while True:
        if process.poll() is not None:
            log.close()
            pytest.fail(f"yiwang serve exited with {process.returncode} before it was ready:\n{handle.log_tail()}", pytrace=False)
        try:
            answer = requests.get(base_url + "/readyz", timeout=2)
            if answer.status_code == 200:
                break
            last_error = f"/readyz answered {answer.status_code}"
        except requests.RequestException as error:
            last_error = str(error)
        if time.monotonic() > deadline:
            process.kill()
            process.wait(10)
            log.close()
            pytest.fail(f"yiwang serve not ready after {READY_TIMEOUT:.0f}s ({last_error}):\n{handle.log_tail()}", pytrace=False)
        time.sleep(0.25)

    global _running
    _running = handle
    try:
        yield handle
    finally:
        _running = None
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


@pytest.fixture(scope="session")
def base_url(server) -> str:
    return server.base_url


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attaches the end of the server's log to every failing test's report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and _running is not None:
        report.sections.append(("yiwang server log (last lines)", _running.log_tail()))


# ---------------------------------------------------------------------------
# Clients and accounts
# ---------------------------------------------------------------------------


@dataclass
class RegisteredClient:
    client_id: str
    client_secret: str
    redirect_uri: str | None
    scopes: list


@pytest.fixture(scope="session")
def create_client(server):
    """Registers a client through `yiwang client create`; ids are unique so a shared database works."""

    def create(*, redirect_uri: str | None = CALLBACK, scopes=("openid", "profile", "realname", "offline_access"),
               grant_types=(), name: str = "端到端测试应用", prefix: str = "e2e-rp") -> RegisteredClient:
        client_id = f"{prefix}-{secrets.token_hex(4)}"
        args = ["client", "create", "--id", client_id, "--name", name, "--json"]
        if redirect_uri:
            args += ["--redirect-uri", redirect_uri]
        for scope in scopes:
            args += ["--scope", scope]
        for grant in grant_types:
            args += ["--grant-type", grant]
        output = server.cli(*args)
        created = json.loads(output[output.index("{"):])
        assert created["clientID"] == client_id
        assert created.get("clientSecret"), f"a confidential client needs a secret: {created}"
        return RegisteredClient(client_id, created["clientSecret"], redirect_uri, list(scopes))

    return create


@pytest.fixture
def rp_client(create_client) -> RegisteredClient:
    """A fresh confidential relying party (not first-party, so the consent page shows)."""
    return create_client()


@pytest.fixture(scope="session")
def demo_accounts(server) -> list:
    output = server.cli("demo", "accounts", "--json")
    return json.loads(output[output.index("["):])


@pytest.fixture(scope="session")
def demo_citizens(demo_accounts) -> dict:
    """Demo citizen credentials keyed by assurance level: {"L1": {...}, "L2": {...}, ...}."""
    citizens: dict = {}
    for account in demo_accounts:
        if account["role"] == "citizen":
            citizens.setdefault(account["level"], account)
    assert {"L1", "L2"} <= citizens.keys(), f"demo citizens missing: {demo_accounts}"
    return citizens


@pytest.fixture
def fresh_phone() -> str:
    """A mobile number no one has registered (139 + 8 random digits)."""
    return "139" + "".join(secrets.choice("0123456789") for _ in range(8))


# ---------------------------------------------------------------------------
# Driving the HTML forms without a browser
# ---------------------------------------------------------------------------


class FormParser(HTMLParser):
    """Collects every form with its action, method and named inputs (values unescaped)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value or "") for name, value in attrs}
        if tag == "form":
            self._current = {"action": attributes.get("action", ""), "method": attributes.get("method", "get").lower(), "fields": {}, "buttons": []}
            self.forms.append(self._current)
        elif self._current is not None and tag == "input" and attributes.get("name"):
            self._current["fields"][attributes["name"]] = attributes.get("value", "")
        elif self._current is not None and tag == "button":
            self._current["buttons"].append(attributes)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def parse_forms(html: str) -> list:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def find_form(html: str, action: str) -> dict:
    for form in parse_forms(html):
        if form["action"] == action:
            return form
    raise AssertionError(f"no form posting to {action} on the page:\n{html[:3000]}")


class Browserless:
    """A cookie-keeping HTTP session that signs in and consents through the real pages."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
        self.consent_shown = False

    def url(self, location: str) -> str:
        return urljoin(self.base_url + "/", location)

    def get(self, location: str) -> requests.Response:
        return self.http.get(self.url(location), allow_redirects=False, timeout=30)

    def post(self, location: str, data: dict) -> requests.Response:
        return self.http.post(self.url(location), data=data, allow_redirects=False, timeout=30)

    def authorize(self, authorization_url: str, login: str, password: str, redirect_uri: str = CALLBACK) -> str:
        """Follows an authorization request through sign-in and consent; returns the final redirect to the client."""
        response = self.get(authorization_url)
        for _ in range(10):
            if response.status_code in (301, 302, 303, 307, 308):
                location = response.headers["Location"]
                if location.startswith(redirect_uri):
                    return location
                assert self.url(location).startswith(self.base_url), f"redirect to a foreign site: {location}"
                response = self.get(location)
                continue
            assert response.status_code == 200, f"{response.request.method} {response.url} -> {response.status_code}:\n{response.text[:3000]}"
            forms = {form["action"]: form for form in parse_forms(response.text)}
            if "/login" in forms and "password" in forms["/login"]["fields"]:
                form = forms["/login"]
                assert self.http.cookies.get("yiwang_csrf") == form["fields"]["csrf_token"], "CSRF cookie and field differ"
                response = self.post("/login", {
                    "csrf_token": form["fields"]["csrf_token"], "return_to": form["fields"]["return_to"],
                    "login": login, "password": password,
                })
                assert response.status_code == 303, f"sign-in failed ({response.status_code}):\n{response.text[:3000]}"
            elif "/oidc/consent" in forms:
                form = forms["/oidc/consent"]
                self.consent_shown = True
                assert any(button.get("id") == "allow" and button.get("value") == "allow" for button in form["buttons"])
                response = self.post("/oidc/consent", {
                    "csrf_token": form["fields"]["csrf_token"],
                    "authorize_query": form["fields"]["authorize_query"],
                    "decision": "allow",
                })
            else:
                raise AssertionError(f"unexpected page at {response.url}:\n{response.text[:3000]}")
        raise AssertionError("too many steps in the authorization flow")


@pytest.fixture
def browserless(base_url) -> Browserless:
    return Browserless(base_url)
