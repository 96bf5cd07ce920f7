"""The threaded HTTP server and the request pipeline every ``/api/v3`` call goes through.

Pipeline: count -> delay fault -> authenticate -> error fault -> primary limit -> secondary limit
(content-creating routes) -> handler -> error-after-success fault -> ETag / 304 -> rate headers.
Injected errors are not charged against the limits; a 304 is given back (free on GitHub).
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import logging
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ghemu.api import build_router
from ghemu.config import EmulatorConfig
from ghemu.emulator import Emulator
from ghemu.gitstore import GitError
from ghemu.limits import CONTENT_CREATING, PrimaryState
from ghemu.routing import Actor, ApiError, Request, Response, Router
from ghemu.web import handle_web

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v3"
RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_DOCS = f"{RATE_DOCS}#about-secondary-rate-limits"
JWT_ERROR = "A JSON web token could not be decoded"
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit and have been temporarily blocked from content"
    " creation. Please retry your request again later. If you reach out to GitHub Support for"
    " help, please include the request ID."
)


def _verify_jwt(emu: Emulator, token: str) -> Actor:
    """An app JWT (as PyGithub's AppAuth makes): RS256-verified when the app has a public key."""
    import jwt  # PyJWT comes with PyGithub; only app authentication needs it

    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise ApiError(401, JWT_ERROR) from exc
    for app in emu.config.apps:
        if str(app.app_id) == str(claims.get("iss")):
            try:
                if app.public_key_pem:
                    jwt.decode(token, app.public_key_pem, algorithms=["RS256"], leeway=60)
                elif float(claims.get("exp", 0)) < time.time() - 60:
                    raise ApiError(401, "'Expiration time' claim ('exp') is too far in the past")
            except jwt.PyJWTError as exc:
                raise ApiError(401, JWT_ERROR) from exc
            return Actor(None, f"app:{app.app_id}", app_id=app.app_id)
    raise ApiError(401, JWT_ERROR)


def authenticate(emu: Emulator, header: str | None) -> Actor | None:
    """``token X``, ``Bearer X`` or ``Basic login:X``; 401 "Bad credentials" when unknown."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme == "basic":
        try:
            value = base64.b64decode(value, validate=True).decode().partition(":")[2]
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(401, "Bad credentials") from exc
        scheme = "token"
    if scheme not in ("token", "bearer") or not value:
        raise ApiError(401, "Bad credentials")
    login = emu.tokens.get(value)
    if login is not None:
        return Actor(login, f"user:{login}")
    installation = emu.store.installation_tokens.get(value)
    if installation is not None and installation.expires_at > time.time():
        for app in emu.config.apps:
            if app.installation_id == installation.installation_id:
                return Actor(
                    f"{app.slug}[bot]", f"installation:{app.installation_id}", app.installation_id
                )
    if scheme == "bearer" and value.count(".") == 2:
        return _verify_jwt(emu, value)
    raise ApiError(401, "Bad credentials")


def _etag(body: bytes, authorization: str) -> str:
    # As on GitHub, an ETag holds for one token: the same answer to another token has another.
    return f'W/"{hashlib.sha256(authorization.encode() + b"|" + body).hexdigest()}"'


def _encode(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    return json.dumps(body, separators=(",", ":")).encode()


def _caller_label(req: Request, auth_error: ApiError | None) -> str:
    """How counters name the caller: login, installation/app key, or why there is none."""
    if req.actor is not None:
        return req.actor.login or req.actor.rate_key
    return "bad-credentials" if auth_error else "anonymous"


def _error(exc: ApiError) -> Response:
    return Response(exc.status, exc.body(), dict(exc.headers))


def _primary_message(emu: Emulator, req: Request) -> str:
    tail = " If you reach out to GitHub Support for help, please include the request ID."
    if req.actor is None:
        return (
            f"API rate limit exceeded for {req.client_ip}. (But here's the good news: "
            "Authenticated requests get a higher rate limit. Check out the documentation for "
            "more details.)" + tail
        )
    if req.actor.installation_id is not None:
        return f"API rate limit exceeded for installation ID {req.actor.installation_id}." + tail
    account = emu.store.account(req.actor.login)
    return f"API rate limit exceeded for user ID {account.id if account else 0}." + tail


class Api:
    """The ``/api/v3`` pipeline around the router."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.router: Router = build_router()
        # Callbacks seeing every answer (request, response, body): contract tests validate them.
        self.observers: list[Callable[[Request, Response, bytes], None]] = []

    def handle(self, req: Request) -> tuple[Response, bytes]:
        emu = self.emu
        found = self.router.match(req.method, req.path)
        req.route = found[0].template if found else "(unknown)"
        auth_error: ApiError | None = None
        try:
            req.actor = authenticate(emu, req.headers.get("authorization"))
        except ApiError as exc:
            auth_error = exc
        who = _caller_label(req, auth_error)
        emu.counters.request(req.method, req.route, req.path, who)

        delay = emu.faults.take("delay", req.method, req.path, who)
        if delay is not None:
            emu.counters.injection("delay")
            time.sleep(delay.seconds)
        key, limit = emu.rate_key(req.actor, req.client_ip), emu.primary_limit(req.actor)
        if auth_error is not None:
            return self._finish(req, _error(auth_error), emu.limiter.peek(key, limit))
        injected = emu.faults.take("error", req.method, req.path, who)
        if injected is not None:
            emu.counters.injection("error")
            response = Response(injected.status, injected.response_body(), dict(injected.headers))
            return self._finish(req, response, emu.limiter.peek(key, limit))

        state, refusal = self._spend_limits(req, who, key, limit)
        if refusal is not None:
            return self._finish(req, refusal, state)

        response = self._dispatch(req, found)
        if response.status < 400:
            after = emu.faults.take("error_after_success", req.method, req.path, who)
            if after is not None:
                emu.counters.injection("error_after_success")
                response = Response(after.status, after.response_body(), dict(after.headers))

        body = _encode(response.body)
        if req.method == "GET" and response.status == 200:
            etag = _etag(body, req.headers.get("authorization", ""))
            response.headers["etag"] = etag
            if etag in [t.strip() for t in req.headers.get("if-none-match", "").split(",")]:
                if req.route != "/rate_limit":
                    state = emu.limiter.refund(key, limit)
                return self._finish(req, Response(304, None, {"etag": etag}), state)
        return self._finish(req, response, state, body)

    def _spend_limits(
        self, req: Request, who: str, key: str, limit: int
    ) -> tuple[PrimaryState, Response | None]:
        """Charge the primary limit (and the secondary one for content creation), or refuse."""
        emu = self.emu
        if req.route == "/rate_limit":  # reading the limit is free
            return emu.limiter.peek(key, limit), None
        allowed, state = emu.limiter.take(key, limit)
        if not allowed:
            emu.counters.violation("primary", who)
            error = ApiError(403, _primary_message(emu, req), documentation_url=RATE_DOCS)
            return state, _error(error)
        if (req.method, req.route) in CONTENT_CREATING:
            retry_after = emu.limiter.take_content_creation(key)
            if retry_after is not None:
                emu.counters.violation("secondary", who)
                headers = {"retry-after": str(retry_after)}
                error = ApiError(
                    403, SECONDARY_MESSAGE, documentation_url=SECONDARY_DOCS, headers=headers
                )
                return state, _error(error)
            emu.counters.creation(who)
        return state, None

    def _dispatch(self, req: Request, found: Any) -> Response:
        if found is None:
            return _error(ApiError(404, "Not Found"))
        route, params = found
        req.params = params
        try:
            return route.handler(req, self.emu, **params)
        except ApiError as exc:
            return _error(exc)
        except GitError as exc:
            logger.exception("git failure on %s %s", req.method, req.path)
            return _error(ApiError(500, f"Server Error: {exc}"))

    def _finish(
        self, req: Request, response: Response, state: PrimaryState, body: bytes | None = None
    ) -> tuple[Response, bytes]:
        self.emu.counters.status(response.status)
        headers = {
            "x-github-media-type": "github.v3; format=json",
            "x-github-api-version-selected": "2022-11-28",
            "x-github-request-id": secrets.token_hex(8).upper(),
            **state.headers(),
        }
        if req.actor is not None and req.actor.app_id is None and req.actor.installation_id is None:
            headers["x-oauth-scopes"] = "repo, workflow"
            headers["x-accepted-oauth-scopes"] = "repo"
        headers.update(response.headers)
        response.headers = headers
        payload = _encode(response.body) if body is None else body
        for observer in self.observers:
            observer(req, response, payload)
        return response, payload


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: EmulatorServer) -> None:
        self.app = app
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One quiet debug line when the client went away; a logged traceback for anything else."""
        exc = sys.exc_info()[1]
        if is_disconnect(exc):
            logger.debug(
                "client %s disconnected (%s)", _address(client_address), type(exc).__name__
            )
            return
        logger.exception("error serving %s", _address(client_address))


# Errno values of a socket the peer (or our own shutdown) has already torn down.
_GONE_ERRNOS = frozenset({errno.EBADF, errno.ENOTCONN, errno.ESHUTDOWN, errno.EPIPE})


def is_disconnect(exc: BaseException | None) -> bool:
    """True for a client that hung up (reset, broken pipe, timeout) or a socket already closed."""
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    if isinstance(exc, OSError):
        return exc.errno in _GONE_ERRNOS
    return isinstance(exc, ValueError) and "closed file" in str(exc)


def _address(client_address: Any) -> str:
    if isinstance(client_address, tuple) and len(client_address) >= 2:
        return f"{client_address[0]}:{client_address[1]}"
    return str(client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer
    server_version = "ghemu"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        app = self.server.app
        raw_path, _, query = self.path.partition("?")
        body = self._read_body()
        host = self.headers.get("Host") or f"{app.host}:{app.port}"
        web = f"http://{host}"
        req = Request(
            method=self.command,
            path=raw_path,
            query=urllib.parse.parse_qs(query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            base_url=web + API_PREFIX,
            web_url=web,
            client_ip=self.client_address[0],
        )
        try:
            if raw_path == API_PREFIX or raw_path.startswith(API_PREFIX + "/"):
                req.path = raw_path[len(API_PREFIX) :] or "/"
                response, payload = app.api.handle(req)
            else:
                response = app.handle_other(req)
                payload = _encode(response.body)
        except Exception:  # keep the connection answering even if a handler breaks
            logger.exception("unhandled error on %s %s", self.command, self.path)
            response, payload = (
                Response(500, {"message": "Server Error"}),
                b'{"message":"Server Error"}',
            )
        self._send(response, payload)

    def _send(self, response: Response, payload: bytes) -> None:
        self.send_response(response.status)
        no_body = response.status in (204, 304) or self.command == "HEAD"
        headers = dict(response.headers)
        if payload and not no_body and "content-type" not in headers:
            headers["content-type"] = "application/json; charset=utf-8"
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0" if no_body else str(len(payload)))
        self.end_headers()
        if not no_body:
            self.wfile.write(payload)


class EmulatorServer:
    """An Emulator served over HTTP on ``host:port`` (port 0 picks a free one)."""

    def __init__(self, config: EmulatorConfig) -> None:
        from ghemu.admin import AdminApi

        self.config = config
        self.emu = Emulator(config)
        self.api = Api(self.emu)
        self.admin = AdminApi(self)
        self.httpd = _HTTPServer((config.host, config.port), self)
        self.host = config.host
        self.port = self.httpd.server_address[1]
        self._thread: threading.Thread | None = None
        self.emu.setup()

    @property
    def root_url(self) -> str:
        # A wildcard bind address is not something a client can connect to.
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root_url + API_PREFIX

    def start(self) -> EmulatorServer:
        """Serve on a background thread."""
        # A short poll interval keeps stop() (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="ghemu-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        try:
            self.httpd.serve_forever()
        finally:
            self.close()

    def stop(self) -> None:
        self.httpd.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.close()

    def close(self) -> None:
        self.httpd.server_close()
        self.emu.close()

    # -- outside /api/v3: admin, raw files, git clone over HTTP ---------------------------------

    def handle_other(self, req: Request) -> Response:
        if req.path.startswith("/_emulator"):
            return self.admin.handle(req)
        parts = [urllib.parse.unquote(p) for p in req.path.strip("/").split("/")]
        smart_http = len(parts) >= 3 and (
            parts[1].endswith(".git") or parts[2] in ("info", "git-upload-pack")
        )
        if smart_http and req.method in ("GET", "POST"):
            return self._git_http(req, parts[0], parts[1].removesuffix(".git"), "/".join(parts[2:]))
        if len(parts) >= 5 and parts[2] == "raw" and req.method == "GET":
            return self._raw(req, parts[0], parts[1], parts[3:])
        if req.method == "GET" and (page := handle_web(self.emu, parts)) is not None:
            return page
        return Response(404, {"message": "Not Found"})

    def _raw(self, req: Request, owner: str, name: str, rest: list[str]) -> Response:
        """``/OWNER/REPO/raw/REF/PATH`` (``download_url``); REF may contain slashes."""
        login = None
        try:
            actor = authenticate(self.emu, req.headers.get("authorization"))
            login = actor.login if actor else None
        except ApiError:
            pass
        repo = self.emu.store.repo_by_name(owner, name)
        if repo is None or self.emu.permission(login, repo) is None:
            return Response(404, b"404: Not Found", {"content-type": "text/plain"})
        git = self.emu.git(repo)
        for split in range(1, len(rest)):
            commit = git.resolve_commit("/".join(rest[:split]))
            entry = git.entry_at(commit, "/".join(rest[split:])) if commit else None
            if entry is not None and entry.type == "blob":
                return Response(
                    200, git.read_blob(entry.sha), {"content-type": "text/plain; charset=utf-8"}
                )
        return Response(404, b"404: Not Found", {"content-type": "text/plain"})

    def _git_http(self, req: Request, owner: str, name: str, rest: str) -> Response:
        """Read-only smart HTTP (clone/fetch) through ``git http-backend``."""
        repo = self.emu.store.repo_by_name(owner, name)
        if repo is None or self.emu.permission(None, repo) is None:
            return Response(404, b"Repository not found\n", {"content-type": "text/plain"})
        service = (req.query.get("service") or [""])[0]
        if "receive-pack" in rest or service == "git-receive-pack":
            return Response(
                403, b"Pushing is not supported; use the REST API\n", {"content-type": "text/plain"}
            )
        git_root = self.emu.data_dir / "git"
        env = {
            "GIT_PROJECT_ROOT": str(git_root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": f"/{repo.owner}/{repo.name}.git/{rest}",
            "REQUEST_METHOD": req.method,
            "QUERY_STRING": urllib.parse.urlencode(req.query, doseq=True),
            "CONTENT_TYPE": req.headers.get("content-type", ""),
            "CONTENT_LENGTH": str(len(req.body)),
            "HTTP_CONTENT_ENCODING": req.headers.get("content-encoding", ""),
            "GIT_PROTOCOL": req.headers.get("git-protocol", ""),
            "REMOTE_ADDR": req.client_ip,
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        proc = subprocess.run(
            ["git", "http-backend"], input=req.body, capture_output=True, env=env, check=False
        )
        head, _, body = proc.stdout.partition(b"\r\n\r\n")
        status, headers = 200, {}
        for line in head.decode(errors="replace").split("\r\n"):
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = int(value.strip().split()[0])
            elif key:
                headers[key.lower()] = value.strip()
        return Response(status, body, headers)
