"""Helpers for the tests of the loop after a pull request opens: revise, resubmit, look at git."""

from __future__ import annotations

import copy
import subprocess

from github import UnknownObjectException

from contributions.models import Contribution
from contributions.services.contributions import contribution_save_draft, contribution_submit
from contributions.services.reviews import review_approve
from contributions.services.validation import contribution_validate

TAXONOMY = "ceph/ceph-taxonomy"


def revise(entry: Contribution, *, answer: str = "", taxonomy_path: str = "") -> Contribution:
    """Change the first answer (and maybe the folder) in the draft, as the editor would."""
    entry.refresh_from_db()
    draft = copy.deepcopy(entry.draft)
    seed = draft["entry"]["seed_examples"][0]
    if "answer" in seed:
        seed["answer"] = answer or seed["answer"] + " Then run `ceph health detail` again."
    else:
        first = seed["questions_and_answers"][0]
        first["answer"] = answer or first["answer"] + " Revised."
    return contribution_save_draft(
        contribution_id=entry.pk,
        actor=entry.author,
        draft=draft,
        summary=entry.summary,
        taxonomy_path=taxonomy_path or entry.taxonomy_path,
    )


def resubmit(entry: Contribution, *, reviewer=None, **changes: str) -> Contribution:
    """Revise, submit, and (with a reviewer) approve the new revision."""
    revise(entry, **changes)
    contribution_submit(contribution_id=entry.pk, actor=entry.author)
    if reviewer is not None:
        assert contribution_validate(contribution_id=entry.pk)["can_submit"]
        review_approve(contribution_id=entry.pk, reviewer=reviewer)
    entry.refresh_from_db()
    return entry


def branch_commits(github, branch: str, base: str = "main") -> list[str]:
    """The commits on `branch` that are not on `base`, oldest first (read from the bare repo)."""
    out = subprocess.run(
        ["git", "rev-list", "--reverse", f"refs/heads/{base}..refs/heads/{branch}"],
        cwd=github.git_dir(TAXONOMY),
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()


def changed_files(github, sha: str) -> list[str]:
    """The paths one commit changes against its first parent."""
    out = subprocess.run(
        ["git", "diff-tree", "--no-commit-id", "--name-only", "-r", sha],
        cwd=github.git_dir(TAXONOMY),
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(out.stdout.split())


def show_file(github, sha: str, path: str) -> str:
    out = subprocess.run(
        ["git", "show", f"{sha}:{path}"],
        cwd=github.git_dir(TAXONOMY),
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def commit_upstream(github, path: str, content: str, message: str = "Upstream change") -> None:
    """A maintainer commits straight to the taxonomy's main branch (the base moves)."""
    repo = github.github(github.maintainer_token).get_repo(TAXONOMY)
    try:
        existing = repo.get_contents(path, ref="main")
    except UnknownObjectException:
        repo.create_file(path, message, content, branch="main")
    else:
        repo.update_file(path, message, content, existing.sha, branch="main")
