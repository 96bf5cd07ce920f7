"""The GitHub webhook endpoint: verify, deduplicate, queue, answer at once."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from contributions.forge.webhooks import read_event, signature_valid
from contributions.services.pull_request_tracking import webhook_receive

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def github_webhook(request: HttpRequest) -> JsonResponse:
    """Receive a GitHub delivery; the work runs in a worker (GitHub waits at most 10 s)."""
    secrets = settings.GITHUB_WEBHOOK_SECRETS
    if not secrets:
        return JsonResponse({"detail": "Webhooks are not configured on this portal."}, status=503)
    body = request.body
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not signature_valid(body, signature, secrets):
        logger.warning("webhook with a bad signature from %s", request.META.get("REMOTE_ADDR"))
        return JsonResponse({"detail": "The signature does not match."}, status=401)
    event_name = request.headers.get("X-GitHub-Event", "")
    delivery_id = request.headers.get("X-GitHub-Delivery", "")
    if not event_name or not delivery_id:
        return JsonResponse({"detail": "X-GitHub-Event and X-GitHub-Delivery are required."}, 400)
    if event_name == "ping":
        return JsonResponse({"detail": "pong"})
    if request.content_type == "application/x-www-form-urlencoded":
        # GitHub's other content type puts the JSON in a "payload" form field; say what to change.
        return JsonResponse(
            {
                "detail": "This webhook sends form-encoded bodies; set its content type to "
                "application/json in the webhook's settings on GitHub."
            },
            status=415,
        )
    try:
        payload = json.loads(body)
    except ValueError:
        return JsonResponse({"detail": "The body is not JSON."}, status=400)
    event = read_event(event_name, payload)
    if not event.handled or event.repo.lower() != settings.TAXONOMY_REPO.lower():
        return JsonResponse({"detail": "Ignored."}, status=202)
    if not webhook_receive(delivery_id=delivery_id, event=event):
        return JsonResponse({"detail": "Already received."})
    return JsonResponse({"detail": "Queued."}, status=202)
