"""JSON for inline review comments (pull-request-review-comment), in the API and in webhooks."""

from __future__ import annotations

from typing import Any

from ghemu.render import Renderer, node_id
from ghemu.store import ReviewCommentRecord


def line_comment(render: Renderer, comment: ReviewCommentRecord) -> dict[str, Any]:
    repo = render.store.repos[comment.repo_id]
    api = render.repo_api(repo)
    pull_html = f"{render.web}/{repo.full_name}/pull/{comment.number}"
    html = f"{pull_html}#discussion_r{comment.id}"
    url = f"{api}/pulls/comments/{comment.id}"
    return {
        "url": url,
        "id": comment.id,
        "node_id": node_id("PullRequestReviewComment", comment.id),
        "pull_request_review_id": comment.review_id,
        "diff_hunk": "",
        "path": comment.path,
        "commit_id": comment.commit_id,
        "original_commit_id": comment.commit_id,
        "user": render.user(comment.user),
        "body": comment.body,
        "created_at": comment.created_at,
        "updated_at": comment.updated_at,
        "html_url": html,
        "pull_request_url": f"{api}/pulls/{comment.number}",
        "author_association": render.emu.author_association(comment.user, repo),
        "_links": {
            "self": {"href": url},
            "html": {"href": html},
            "pull_request": {"href": f"{api}/pulls/{comment.number}"},
        },
        "line": comment.line,
        "original_line": comment.line,
        "side": comment.side,
        "subject_type": "line",
    }
