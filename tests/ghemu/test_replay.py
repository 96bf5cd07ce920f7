"""Recorded GitHub exchanges replayed against the emulator: same status, and the recorded keys.

Each case (a PyGithub ReplayData file with its class's setUp, or an octokit fixture) gets a fresh
emulator whose state mirrors the recording (see ``ReplayWorld``). Recorded server errors (5xx, and
the 400 of a retry test) are reproduced with the emulator's fault injection, which is what those
recordings test. Everything not replayed is listed in ``OUT_OF_SCOPE`` with the reason.
"""

from __future__ import annotations

import http.client
import json
import time
from typing import Any

import jwt
import pytest

from ghemu.gitstore import TreeChange
from ghemu.testing import running_emulator

from .replay import (
    REPLAY_APP_ID,
    WHO,
    Recorded,
    ReplayWorld,
    all_cases,
    case_exchanges,
    world_config,
)

# Exchanges (file, or file#seq) the emulator does not serve, and why.
OUT_OF_SCOPE = {
    "Exceptions.testInvalidInput.txt": "user SSH keys (POST /user/keys) are not in the flow",
    "Repository.testCreatePullFromIssue.txt": "plain issues (turned into a PR) are not emulated",
    "SpecificExceptions.testAuthenticatedRateLimitExceeded.txt": "the search API is not emulated",
    "add-labels-to-issue.normalized-fixture.json#1": "plain issues are not emulated; #2 uses PR 1",
    "paginate-issues.normalized-fixture.json": (
        "issue lists and /repositories/{id} URLs are not emulated; "
        "Link-header pagination is covered by test_pagination_link_headers"
    ),
}

# Where today's GitHub (and so the emulator) answers differently from an old recording.
EXPECTED_STATUS = {
    "PullRequest.testReviewRequests.txt#4": (
        200,
        "GitHub now answers 200 with the pull request (2017 recording: 204)",
    ),
}

# Keys of old recordings that GitHub no longer sends, or that the emulator leaves out on purpose.
LEGACY_KEYS = {
    "master_branch": "renamed default_branch years ago",
    "integrate_branch": "gone from the API",
    "public": "old repository field, replaced by private/visibility",
    "owner_url": "old installation field",
    "reactions": "reaction rollups are not emulated",
    "body_html": "only with a special media type",
    "body_text": "only with a special media type",
    "hireable": "profile detail",
    "hooks_url": "organisation detail",
    "user_view_type": "newer than most recordings",
    "security_and_analysis": "GitHub Advanced Security is not emulated",
    "code_of_conduct": "community profile is not emulated",
    "custom_properties": "repository custom properties are not emulated",
    "template_repository": "template repositories are not emulated",
    "milestone": "milestones are not emulated (always null)",
    "permissions": "only shown to an authenticated viewer",
    "network_count": "old fork listing field",
    "subscribers_count": "old fork listing field",
    "plan": "account plan detail",
    "ldap_dn": "enterprise LDAP detail",
    "stats": "commit stats are only on GET /commits/{sha}",
    "files": "commit files are only on GET /commits/{sha}",
    "single_file_paths": "installation detail",
    "has_multiple_single_files": "installation detail",
    "client_id": "app detail",
    "contact_email": "installation detail",
    "events_url": "organisation webhook detail",
    "pin": "pinned comments are not emulated",
    "minimized": "hidden comments are not emulated",
    "has_pull_requests": "repository setting not emulated",
    "pull_request_creation_policy": "repository setting not emulated",
    "anonymous_access_enabled": "GitHub Enterprise detail",
    "secret_scanning_push_protection_bypass_placeholder_id": "secret scanning is not emulated",
    "performed_via_github_app": "app attribution of comments",
    "rate": "still sent by GitHub; kept as rate",
    "content": "large blobs are streamed differently in old recordings",
}

# Objects whose keys are data (granted permissions), not response shape.
DATA_KEYS = {"permissions"}

INJECT_ALL = {"Retry.testShouldNotRetryWhenStatusNotOnList.txt"}


def _out_of_scope(ex: Recorded) -> bool:
    return ex.file in OUT_OF_SCOPE or ex.key in OUT_OF_SCOPE


def _missing_keys(recorded: Any, ours: Any, depth: int = 0) -> list[str]:
    """Recorded keys absent from our answer (top level and one nested level)."""
    for kind in (dict, list):
        if recorded is not None and isinstance(recorded, kind) != isinstance(ours, kind):
            return [f"<{type(ours).__name__} where GitHub sent a {type(recorded).__name__}>"]
    if isinstance(recorded, list) and isinstance(ours, list):
        if recorded and not ours:
            return ["<empty list where GitHub had items>"]
        return _missing_keys(recorded[0], ours[0], depth) if recorded and ours else []
    if not isinstance(recorded, dict) or not isinstance(ours, dict):
        return []
    missing = [k for k in recorded if k not in ours and k not in LEGACY_KEYS]
    if depth == 0:
        for key, value in recorded.items():
            if key in DATA_KEYS:
                continue
            if key in ours and isinstance(value, dict) and isinstance(ours[key], dict):
                missing += [f"{key}.{m}" for m in _missing_keys(value, ours[key], depth + 1)]
    return missing


def _send(
    root_url: str, method: str, path: str, headers: dict[str, str], body: Any
) -> tuple[int, dict[str, str], Any]:
    host, port = root_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    payload = None if body is None else json.dumps(body).encode()
    if payload is not None:
        headers = {**headers, "Content-Type": "application/json"}
    conn.request(method, "/api/v3" + path, body=payload, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    response_headers = {k.lower(): v for k, v in response.getheaders()}
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return response.status, response_headers, parsed


def _before(case: str, ex: Recorded, world: ReplayWorld) -> None:
    """Per-recording state changes that happened on GitHub between two recorded requests."""
    if case == "ConditionalRequestUpdate.testDidUpdate.txt" and ex.file == case:
        world.repo("akfish/PyGithub").description = "changed since the ETag was taken"
    if ex.key == "Repository.testMergeUpstreamSuccess.txt#2":
        upstream = world.emu.git(world.repo("PyGithub/PyGithub"))
        tip = upstream.read_ref("refs/heads/main")
        upstream.update_ref(
            "refs/heads/main", world.new_commit("PyGithub/PyGithub", tip, "upstream"), tip
        )
    if ex.key == "Repository.testMergeUpstreamFailure.txt#3":
        # The same file changed differently upstream and in the fork.
        for name, text in (("PyGithub/PyGithub", "upstream"), ("Felixoid/PyGithub", "fork")):
            git = world.emu.git(world.repo(name))
            tip = world.ensure_branch(name, "merge-conflict", fresh=False)
            tree = git.build_tree(
                git.read_commit(tip).tree,
                [TreeChange("conflict.txt", sha=git.write_blob(text.encode()))],
            )
            git.update_ref(
                "refs/heads/merge-conflict", git.write_commit(tree, [tip], text, WHO, WHO), tip
            )


def test_out_of_scope_list_names_real_recordings():
    # given
    cases = set(all_cases())

    # when
    unknown = [key for key in OUT_OF_SCOPE if key.split("#")[0] not in cases]

    # then
    assert unknown == []


def _wholly_out_of_scope(case: str) -> bool:
    return all(_out_of_scope(ex) for ex in case_exchanges(case) if ex.file == case)


def test_only_the_listed_recordings_are_left_out():
    # given every recording / when those with nothing to replay are picked out
    left_out = {case for case in all_cases() if _wholly_out_of_scope(case)}
    # then each of them is listed in OUT_OF_SCOPE with its reason
    assert left_out <= {key.split("#")[0] for key in OUT_OF_SCOPE}
    assert len(left_out) == 4


@pytest.mark.parametrize("case", [case for case in all_cases() if not _wholly_out_of_scope(case)])
def test_recorded_exchange(case: str, tmp_path):
    exchanges = case_exchanges(case)
    config = world_config(exchanges, tmp_path / "ghemu")
    # The replay app has no public key: the emulator checks only the JWT's issuer and expiry.
    claims = {
        "iss": str(REPLAY_APP_ID),
        "iat": int(time.time()) - 30,
        "exp": int(time.time()) + 540,
    }
    app_jwt = jwt.encode(claims, "replay-signing-key-of-thirty-two-bytes!", algorithm="HS256")
    replayed = 0
    with running_emulator(tmp_path / "ghemu", config=config) as gh:
        # given
        world = ReplayWorld(gh.server.emu, exchanges, gh.base_url)
        world.build()
        problems = []

        for ex in exchanges:
            if _out_of_scope(ex):
                continue
            _before(case, ex, world)
            if ex.status >= 500 or case in INJECT_ALL:
                gh.add_fault(
                    "error", method=ex.method, path=f"^{ex.route_path}$", status=ex.status, count=1
                )

            # when
            status, headers, body = _send(
                gh.root_url,
                ex.method,
                world.rewrite_path(ex),
                world.rewrite_headers(ex, app_jwt),
                world.rewrite_body(ex),
            )

            # then
            replayed += 1
            if "etag" in ex.response_headers and "etag" in headers:
                world.etag_map[ex.response_headers["etag"]] = headers["etag"]
            expected = EXPECTED_STATUS.get(ex.key, (ex.status, ""))[0]
            if status != expected:
                problems.append(
                    f"{ex.key} {ex.method} {ex.path}: status {status}, recorded {ex.status}: {body}"
                )
                continue
            if ex.status < 400 or ex.status in (401, 403, 404, 409, 422):
                missing = _missing_keys(ex.response, body)
                if missing:
                    problems.append(f"{ex.key} {ex.method} {ex.path}: missing keys {missing}")
        assert problems == []
        assert replayed > 0
