"""Signed webhook deliveries to repository hooks, sent by one background worker.

Each delivery is recorded (GitHub's "Recent Deliveries") with the exact body that was signed, so it
can be listed, inspected and redelivered with the same ``X-GitHub-Delivery`` guid. A
``drop_webhook`` fault records a delivery as dropped without sending it (to exercise a portal's
reconcile path).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import queue
import threading
import time
import urllib.parse
import uuid
from typing import TYPE_CHECKING, Any

from ghemu.store import DeliveryRecord, RepoRecord, now_iso

if TYPE_CHECKING:
    from ghemu.emulator import Emulator
    from ghemu.render import Renderer

logger = logging.getLogger(__name__)

ZEN = "Design for failure."


def signature_256(secret: str, body: bytes) -> str:
    """``X-Hub-Signature-256``: ``sha256=`` + hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_1(secret: str, body: bytes) -> str:
    """The legacy ``X-Hub-Signature`` header GitHub still sends."""
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


class WebhookDispatcher:
    """Records deliveries and sends them in order on a worker thread."""

    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator
        self.store = emulator.store
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="ghemu-webhooks", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=15)
            self._thread = None

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every queued delivery was attempted; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    # -- producing ------------------------------------------------------------------------------

    def emit(
        self,
        render: Renderer,
        repo: RepoRecord,
        event: str,
        action: str | None,
        fields: dict[str, Any],
        sender: str,
        only_hook: int | None = None,
    ) -> list[int]:
        """Queue ``event`` for every active hook of ``repo`` subscribed to it; the delivery ids."""
        ids = []
        for hook in self.store.hooks_of(repo.id):
            if only_hook is not None and hook.id != only_hook:
                continue
            if not hook.active:
                continue
            if event != "ping" and event not in hook.events and "*" not in hook.events:
                continue
            payload: dict[str, Any] = {}
            if action is not None:
                payload["action"] = action
            payload.update(fields)
            payload["repository"] = render.repo(repo)
            owner = self.store.account(repo.owner)
            if owner is not None and owner.type == "Organization":
                payload["organization"] = render.organization_simple(owner)
            payload["sender"] = render.user(sender)
            ids.append(self._record(hook.id, repo, event, action, json.dumps(payload), guid=None))
        return ids

    def _record(
        self,
        hook_id: int,
        repo: RepoRecord,
        event: str,
        action: str | None,
        payload: str,
        guid: str | None,
    ) -> int:
        hook = self.store.hooks[hook_id]
        delivery = DeliveryRecord(
            id=self.store.next_id(),
            guid=guid or str(uuid.uuid4()),
            hook_id=hook_id,
            repo_id=repo.id,
            event=event,
            action=action,
            url=hook.url,
            request_headers={},
            payload=payload,
            redelivery=guid is not None,
        )
        with self.store.lock:
            self.store.deliveries[delivery.id] = delivery
            self.store.mark_dirty()
        # Redeliveries are never dropped: they are how a test recovers from a dropped delivery.
        rule = (
            None if delivery.redelivery else self.emu.faults.take_webhook(event, action, hook.url)
        )
        if rule is not None:
            delivery.dropped = True
            delivery.status = "Dropped by emulator fault"
            self.emu.counters.injection("drop_webhook")
            return delivery.id
        with self._idle:
            self._pending += 1
        self._queue.put(delivery.id)
        return delivery.id

    def redeliver(self, delivery_id: int) -> int:
        """Send a recorded delivery again (same guid and body, ``redelivery`` true)."""
        original = self.store.deliveries[delivery_id]
        repo = self.store.repos[original.repo_id]
        return self._record(
            original.hook_id, repo, original.event, original.action, original.payload, original.guid
        )

    # -- sending --------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            delivery_id = self._queue.get()
            if delivery_id is None:
                return
            try:
                self._send(self.store.deliveries[delivery_id])
            except Exception:  # a broken delivery must not stop the worker
                logger.exception("webhook delivery %s failed", delivery_id)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _send(self, delivery: DeliveryRecord) -> None:
        hook = self.store.hooks.get(delivery.hook_id)
        if hook is None:
            delivery.status = "Hook deleted"
            return
        raw = delivery.payload.encode()
        if hook.content_type == "form":
            body = urllib.parse.urlencode({"payload": delivery.payload}).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            body = raw
            content_type = "application/json"
        headers = {
            "Accept": "*/*",
            "Content-Type": content_type,
            "User-Agent": "GitHub-Hookshot/ghemu",
            "X-GitHub-Event": delivery.event,
            "X-GitHub-Delivery": delivery.guid,
            "X-GitHub-Hook-ID": str(hook.id),
            "X-GitHub-Hook-Installation-Target-ID": str(delivery.repo_id),
            "X-GitHub-Hook-Installation-Target-Type": "repository",
        }
        if hook.secret:
            headers["X-Hub-Signature"] = signature_1(hook.secret, body)
            headers["X-Hub-Signature-256"] = signature_256(hook.secret, body)
        delivery.request_headers = headers
        delivery.delivered_at = now_iso()
        started = time.monotonic()
        target = urllib.parse.urlsplit(hook.url)
        if target.hostname not in self.emu.config.webhook_hosts or target.scheme not in (
            "http",
            "https",
        ):
            delivery.status = (
                f"Blocked by emulator: host {target.hostname!r} is not in webhook_hosts"
            )
            self._finish(delivery, hook, started)
            return
        try:
            conn_cls = (
                http.client.HTTPSConnection
                if target.scheme == "https"
                else http.client.HTTPConnection
            )
            conn = conn_cls(target.hostname, target.port, timeout=self.emu.config.webhook_timeout)
            path = target.path or "/"
            if target.query:
                path += "?" + target.query
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            delivery.status_code = response.status
            delivery.response_headers = {k.lower(): v for k, v in response.getheaders()}
            delivery.response_body = response.read(65536).decode(errors="replace")
            conn.close()
            ok = 200 <= response.status < 300
            delivery.status = "OK" if ok else f"Invalid HTTP Response: {response.status}"
        except OSError as exc:
            delivery.status = f"Failed to connect to host: {exc}"
        self._finish(delivery, hook, started)

    def _finish(self, delivery: DeliveryRecord, hook: Any, started: float) -> None:
        delivery.duration = round(time.monotonic() - started, 3)
        hook.last_response = {
            "code": delivery.status_code or None,
            "status": "active" if delivery.status == "OK" else "failed",
            "message": delivery.status,
        }
        self.store.mark_dirty()


def ping_fields(render: Renderer, hook_id: int) -> dict[str, Any]:
    hook = render.store.hooks[hook_id]
    return {"zen": ZEN, "hook_id": hook_id, "hook": render.hook(hook)}
