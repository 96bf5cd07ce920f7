"""The emulator's HTML pages: links handed out by the API (html_url) lead somewhere real."""

from __future__ import annotations

import urllib.request

from ghemu.testing import running_emulator


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_pull_request_html_url_shows_the_pull_request_and_its_changes(tmp_path):
    with running_emulator(tmp_path) as gh:
        # given a pull request opened through the API
        client = gh.github(gh.bot_token)
        repo = client.get_repo("ceph/ceph-taxonomy")
        base = repo.get_branch("main").commit.sha
        repo.create_git_ref("refs/heads/web-page", base)
        repo.create_file("docs/web-page.md", "add a page", "hello <world>\n", branch="web-page")
        pull = repo.create_pull(
            title="Add <a> page", body="Why: tests", head="web-page", base="main"
        )
        # when its html_url is opened like a browser would
        status, html = _get(pull.html_url)
        repo_status, repo_html = _get(pull.html_url.rsplit("/pull/", 1)[0])
        # then the page names the pull request, escapes its text and shows the diff
        assert status == 200
        assert "Add &lt;a&gt; page" in html
        assert "+hello &lt;world&gt;" in html
        assert "Open" in html
        assert repo_status == 200 and f"/pull/{pull.number}" in repo_html
        # and unknown pages are still 404
        assert _get(pull.html_url + "9999")[0] == 404
