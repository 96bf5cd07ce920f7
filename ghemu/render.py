"""GitHub's JSON shapes (as in openapi-subset.json), with every URL built from the request's base.

PyGithub follows ``url`` fields and asserts they share its host, port and ``/api/v3`` prefix, so no
URL here is hard-coded: ``base`` is ``http://host:port/api/v3`` and ``web`` is ``http://host:port``.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
import zlib
from typing import TYPE_CHECKING, Any

from ghemu.gitstore import CommitObject, Identity, TreeEntry
from ghemu.store import (
    Account,
    CommentRecord,
    DeliveryRecord,
    HookRecord,
    LabelRecord,
    PullRecord,
    RepoRecord,
    ReviewRecord,
)

if TYPE_CHECKING:
    from ghemu.emulator import Emulator

UNSIGNED = {
    "verified": False,
    "reason": "unsigned",
    "signature": None,
    "payload": None,
    "verified_at": None,
}


def node_id(kind: str, ident: int | str) -> str:
    """A stable opaque node id in GitHub's legacy style (base64 of ``0<len>:<Type><id>``)."""
    return base64.b64encode(f"0{len(kind)}:{kind}{ident}".encode()).decode()


def b64_lines(data: bytes) -> str:
    """Base64 wrapped at 60 characters with a trailing newline, as GitHub sends file content."""
    encoded = base64.b64encode(data).decode()
    return "".join(encoded[i : i + 60] + "\n" for i in range(0, len(encoded), 60))


def quote_path(path: str) -> str:
    return urllib.parse.quote(path, safe="/")


class Renderer:
    """Builds response bodies for one request (one base URL)."""

    def __init__(self, emulator: Emulator, base: str, web: str) -> None:
        self.emu = emulator
        self.store = emulator.store
        self.base = base.rstrip("/")
        self.web = web.rstrip("/")
        self.host = urllib.parse.urlsplit(self.web).netloc

    # -- accounts -------------------------------------------------------------------------------

    def user(self, login: str | None) -> dict[str, Any] | None:
        """simple-user for a login (None stays None; unknown logins get a placeholder account)."""
        if login is None:
            return None
        account = self.store.account(login) or Account(login=login, id=0)
        api = f"{self.base}/users/{urllib.parse.quote(account.login)}"
        return {
            "login": account.login,
            "id": account.id,
            "node_id": node_id(account.type, account.id),
            "avatar_url": f"{self.web}/avatars/u/{account.id}?v=4",
            "gravatar_id": "",
            "url": api,
            "html_url": f"{self.web}/{account.login}",
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": account.type,
            "user_view_type": "public",
            "site_admin": account.site_admin,
        }

    def user_detail(self, account: Account, private: bool) -> dict[str, Any]:
        """public-user, or private-user for ``GET /user``."""
        body = self.user(account.login) or {}
        owned = [r for r in self.store.repos.values() if r.owner.lower() == account.login.lower()]
        body.update(
            {
                "user_view_type": "private" if private else "public",
                "name": account.name,
                "company": None,
                "blog": "",
                "location": None,
                "email": account.email,
                "hireable": None,
                "bio": None,
                "twitter_username": None,
                "public_repos": sum(1 for r in owned if not r.private),
                "public_gists": 0,
                "followers": 0,
                "following": 0,
                "created_at": account.created_at,
                "updated_at": account.created_at,
            }
        )
        if private:
            body.update(
                {
                    "private_gists": 0,
                    "total_private_repos": sum(1 for r in owned if r.private),
                    "owned_private_repos": sum(1 for r in owned if r.private),
                    "disk_usage": 0,
                    "collaborators": 0,
                    "two_factor_authentication": False,
                    "plan": {
                        "name": "free",
                        "space": 976562499,
                        "collaborators": 0,
                        "private_repos": 10000,
                    },
                }
            )
        return body

    def organization(self, account: Account) -> dict[str, Any]:
        """organization-full, plus the account fields GitHub also sends for organisations."""
        return {
            **(self.user(account.login) or {}),
            **self.organization_simple(account),
            "name": account.name,
            "company": None,
            "blog": "",
            "location": None,
            "email": None,
            "is_verified": False,
            "has_organization_projects": False,
            "has_repository_projects": False,
            "public_repos": sum(1 for r in self.store.repos.values() if r.owner == account.login),
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "html_url": f"{self.web}/{account.login}",
            "created_at": account.created_at,
            "updated_at": account.created_at,
            "type": "Organization",
        }

    def organization_simple(self, account: Account) -> dict[str, Any]:
        """organization-simple, as webhook payloads carry it."""
        api = f"{self.base}/orgs/{account.login}"
        return {
            "login": account.login,
            "id": account.id,
            "node_id": node_id("Organization", account.id),
            "url": api,
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events",
            "hooks_url": f"{api}/hooks",
            "issues_url": f"{api}/issues",
            "members_url": f"{api}/members{{/member}}",
            "public_members_url": f"{api}/public_members{{/member}}",
            "avatar_url": f"{self.web}/avatars/u/{account.id}?v=4",
            "description": None,
        }

    def team(self, org: str, slug: str) -> dict[str, Any]:
        """A team of an organisation (teams exist only as review-request targets here)."""
        team_id = zlib.crc32(f"{org.lower()}/{slug}".encode()) % 10_000_000
        api = f"{self.base}/orgs/{org}/teams/{slug}"
        return {
            "id": team_id,
            "node_id": node_id("Team", team_id),
            "url": api,
            "html_url": f"{self.web}/orgs/{org}/teams/{slug}",
            "name": slug,
            "slug": slug,
            "description": None,
            "privacy": "closed",
            "notification_setting": "notifications_enabled",
            "permission": "pull",
            "members_url": f"{api}/members{{/member}}",
            "repositories_url": f"{api}/repos",
            "parent": None,
            "type": "team",
        }

    # -- repositories ---------------------------------------------------------------------------

    def repo_api(self, repo: RepoRecord) -> str:
        return f"{self.base}/repos/{repo.full_name}"

    def repo(
        self, repo: RepoRecord, *, full: bool = False, viewer: str | None = None
    ) -> dict[str, Any]:
        """``repository`` (nested in pulls) or ``full-repository`` (GET repo, forks)."""
        api = self.repo_api(repo)
        html = f"{self.web}/{repo.full_name}"
        forks = sum(1 for r in self.store.repos.values() if r.parent == repo.full_name)
        open_issues = sum(1 for p in self.store.pulls_of(repo.id) if p.state == "open")
        body: dict[str, Any] = {
            "id": repo.id,
            "node_id": node_id("Repository", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "private": repo.private,
            "owner": self.user(repo.owner),
            "html_url": html,
            "description": repo.description or None,
            "fork": repo.fork,
            "url": api,
            "forks_url": f"{api}/forks",
            "keys_url": f"{api}/keys{{/key_id}}",
            "collaborators_url": f"{api}/collaborators{{/collaborator}}",
            "teams_url": f"{api}/teams",
            "hooks_url": f"{api}/hooks",
            "issue_events_url": f"{api}/issues/events{{/number}}",
            "events_url": f"{api}/events",
            "assignees_url": f"{api}/assignees{{/user}}",
            "branches_url": f"{api}/branches{{/branch}}",
            "tags_url": f"{api}/tags",
            "blobs_url": f"{api}/git/blobs{{/sha}}",
            "git_tags_url": f"{api}/git/tags{{/sha}}",
            "git_refs_url": f"{api}/git/refs{{/sha}}",
            "trees_url": f"{api}/git/trees{{/sha}}",
            "statuses_url": f"{api}/statuses/{{sha}}",
            "languages_url": f"{api}/languages",
            "stargazers_url": f"{api}/stargazers",
            "contributors_url": f"{api}/contributors",
            "subscribers_url": f"{api}/subscribers",
            "subscription_url": f"{api}/subscription",
            "commits_url": f"{api}/commits{{/sha}}",
            "git_commits_url": f"{api}/git/commits{{/sha}}",
            "comments_url": f"{api}/comments{{/number}}",
            "issue_comment_url": f"{api}/issues/comments{{/number}}",
            "contents_url": f"{api}/contents/{{+path}}",
            "compare_url": f"{api}/compare/{{base}}...{{head}}",
            "merges_url": f"{api}/merges",
            "archive_url": f"{api}/{{archive_format}}{{/ref}}",
            "downloads_url": f"{api}/downloads",
            "issues_url": f"{api}/issues{{/number}}",
            "pulls_url": f"{api}/pulls{{/number}}",
            "milestones_url": f"{api}/milestones{{/number}}",
            "notifications_url": f"{api}/notifications{{?since,all,participating}}",
            "labels_url": f"{api}/labels{{/name}}",
            "releases_url": f"{api}/releases{{/id}}",
            "deployments_url": f"{api}/deployments",
            "created_at": repo.created_at,
            "updated_at": repo.updated_at,
            "pushed_at": repo.pushed_at,
            "git_url": f"git://{self.host}/{repo.full_name}.git",
            "ssh_url": f"git@{self.host.split(':')[0]}:{repo.full_name}.git",
            "clone_url": f"{html}.git",
            "svn_url": html,
            "homepage": None,
            "size": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": None,
            "has_issues": True,
            "has_projects": False,
            "has_downloads": True,
            "has_wiki": False,
            "has_pages": False,
            "has_discussions": False,
            "forks_count": forks,
            "mirror_url": None,
            "archived": False,
            "disabled": False,
            "open_issues_count": open_issues,
            "license": None,
            "allow_forking": True,
            "is_template": False,
            "web_commit_signoff_required": False,
            "topics": [],
            "visibility": "private" if repo.private else "public",
            "forks": forks,
            "open_issues": open_issues,
            "watchers": 0,
            "default_branch": repo.default_branch,
        }
        if viewer is not None:
            body["permissions"] = self.emu.permission_flags(viewer, repo)
        if not full:
            return body
        body.update(
            {
                "temp_clone_token": None,
                "allow_squash_merge": True,
                "allow_merge_commit": True,
                "allow_rebase_merge": True,
                "allow_auto_merge": False,
                "delete_branch_on_merge": False,
                "allow_update_branch": False,
                "use_squash_pr_title_as_default": False,
                "squash_merge_commit_title": "COMMIT_OR_PR_TITLE",
                "squash_merge_commit_message": "COMMIT_MESSAGES",
                "merge_commit_title": "MERGE_MESSAGE",
                "merge_commit_message": "PR_TITLE",
                "network_count": sum(
                    1
                    for r in self.store.repos.values()
                    if (r.source or r.full_name) == (repo.source or repo.full_name)
                ),
                "subscribers_count": 0,
            }
        )
        owner = self.store.account(repo.owner)
        if owner is not None and owner.type == "Organization":
            body["organization"] = self.user(owner.login)
        for key, name in (("parent", repo.parent), ("source", repo.source)):
            related = self.emu.find_repo(name) if name else None
            if related is not None:
                body[key] = self.repo(related, full=False)
        return body

    # -- git data -------------------------------------------------------------------------------

    def ref(self, repo: RepoRecord, ref: str, sha: str, otype: str) -> dict[str, Any]:
        api = self.repo_api(repo)
        return {
            "ref": ref,
            "node_id": node_id("Ref", f"{repo.id}:{ref}"),
            "url": f"{api}/git/{quote_path(ref)}",
            "object": {"sha": sha, "type": otype, "url": f"{api}/git/{otype}s/{sha}"},
        }

    @staticmethod
    def identity(ident: Identity) -> dict[str, Any]:
        return {"name": ident.name, "email": ident.email, "date": ident.iso()}

    def git_commit(self, repo: RepoRecord, commit: CommitObject) -> dict[str, Any]:
        api = self.repo_api(repo)
        return {
            "sha": commit.sha,
            "node_id": node_id("Commit", commit.sha),
            "url": f"{api}/git/commits/{commit.sha}",
            "html_url": f"{self.web}/{repo.full_name}/commit/{commit.sha}",
            "author": self.identity(commit.author),
            "committer": self.identity(commit.committer),
            "tree": {"sha": commit.tree, "url": f"{api}/git/trees/{commit.tree}"},
            "message": commit.message,
            "parents": [
                {
                    "sha": p,
                    "url": f"{api}/git/commits/{p}",
                    "html_url": f"{self.web}/{repo.full_name}/commit/{p}",
                }
                for p in commit.parents
            ],
            "verification": dict(UNSIGNED),
        }

    def commit(
        self, repo: RepoRecord, commit: CommitObject, files: list[Any] | None = None
    ) -> dict[str, Any]:
        """The ``commit`` schema (repos/commits, branches, PR commits)."""
        api = self.repo_api(repo)
        body: dict[str, Any] = {
            "url": f"{api}/commits/{commit.sha}",
            "sha": commit.sha,
            "node_id": node_id("Commit", commit.sha),
            "html_url": f"{self.web}/{repo.full_name}/commit/{commit.sha}",
            "comments_url": f"{api}/commits/{commit.sha}/comments",
            "commit": {
                "url": f"{api}/git/commits/{commit.sha}",
                "author": self.identity(commit.author),
                "committer": self.identity(commit.committer),
                "message": commit.message,
                "comment_count": 0,
                "tree": {"sha": commit.tree, "url": f"{api}/git/trees/{commit.tree}"},
                "verification": dict(UNSIGNED),
            },
            "author": self.user(self.emu.login_for_email(commit.author.email)),
            "committer": self.user(self.emu.login_for_email(commit.committer.email)),
            "parents": [
                {
                    "sha": p,
                    "url": f"{api}/commits/{p}",
                    "html_url": f"{self.web}/{repo.full_name}/commit/{p}",
                }
                for p in commit.parents
            ],
        }
        if files is not None:
            body["files"] = [self.diff_entry(repo, commit.sha, f) for f in files]
            additions = sum(f.additions for f in files)
            deletions = sum(f.deletions for f in files)
            body["stats"] = {
                "additions": additions,
                "deletions": deletions,
                "total": additions + deletions,
            }
        return body

    def diff_entry(self, repo: RepoRecord, ref: str, diff: Any) -> dict[str, Any]:
        api = self.repo_api(repo)
        git = self.emu.git(repo)
        entry = git.entry_at(ref, diff.path) if diff.status != "removed" else None
        return {
            "sha": entry.sha if entry else "0" * 40,
            "filename": diff.path,
            "status": diff.status,
            "additions": diff.additions,
            "deletions": diff.deletions,
            "changes": diff.additions + diff.deletions,
            "blob_url": f"{self.web}/{repo.full_name}/blob/{ref}/{quote_path(diff.path)}",
            "raw_url": f"{self.web}/{repo.full_name}/raw/{ref}/{quote_path(diff.path)}",
            "contents_url": f"{api}/contents/{quote_path(diff.path)}?ref={ref}",
        }

    def tree(self, repo: RepoRecord, sha: str, entries: list[TreeEntry]) -> dict[str, Any]:
        api = self.repo_api(repo)
        rows = []
        for e in entries:
            row: dict[str, Any] = {"path": e.path, "mode": e.mode, "type": e.type, "sha": e.sha}
            if e.type == "blob":
                row["size"] = e.size
                row["url"] = f"{api}/git/blobs/{e.sha}"
            elif e.type == "tree":
                row["url"] = f"{api}/git/trees/{e.sha}"
            rows.append(row)
        return {"sha": sha, "url": f"{api}/git/trees/{sha}", "tree": rows, "truncated": False}

    def blob(self, repo: RepoRecord, sha: str, data: bytes) -> dict[str, Any]:
        return {
            "sha": sha,
            "node_id": node_id("Blob", sha),
            "size": len(data),
            "url": f"{self.repo_api(repo)}/git/blobs/{sha}",
            "content": b64_lines(data),
            "encoding": "base64",
        }

    def content_entry(
        self, repo: RepoRecord, ref: str, entry: TreeEntry, data: bytes | None = None
    ) -> dict[str, Any]:
        """A contents-API item; with ``data`` it is a full content-file."""
        api = self.repo_api(repo)
        kinds = {"blob": "file", "tree": "dir", "commit": "submodule"}
        kind = "symlink" if entry.mode == "120000" else kinds.get(entry.type, "file")
        path = quote_path(entry.path)
        self_url = f"{api}/contents/{path}?ref={urllib.parse.quote(ref, safe='')}"
        git_url = f"{api}/git/{'trees' if kind == 'dir' else 'blobs'}/{entry.sha}"
        html_url = f"{self.web}/{repo.full_name}/{'tree' if kind == 'dir' else 'blob'}/{ref}/{path}"
        body: dict[str, Any] = {
            "type": kind,
            "size": entry.size or 0,
            "name": entry.path.rsplit("/", 1)[-1],
            "path": entry.path,
            "sha": entry.sha,
            "url": self_url,
            "git_url": git_url,
            "html_url": html_url,
            "download_url": f"{self.web}/{repo.full_name}/raw/{ref}/{path}"
            if kind == "file"
            else None,
            "_links": {"self": self_url, "git": git_url, "html": html_url},
        }
        if data is not None:
            body["content"] = b64_lines(data)
            body["encoding"] = "base64"
        return body

    def branch(self, repo: RepoRecord, name: str, commit: CommitObject) -> dict[str, Any]:
        api = self.repo_api(repo)
        quoted = urllib.parse.quote(name, safe="")
        return {
            "name": name,
            "commit": self.commit(repo, commit),
            "_links": {
                "self": f"{api}/branches/{quoted}",
                "html": f"{self.web}/{repo.full_name}/tree/{name}",
            },
            "protected": False,
            "protection": {
                "enabled": False,
                "required_status_checks": {
                    "enforcement_level": "off",
                    "contexts": [],
                    "checks": [],
                },
            },
            "protection_url": f"{api}/branches/{quoted}/protection",
        }

    # -- issues and pulls -----------------------------------------------------------------------

    def label(self, label: LabelRecord) -> dict[str, Any]:
        repo = self.store.repos[label.repo_id]
        return {
            "id": label.id,
            "node_id": node_id("Label", label.id),
            "url": f"{self.repo_api(repo)}/labels/{urllib.parse.quote(label.name, safe='')}",
            "name": label.name,
            "color": label.color,
            "default": label.default,
            "description": label.description,
        }

    def labels_of(self, pull: PullRecord, *, embedded: bool = False) -> list[dict[str, Any]]:
        found = (self.store.label(pull.repo_id, name) for name in pull.labels)
        labels = [self.label(label) for label in found if label is not None]
        if embedded:
            # pull-request-simple declares a non-null label description.
            for label in labels:
                label["description"] = label["description"] or ""
        return labels

    def comment(self, comment: CommentRecord) -> dict[str, Any]:
        repo = self.store.repos[comment.repo_id]
        api = self.repo_api(repo)
        html = f"{self.web}/{repo.full_name}/pull/{comment.number}"
        return {
            "id": comment.id,
            "node_id": node_id("IssueComment", comment.id),
            "url": f"{api}/issues/comments/{comment.id}",
            "html_url": f"{html}#issuecomment-{comment.id}",
            "body": comment.body,
            "user": self.user(comment.user),
            "created_at": comment.created_at,
            "updated_at": comment.updated_at,
            "issue_url": f"{api}/issues/{comment.number}",
            "author_association": self.emu.author_association(comment.user, repo),
            "performed_via_github_app": None,
        }

    def review(self, review: ReviewRecord, *, webhook: bool = False) -> dict[str, Any]:
        repo = self.store.repos[review.repo_id]
        pull_url = f"{self.repo_api(repo)}/pulls/{review.number}"
        html = f"{self.web}/{repo.full_name}/pull/{review.number}#pullrequestreview-{review.id}"
        return {
            "id": review.id,
            "node_id": node_id("PullRequestReview", review.id),
            "user": self.user(review.user),
            "body": review.body,
            # Webhooks spell states in lower case ("changes_requested"), the REST API in upper.
            "state": review.state.lower() if webhook else review.state,
            "html_url": html,
            "pull_request_url": pull_url,
            "author_association": self.emu.author_association(review.user, repo),
            "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}},
            "submitted_at": review.submitted_at,
            "commit_id": review.commit_id,
        }

    def pull_part(self, repo: RepoRecord, ref: str, sha: str) -> dict[str, Any]:
        return {
            "label": f"{repo.owner}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.user(repo.owner),
            "repo": self.repo(repo),
        }

    def pull(self, pull: PullRecord, *, full: bool = True) -> dict[str, Any]:
        """pull-request (``full``) or pull-request-simple (list items)."""
        repo = self.store.repos[pull.repo_id]
        head_repo = self.store.repos[pull.head_repo_id]
        api = self.repo_api(repo)
        url = f"{api}/pulls/{pull.number}"
        html = f"{self.web}/{repo.full_name}/pull/{pull.number}"
        base_sha = self.emu.current_base_sha(pull)
        body: dict[str, Any] = {
            "url": url,
            "id": pull.id,
            "node_id": node_id("PullRequest", pull.id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": f"{api}/issues/{pull.number}",
            "number": pull.number,
            "state": pull.state,
            "locked": pull.locked,
            "title": pull.title,
            "user": self.user(pull.user),
            "body": pull.body,
            "created_at": pull.created_at,
            "updated_at": pull.updated_at,
            "closed_at": pull.closed_at,
            "merged_at": pull.merged_at,
            "merge_commit_sha": pull.merge_commit_sha,
            "assignee": self.user(pull.assignees[0]) if pull.assignees else None,
            "assignees": [self.user(a) for a in pull.assignees],
            "requested_reviewers": [self.user(r) for r in pull.requested_reviewers],
            "requested_teams": [self.team(repo.owner, slug) for slug in pull.requested_teams],
            "labels": self.labels_of(pull, embedded=True),
            "milestone": None,
            "draft": pull.draft,
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{api}/pulls/comments{{/number}}",
            "comments_url": f"{api}/issues/{pull.number}/comments",
            "statuses_url": f"{api}/statuses/{pull.head_sha}",
            "head": self.pull_part(head_repo, pull.head_ref, pull.head_sha),
            "base": self.pull_part(repo, pull.base_ref, base_sha),
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "issue": {"href": f"{api}/issues/{pull.number}"},
                "comments": {"href": f"{api}/issues/{pull.number}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": f"{api}/statuses/{pull.head_sha}"},
            },
            "author_association": self.emu.author_association(pull.user, repo),
            "auto_merge": None,
            "active_lock_reason": None,
        }
        if not full:
            return body
        stats = self.emu.pull_stats(pull)
        body.update(
            {
                "merged": pull.merged_at is not None,
                "mergeable": stats["mergeable"],
                "rebaseable": stats["mergeable"],
                "mergeable_state": stats["mergeable_state"],
                "merged_by": self.user(pull.merged_by),
                "comments": pull.comments,
                "review_comments": 0,
                "maintainer_can_modify": pull.maintainer_can_modify,
                "commits": stats["commits"],
                "additions": stats["additions"],
                "deletions": stats["deletions"],
                "changed_files": stats["changed_files"],
            }
        )
        return body

    def issue(self, pull: PullRecord) -> dict[str, Any]:
        """A pull request seen through the issues API."""
        repo = self.store.repos[pull.repo_id]
        api = self.repo_api(repo)
        url = f"{api}/issues/{pull.number}"
        return {
            "id": pull.id,
            "node_id": node_id("Issue", pull.id),
            "url": url,
            "repository_url": api,
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "html_url": f"{self.web}/{repo.full_name}/pull/{pull.number}",
            "number": pull.number,
            "state": pull.state,
            "state_reason": None,
            "title": pull.title,
            "body": pull.body,
            "user": self.user(pull.user),
            "labels": self.labels_of(pull),
            "assignee": self.user(pull.assignees[0]) if pull.assignees else None,
            "assignees": [self.user(a) for a in pull.assignees],
            "milestone": None,
            "locked": pull.locked,
            "active_lock_reason": None,
            "comments": pull.comments,
            "pull_request": {
                "url": f"{api}/pulls/{pull.number}",
                "html_url": f"{self.web}/{repo.full_name}/pull/{pull.number}",
                "diff_url": f"{self.web}/{repo.full_name}/pull/{pull.number}.diff",
                "patch_url": f"{self.web}/{repo.full_name}/pull/{pull.number}.patch",
                "merged_at": pull.merged_at,
            },
            "closed_at": pull.closed_at,
            "created_at": pull.created_at,
            "updated_at": pull.updated_at,
            "closed_by": self.user(pull.merged_by) if pull.state == "closed" else None,
            "author_association": self.emu.author_association(pull.user, repo),
        }

    # -- hooks ----------------------------------------------------------------------------------

    def hook(self, hook: HookRecord) -> dict[str, Any]:
        repo = self.store.repos[hook.repo_id]
        api = f"{self.repo_api(repo)}/hooks/{hook.id}"
        config: dict[str, Any] = {
            "content_type": hook.content_type,
            "insecure_ssl": hook.insecure_ssl,
            "url": hook.url,
        }
        if hook.secret:
            config["secret"] = "********"
        return {
            "type": "Repository",
            "id": hook.id,
            "name": hook.name,
            "active": hook.active,
            "events": list(hook.events),
            "config": config,
            "updated_at": hook.updated_at,
            "created_at": hook.created_at,
            "url": api,
            "test_url": f"{api}/test",
            "ping_url": f"{api}/pings",
            "deliveries_url": f"{api}/deliveries",
            "last_response": dict(hook.last_response),
        }

    def delivery(self, delivery: DeliveryRecord, *, full: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": delivery.id,
            "guid": delivery.guid,
            "delivered_at": delivery.delivered_at,
            "redelivery": delivery.redelivery,
            "duration": delivery.duration,
            "status": delivery.status,
            "status_code": delivery.status_code,
            "event": delivery.event,
            "action": delivery.action,
            "installation_id": None,
            "repository_id": delivery.repo_id,
            "throttled_at": None,
        }
        if full:
            body["url"] = delivery.url
            body["request"] = {
                "headers": dict(delivery.request_headers),
                "payload": json.loads(delivery.payload),
            }
            body["response"] = {
                "headers": dict(delivery.response_headers),
                "payload": delivery.response_body,
            }
        return body
