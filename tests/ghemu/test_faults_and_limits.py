"""Injected faults, rate limits, conditional requests and pagination, as a client sees them."""

from __future__ import annotations

import json
import time

import github
import pytest
import requests
from github.GithubRetry import GithubRetry

from ghemu.client import EmulatorHTTPError
from ghemu.testing import EmulatorHandle

from .conftest import DOCS, TAXONOMY, make_client


def raw(
    gh: EmulatorHandle, method: str, path: str, body=None, token: str | None = None, headers=None
):
    """A request without any client-side retry; returns (status, headers, json)."""
    import json
    import urllib.error
    import urllib.request

    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        gh.base_url + path, data=data, method=method, headers=headers or {}
    )
    request.add_header("Authorization", f"token {token or gh.bot_token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            payload = resp.read()
            return (
                resp.status,
                {k.lower(): v for k, v in resp.headers.items()},
                json.loads(payload) if payload else None,
            )
    except urllib.error.HTTPError as exc:
        payload = exc.read()
        return (
            exc.code,
            {k.lower(): v for k, v in exc.headers.items()},
            json.loads(payload) if payload else None,
        )


def test_injected_5xx_is_retried_by_pygithub(gh: EmulatorHandle):
    # given
    gh.add_fault("error", method="GET", path=f"^/repos/{TAXONOMY}$", status=502, count=2)
    client = make_client(gh, retry=GithubRetry(total=3, backoff_factor=0))

    # when
    repo = client.get_repo(TAXONOMY)

    # then
    assert repo.full_name == TAXONOMY
    counters = gh.counters()
    assert counters["injected_faults"] == {"error": 2}
    assert counters["by_status"]["502"] == 2 and counters["by_status"]["200"] == 1


def test_injected_5xx_without_retry_surfaces(gh: EmulatorHandle):
    # given
    gh.add_fault("error", method="GET", path="/git/ref/", status=503, count=1)
    repo = make_client(gh, retry=None).get_repo(TAXONOMY)

    # when
    with pytest.raises(github.GithubException) as failure:
        repo.get_git_ref("heads/main")

    # then
    assert failure.value.status == 503
    assert repo.get_git_ref("heads/main").ref == "refs/heads/main"


def test_post_applied_then_502_makes_the_retry_meet_already_exists(gh: EmulatorHandle):
    # given
    gh.add_fault("error_after_success", method="POST", path="/git/refs$", status=502, count=1)
    repo = make_client(gh, retry=GithubRetry(total=3, backoff_factor=0)).get_repo(TAXONOMY)
    main = repo.get_git_ref("heads/main").object.sha

    # when
    with pytest.raises(github.GithubException) as failure:
        repo.create_git_ref("refs/heads/portal/entry-1-r1", main)

    # then
    assert failure.value.status == 422
    assert failure.value.data["message"] == "Reference already exists"
    assert gh.refs(TAXONOMY)["refs/heads/portal/entry-1-r1"] == main
    assert gh.counters()["by_route"]["POST /repos/{owner}/{repo}/git/refs"] == 2


def test_post_pull_applied_then_502_gives_already_exists_on_retry(gh: EmulatorHandle):
    # given
    repo = make_client(gh, retry=GithubRetry(total=3, backoff_factor=0)).get_repo(DOCS)
    repo.create_file("x.md", "x", "x\n", branch="main")
    main_parent = repo.get_git_ref("heads/main").object.sha
    repo.create_git_ref("refs/heads/feature", main_parent)
    repo.create_file("y.md", "y", "y\n", branch="feature")
    gh.add_fault("error_after_success", method="POST", path=r"/pulls$", status=502, count=1)

    # when
    with pytest.raises(github.GithubException) as failure:
        repo.create_pull(base="main", head="ceph:feature", title="Feature")

    # then
    assert failure.value.status == 422
    assert (
        failure.value.data["errors"][0]["message"]
        == "A pull request already exists for ceph:feature."
    )
    assert len(gh.pulls(DOCS)) == 1


def test_secondary_limit_answers_403_with_retry_after(gh: EmulatorHandle):
    # given
    gh.set_limits(secondary_per_minute=3, secondary_retry_after=7)
    body = {"content": "x", "encoding": "utf-8"}

    # when
    statuses = [raw(gh, "POST", f"/repos/{TAXONOMY}/git/blobs", body)[0] for _ in range(3)]
    status, headers, error = raw(gh, "POST", f"/repos/{TAXONOMY}/git/blobs", body)
    read_status = raw(gh, "GET", f"/repos/{TAXONOMY}")[0]

    # then
    assert statuses == [201, 201, 201]
    assert status == 403 and headers["retry-after"] == "7"
    assert error["message"].startswith("You have exceeded a secondary rate limit")
    assert read_status == 200  # reads are not content creation
    counters = gh.counters()
    assert counters["violations"]["secondary"] == 1 and counters["violations"]["primary"] == 0


def test_secondary_limit_is_a_rate_limit_error_for_pygithub(gh: EmulatorHandle):
    # given: no retries (GithubRetry sleeps Retry-After whatever max_rate_limit_wait says)
    gh.set_limits(secondary_per_minute=1, secondary_retry_after=60)
    repo = make_client(gh, retry=None).get_repo(TAXONOMY)
    repo.create_git_blob("one", "utf-8")

    # when
    with pytest.raises(github.RateLimitExceededException) as failure:
        repo.create_git_blob("two", "utf-8")

    # then
    assert failure.value.status == 403
    assert failure.value.headers["retry-after"] == "60"
    assert gh.violations() == 1


def test_pygithub_waits_out_a_short_secondary_limit(gh: EmulatorHandle):
    # given
    gh.set_limits(secondary_per_minute=1, secondary_per_hour=2, secondary_retry_after=1)
    repo = make_client(gh, retry=GithubRetry(total=2, backoff_factor=0)).get_repo(TAXONOMY)
    repo.create_git_blob("one", "utf-8")

    # when: the hourly budget (2) still has room, the minute budget (1) does not
    started = time.monotonic()
    with pytest.raises(requests.exceptions.RetryError):
        repo.create_git_blob("two", "utf-8")

    # then: PyGithub slept Retry-After between attempts, and every attempt was refused
    assert time.monotonic() - started >= 1
    assert gh.violations() >= 2


def test_primary_limit_exhausts_and_reports_headers(gh: EmulatorHandle):
    # given
    gh.set_limits(primary_per_hour=3, reset_usage=True)
    client = make_client(gh, retry=None)

    # when
    answers = [raw(gh, "GET", f"/repos/{TAXONOMY}") for _ in range(3)]
    status, headers, error = raw(gh, "GET", f"/repos/{TAXONOMY}")
    with pytest.raises(github.RateLimitExceededException):
        client.get_repo(TAXONOMY).get_git_ref("heads/main")
    limit = client.get_rate_limit()

    # then
    assert [a[1]["x-ratelimit-remaining"] for a in answers] == ["2", "1", "0"]
    assert [a[1]["x-ratelimit-used"] for a in answers] == ["1", "2", "3"]
    assert status == 403 and headers["x-ratelimit-remaining"] == "0"
    assert (
        headers["x-ratelimit-resource"] == "core"
        and int(headers["x-ratelimit-reset"]) > time.time()
    )
    assert error["message"].startswith("API rate limit exceeded for user ID ")
    assert limit.resources.core.remaining == 0 and limit.resources.core.limit == 3
    assert gh.counters()["violations"]["primary"] >= 2


def test_primary_window_resets(gh: EmulatorHandle):
    # given
    gh.set_limits(primary_per_hour=1, window_seconds=0.5, reset_usage=True)
    raw(gh, "GET", f"/repos/{TAXONOMY}")
    blocked = raw(gh, "GET", f"/repos/{TAXONOMY}")[0]

    # when
    time.sleep(0.6)
    after_reset = raw(gh, "GET", f"/repos/{TAXONOMY}")[0]

    # then
    assert blocked == 403 and after_reset == 200


def test_time_scale_shortens_the_secondary_minute_and_retry_after(gh: EmulatorHandle):
    # given: a minute of 0.5 s real time (scale 120), one content creation a minute
    gh.set_limits(secondary_per_minute=1)
    limits = gh.set_time_scale(120)
    body = {"content": "x", "encoding": "utf-8"}
    first = raw(gh, "POST", f"/repos/{TAXONOMY}/git/blobs", body)[0]
    started = time.monotonic()
    status, headers, _ = raw(gh, "POST", f"/repos/{TAXONOMY}/git/blobs", body)

    # when: the scaled minute passes in real time
    time.sleep(max(0.6 - (time.monotonic() - started), 0))
    after_minute = raw(gh, "POST", f"/repos/{TAXONOMY}/git/blobs", body)[0]

    # then: 60 s of Retry-After became 1 (60/120, rounded up to a whole second)
    assert limits["time_scale"] == 120.0
    assert first == 201 and status == 403 and headers["retry-after"] == "1"
    assert after_minute == 201
    assert gh.counters()["violations"]["secondary"] == 1


def test_time_scale_shortens_the_secondary_hour(gh: EmulatorHandle):
    # given: an hour of 0.5 s real time, one content creation an hour
    gh.set_limits(secondary_per_hour=1, time_scale=3600 / 0.5, reset_usage=True)
    body = {"content": "x", "encoding": "utf-8"}
    first = raw(gh, "POST", f"/repos/{TAXONOMY}/git/blobs", body)[0]
    blocked = raw(gh, "POST", f"/repos/{TAXONOMY}/git/blobs", body)[0]

    # when
    time.sleep(0.6)
    after_hour = raw(gh, "POST", f"/repos/{TAXONOMY}/git/blobs", body)[0]

    # then
    assert (first, blocked, after_hour) == (201, 403, 201)


def test_time_scale_shortens_the_primary_window_and_its_reset_header(gh: EmulatorHandle):
    # given: GitHub's pace first, then an hour of 0.5 s real time
    real_pace = raw(gh, "GET", f"/repos/{TAXONOMY}")[1]
    gh.set_limits(primary_per_hour=1)
    gh.set_time_scale(3600 / 0.5)

    # when
    allowed = raw(gh, "GET", f"/repos/{TAXONOMY}")
    blocked = raw(gh, "GET", f"/repos/{TAXONOMY}")[0]
    time.sleep(0.6)
    after_window = raw(gh, "GET", f"/repos/{TAXONOMY}")[0]

    # then: reset stays real epoch seconds, now half a second (rounded up) away, not an hour
    assert int(real_pace["x-ratelimit-reset"]) - time.time() > 3500
    assert 0 <= int(allowed[1]["x-ratelimit-reset"]) - time.time() <= 2
    assert allowed[0] == 200 and blocked == 403 and after_window == 200


def test_time_scale_is_set_at_start_and_validated(tmp_path):
    # given
    from ghemu.cli import _serve_config, build_parser
    from ghemu.config import EmulatorConfig, Limits
    from ghemu.testing import running_emulator

    args = build_parser().parse_args(["serve", "--time-scale", "20"])
    args.data_dir_given = False

    # when
    from_cli = _serve_config(args)
    with running_emulator(tmp_path / "ghemu", limits=Limits(time_scale=20)) as gh:
        at_start = gh.admin("GET", "/limits")
        with pytest.raises(EmulatorHTTPError) as refused:
            gh.set_time_scale(0)
        unchanged = gh.admin("GET", "/limits")

    # then
    assert from_cli.limits.time_scale == 20.0
    assert EmulatorConfig.from_dict(json.loads(from_cli.to_json())).limits.time_scale == 20.0
    assert at_start["time_scale"] == 20.0 and unchanged["time_scale"] == 20.0
    assert refused.value.status == 400 and "time_scale" in refused.value.body["message"]
    assert Limits().time_scale == 1.0
    with pytest.raises(ValueError, match="time_scale"):
        Limits(time_scale=-1)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--time-scale", "nan"])


def test_rate_headers_on_errors_and_rate_limit_is_free(gh: EmulatorHandle):
    # when
    missing = raw(gh, "GET", "/repos/ceph/nope")
    limit_1 = raw(gh, "GET", "/rate_limit")
    limit_2 = raw(gh, "GET", "/rate_limit")
    bad = raw(gh, "GET", "/user", token="wrong")

    # then
    assert missing[0] == 404 and missing[2]["message"] == "Not Found"
    assert missing[1]["x-ratelimit-used"] == "1"
    assert limit_1[2]["rate"]["used"] == limit_2[2]["rate"]["used"] == 1
    assert (
        bad[0] == 401 and bad[2]["message"] == "Bad credentials" and "x-ratelimit-limit" in bad[1]
    )


def test_etag_304_does_not_count(gh: EmulatorHandle):
    # given
    status, headers, _ = raw(gh, "GET", f"/repos/{TAXONOMY}")
    etag = headers["etag"]

    # when
    not_modified = raw(gh, "GET", f"/repos/{TAXONOMY}", headers={"If-None-Match": etag})
    stale = raw(gh, "GET", f"/repos/{TAXONOMY}", headers={"If-None-Match": 'W/"stale"'})
    repo = make_client(gh).get_repo(TAXONOMY)
    unchanged = repo.update()

    # then
    assert status == 200
    assert not_modified[0] == 304 and not_modified[1]["etag"] == etag
    assert not_modified[1]["x-ratelimit-used"] == "1"
    assert stale[0] == 200 and stale[1]["x-ratelimit-used"] == "2"
    assert unchanged is False


def test_pagination_link_headers(gh: EmulatorHandle):
    # given
    for name in ("a", "b", "c", "d", "e"):
        raw(
            gh,
            "POST",
            f"/repos/{TAXONOMY}/labels",
            {"name": name, "color": "00ff00"},
            token=gh.maintainer_token,
        )

    # when
    first = raw(gh, "GET", f"/repos/{TAXONOMY}/labels?per_page=2")
    last = raw(gh, "GET", f"/repos/{TAXONOMY}/labels?per_page=2&page=3")
    client = make_client(gh, per_page=2)
    labels = client.get_repo(TAXONOMY).get_labels()

    # then
    link = first[1]["link"]
    assert f'<{gh.base_url}/repos/{TAXONOMY}/labels?per_page=2&page=2>; rel="next"' in link
    assert f'<{gh.base_url}/repos/{TAXONOMY}/labels?per_page=2&page=3>; rel="last"' in link
    assert [x["name"] for x in first[2]] == ["a", "b"] and [x["name"] for x in last[2]] == ["e"]
    assert 'rel="prev"' in last[1]["link"] and 'rel="next"' not in last[1]["link"]
    assert labels.totalCount == 5 and [x.name for x in labels] == ["a", "b", "c", "d", "e"]


def test_delay_fault_slows_matching_requests(gh: EmulatorHandle):
    # given
    gh.add_fault("delay", method="GET", path="/git/ref/", seconds=0.4, count=1)
    repo = make_client(gh).get_repo(TAXONOMY)

    # when
    started = time.monotonic()
    repo.get_git_ref("heads/main")
    slow = time.monotonic() - started
    started = time.monotonic()
    repo.get_git_ref("heads/main")
    fast = time.monotonic() - started

    # then
    assert slow >= 0.4 and fast < 0.4


def test_faults_can_be_listed_and_cleared(gh: EmulatorHandle):
    # given
    gh.set_faults([{"kind": "error", "status": 500, "count": None, "path": "^/nothing"}])

    # when
    listed = gh.faults()
    gh.clear_faults()

    # then
    assert listed[0]["kind"] == "error" and listed[0]["count"] is None
    assert gh.faults() == []
    with pytest.raises(EmulatorHTTPError) as bad:
        gh.add_fault("explode")
    assert bad.value.status == 400


def test_new_fork_answers_409_until_ready(gh: EmulatorHandle):
    # given
    gh.set_limits(fork_ready_delay=0.5)
    client = make_client(gh, gh.fork_bot_token, retry=None)
    fork = client.get_repo(TAXONOMY).create_fork()

    # when
    with pytest.raises(github.GithubException) as early:
        fork.get_git_ref("heads/main")
    time.sleep(0.6)
    ready = fork.get_git_ref("heads/main")

    # then
    assert early.value.status == 409 and early.value.data["message"] == "Git Repository is empty."
    assert ready.ref == "refs/heads/main"


def test_fault_scoped_to_user(gh: EmulatorHandle):
    # given
    gh.add_fault("error", status=500, user="forkbot", count=None)

    # when
    bot_status = raw(gh, "GET", f"/repos/{TAXONOMY}")[0]
    forkbot_status = raw(gh, "GET", f"/repos/{TAXONOMY}", token=gh.fork_bot_token)[0]

    # then
    assert bot_status == 200 and forkbot_status == 500
