"""Pull requests and the feedback on them (reviews and conversation comments)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..base import FeedbackPage, PullRequestInfo
from ..errors import PermanentForgeError
from ..feedback import feedback_item
from .errors import _AlreadyExists
from .transport import GitHubTransport, _repo_path, _when


class PullRequests(GitHubTransport):
    """Open, find and read pull requests; label them, request reviewers, read their feedback."""

    @staticmethod
    def _pull(repo: str, data: Mapping[str, Any], etag: str = "") -> PullRequestInfo:
        head = data.get("head") or {}
        # The name as GitHub spells it, whatever case the settings use.
        repo = str(((data.get("base") or {}).get("repo") or {}).get("full_name") or repo)
        head_repo = head.get("repo") or {}
        head_owner = (head_repo.get("owner") or {}).get("login") or str(
            head.get("label", ":")
        ).split(":")[0]
        merged_at = _when(data.get("merged_at"))
        return PullRequestInfo(
            repo=repo,
            number=int(data["number"]),
            url=str(data.get("html_url") or data.get("url") or ""),
            state="merged" if merged_at else str(data.get("state", "open")),
            head_owner=head_owner,
            head_ref=str(head.get("ref", "")),
            head_sha=str(head.get("sha", "")),
            merged_at=merged_at,
            etag=etag,
            labels=tuple(str(label.get("name", "")) for label in data.get("labels") or []),
            updated_at=_when(data.get("updated_at")),
            mergeable=data.get("mergeable") if isinstance(data.get("mergeable"), bool) else None,
            mergeable_state=str(data.get("mergeable_state") or ""),
            body=str(data.get("body") or ""),
        )

    def find_pull_requests(
        self, *, repo: str, head_owner: str, branch: str
    ) -> list[PullRequestInfo]:
        # Without the "owner:" prefix GitHub silently ignores `head` and lists every PR.
        _, _, data = self._send(
            "GET",
            _repo_path(repo, "pulls"),
            what="look for the pull request",
            params={"state": "all", "head": f"{head_owner}:{branch}", "per_page": 100},
        )
        pulls = [self._pull(repo, item) for item in data or []]
        # Belt and braces: keep only what really comes from that head.
        # Owners' names are case-insensitive on GitHub; branch names are not.
        pulls = [
            p
            for p in pulls
            if p.head_ref == branch and p.head_owner.casefold() == head_owner.casefold()
        ]
        return sorted(pulls, key=lambda p: p.number, reverse=True)

    def list_open_pull_requests(self, *, repo: str) -> list[PullRequestInfo]:
        # One page lists 100 pull requests: a reconcile costs a request per hundred, whatever
        # the token (ETags are tied to it, so conditional reads would not save much).
        _, _, items = self._pages(
            _repo_path(repo, "pulls"),
            what="list the open pull requests",
            params={"state": "open", "sort": "created", "direction": "asc"},
        )
        return [self._pull(repo, item) for item in items]

    def get_pull_request(self, *, repo: str, number: int, etag: str = "") -> PullRequestInfo | None:
        status, headers, data = self._send(
            "GET", _repo_path(repo, "pulls", str(number)), what="read the pull request", etag=etag
        )
        if status == 304:
            return None
        return self._pull(repo, data, headers.get("etag", ""))

    def open_pull_request(
        self, *, repo: str, head_owner: str, branch: str, base: str, title: str, body: str
    ) -> PullRequestInfo:
        try:
            _, _, data = self._send(
                "POST",
                _repo_path(repo, "pulls"),
                what="open the pull request",
                body={"title": title, "head": f"{head_owner}:{branch}", "base": base, "body": body},
                creates=True,
                exists_ok=True,
            )
        except _AlreadyExists:
            found = self.find_pull_requests(repo=repo, head_owner=head_owner, branch=branch)
            open_ones = [p for p in found if p.state == "open"]
            if not open_ones:
                raise PermanentForgeError(
                    f"GitHub says a pull request from {head_owner}:{branch} exists, "
                    "but none is open."
                ) from None
            return open_ones[0]
        return self._pull(repo, data)

    def update_pull_request(self, *, repo: str, number: int, body: str) -> None:
        self._send(
            "PATCH",
            _repo_path(repo, "pulls", str(number)),
            what="update the pull request's description",
            body={"body": body},
        )

    def add_labels(self, *, repo: str, number: int, labels: list[str]) -> None:
        if labels:
            self._send(
                "POST",
                _repo_path(repo, "issues", str(number), "labels"),
                what="label the pull request",
                body={"labels": list(labels)},
            )

    def request_reviewers(self, *, repo: str, number: int, logins: list[str]) -> None:
        if logins:
            self._send(
                "POST",
                _repo_path(repo, "pulls", str(number), "requested_reviewers"),
                what="request reviewers",
                body={"reviewers": list(logins)},
                creates=True,
            )

    def list_reviews(self, *, repo: str, number: int, etag: str = "") -> FeedbackPage:
        return self._feedback(
            _repo_path(repo, "pulls", str(number), "reviews"), kind="review", etag=etag
        )

    def list_comments(self, *, repo: str, number: int, etag: str = "") -> FeedbackPage:
        return self._feedback(
            _repo_path(repo, "issues", str(number), "comments"), kind="comment", etag=etag
        )

    def list_review_comments(self, *, repo: str, number: int, etag: str = "") -> FeedbackPage:
        return self._feedback(
            _repo_path(repo, "pulls", str(number), "comments"), kind="line", etag=etag
        )

    def _feedback(self, path: str, *, kind: str, etag: str) -> FeedbackPage:
        """Reviews, comments or inline comments of a pull request, read conditionally."""
        status, new_etag, items = self._pages(path, what=f"read {kind}s", etag=etag)
        if status == 304:
            return FeedbackPage(etag=etag, changed=False)
        return FeedbackPage(items=tuple(feedback_item(kind, item) for item in items), etag=new_etag)
