"""The REST routes served under ``/api/v3`` (templates double as counter keys)."""

from __future__ import annotations

from ghemu.api import git, hooks, issues, line_comments, meta, pulls, repos
from ghemu.routing import Router

R = "/repos/{owner}/{repo}"


def build_router() -> Router:
    router = Router()
    add = router.add
    add("GET", "/user", meta.get_authenticated_user)
    add("GET", "/users/{login}", meta.get_user)
    add("GET", "/orgs/{org}", meta.get_org)
    add("GET", "/rate_limit", meta.get_rate_limit)
    add(
        "POST",
        "/app/installations/{installation_id:int}/access_tokens",
        meta.create_installation_token,
    )
    add("GET", f"{R}/installation", meta.get_repo_installation)

    add("GET", R, repos.get_repo)
    add("GET", f"{R}/branches", repos.list_branches)
    add("GET", f"{R}/branches/{{branch:path}}", repos.get_branch)
    add("GET", f"{R}/commits", repos.list_commits)
    add("GET", f"{R}/commits/{{ref:path}}", repos.get_repo_commit)
    add("GET", f"{R}/readme", repos.get_readme)
    add("GET", f"{R}/contents/{{path:any}}", repos.get_contents)
    add("GET", f"{R}/contents", repos.get_contents)
    add("PUT", f"{R}/contents/{{path:any}}", repos.put_contents)
    add("DELETE", f"{R}/contents/{{path:any}}", repos.delete_contents)
    add("POST", f"{R}/forks", repos.create_fork)
    add("GET", f"{R}/forks", repos.list_forks)
    add("POST", f"{R}/merge-upstream", repos.merge_upstream)

    add("GET", f"{R}/git/refs", git.list_refs)
    add("GET", f"{R}/git/refs/{{ref:path}}", git.get_refs_legacy)
    add("GET", f"{R}/git/ref/{{ref:path}}", git.get_ref)
    add("GET", f"{R}/git/matching-refs/{{ref:any}}", git.matching_refs)
    add("POST", f"{R}/git/refs", git.create_ref)
    # PyGithub PATCHes/DELETEs the URL it fetched a ref from, which may be git/ref/... (singular).
    for prefix in ("refs", "ref"):
        add("PATCH", f"{R}/git/{prefix}/{{ref:path}}", git.update_ref)
        add("DELETE", f"{R}/git/{prefix}/{{ref:path}}", git.delete_ref)
    add("POST", f"{R}/git/blobs", git.create_blob)
    add("GET", f"{R}/git/blobs/{{sha}}", git.get_blob)
    add("POST", f"{R}/git/trees", git.create_tree)
    add("GET", f"{R}/git/trees/{{sha:path}}", git.get_tree)
    add("POST", f"{R}/git/commits", git.create_commit)
    add("GET", f"{R}/git/commits/{{sha}}", git.get_commit)

    add("GET", f"{R}/pulls", pulls.list_pulls)
    add("POST", f"{R}/pulls", pulls.create_pull)
    add("GET", f"{R}/pulls/{{number:int}}", pulls.get_pull)
    add("PATCH", f"{R}/pulls/{{number:int}}", pulls.update_pull)
    add("GET", f"{R}/pulls/{{number:int}}/merge", pulls.check_merged)
    add("PUT", f"{R}/pulls/{{number:int}}/merge", pulls.merge_pull)
    add("GET", f"{R}/pulls/{{number:int}}/commits", pulls.list_pull_commits)
    add("GET", f"{R}/pulls/{{number:int}}/files", pulls.list_pull_files)
    add("GET", f"{R}/pulls/{{number:int}}/requested_reviewers", pulls.get_review_requests)
    add("POST", f"{R}/pulls/{{number:int}}/requested_reviewers", pulls.request_reviewers)
    add("DELETE", f"{R}/pulls/{{number:int}}/requested_reviewers", pulls.remove_review_requests)
    add("GET", f"{R}/pulls/{{number:int}}/reviews", pulls.list_reviews)
    add("POST", f"{R}/pulls/{{number:int}}/reviews", pulls.create_review)
    add("GET", f"{R}/pulls/{{number:int}}/reviews/{{review_id:int}}", pulls.get_review)
    add("PUT", f"{R}/pulls/{{number:int}}/reviews/{{review_id:int}}", line_comments.update_review)
    add(
        "PUT",
        f"{R}/pulls/{{number:int}}/reviews/{{review_id:int}}/dismissals",
        line_comments.dismiss_review,
    )
    add("GET", f"{R}/pulls/{{number:int}}/comments", line_comments.list_line_comments)
    add("POST", f"{R}/pulls/{{number:int}}/comments", line_comments.create_line_comment)
    add("GET", f"{R}/pulls/comments/{{comment_id:int}}", line_comments.get_line_comment)
    add("PATCH", f"{R}/pulls/comments/{{comment_id:int}}", line_comments.edit_line_comment)
    add("DELETE", f"{R}/pulls/comments/{{comment_id:int}}", line_comments.delete_line_comment)

    add("GET", f"{R}/issues/{{number:int}}", issues.get_issue)
    add("GET", f"{R}/issues/{{number:int}}/labels", issues.list_issue_labels)
    add("POST", f"{R}/issues/{{number:int}}/labels", issues.add_issue_labels)
    add("PUT", f"{R}/issues/{{number:int}}/labels", issues.set_issue_labels)
    add("DELETE", f"{R}/issues/{{number:int}}/labels", issues.remove_all_issue_labels)
    add("DELETE", f"{R}/issues/{{number:int}}/labels/{{name:path}}", issues.remove_issue_label)
    add("GET", f"{R}/issues/{{number:int}}/comments", issues.list_comments)
    add("POST", f"{R}/issues/{{number:int}}/comments", issues.create_comment)
    add("GET", f"{R}/labels", issues.list_labels)
    add("POST", f"{R}/labels", issues.create_label)
    add("GET", f"{R}/labels/{{name:path}}", issues.get_label)
    add("PATCH", f"{R}/labels/{{name:path}}", issues.update_label)
    add("DELETE", f"{R}/labels/{{name:path}}", issues.delete_label)

    add("GET", f"{R}/hooks", hooks.list_hooks)
    add("POST", f"{R}/hooks", hooks.create_hook)
    add("GET", f"{R}/hooks/{{hook_id:int}}", hooks.get_hook)
    add("PATCH", f"{R}/hooks/{{hook_id:int}}", hooks.update_hook)
    add("DELETE", f"{R}/hooks/{{hook_id:int}}", hooks.delete_hook)
    add("POST", f"{R}/hooks/{{hook_id:int}}/pings", hooks.ping_hook)
    add("GET", f"{R}/hooks/{{hook_id:int}}/deliveries", hooks.list_deliveries)
    add("GET", f"{R}/hooks/{{hook_id:int}}/deliveries/{{delivery_id:int}}", hooks.get_delivery)
    add(
        "POST",
        f"{R}/hooks/{{hook_id:int}}/deliveries/{{delivery_id:int}}/attempts",
        hooks.redeliver,
    )
    return router
