"""The sample content is a valid InstructLab taxonomy; the git layer edits trees correctly."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import yaml
from instructlab.schema.taxonomy import TaxonomyParser

from ghemu.gitstore import GitRepository, Identity, TreeChange
from ghemu.seed import SEED_AUTHOR, sample_files
from ghemu.testing import EmulatorHandle

from .conftest import DOCS, TAXONOMY


def checkout(gh: EmulatorHandle, full_name: str, target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(gh.git_dir(full_name)), str(target)], check=True)
    return target


def test_sample_taxonomy_is_valid_version_3(gh: EmulatorHandle, tmp_path: Path, monkeypatch):
    # given
    tree = checkout(gh, TAXONOMY, tmp_path / "taxonomy")
    qna_files = sorted(tree.rglob("qna.yaml"))
    # yamllint runs as a command; make the virtualenv's copy findable.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")

    # when
    results = [
        TaxonomyParser(schema_version=0, yamllint_strict=True).parse(path) for path in qna_files
    ]

    # then
    assert len(qna_files) == 3
    assert [(r.errors, r.warnings) for r in results] == [(0, 0)] * 3
    assert all((path.parent / "attribution.txt").is_file() for path in qna_files)
    assert {r.path.parts[0] for r in results} == {"compositional_skills", "knowledge"}
    assert (tree / "README.md").is_file()


def test_knowledge_entry_points_at_the_docs_commit(gh: EmulatorHandle, tmp_path: Path):
    # given
    docs = checkout(gh, DOCS, tmp_path / "docs")
    text = gh.read_file(TAXONOMY, "knowledge/technology/ceph/rados/placement_groups/qna.yaml")

    # when
    document = yaml.safe_load(text)["document"]

    # then
    assert document["commit"] == gh.log(DOCS)["commits"][0]["sha"]
    assert document["repo"] == f"https://github.com/{DOCS}"  # like the portal's own entries
    assert all((docs / pattern).is_file() for pattern in document["patterns"])


def test_docs_commit_is_reproducible(gh: EmulatorHandle):
    # when
    [commit] = gh.log(DOCS)["commits"]

    # then: fixed author and date make the seed commit id machine-independent
    assert commit["author"] == {
        "name": SEED_AUTHOR.name,
        "email": SEED_AUTHOR.email,
        "date": "2024-01-15T12:00:00Z",
    }
    assert set(sample_files("docs")) == {
        "README.md",
        "rados/placement-groups.md",
        "rbd/snapshots.md",
    }


def test_build_tree_adds_replaces_and_deletes_nested_paths(tmp_path: Path):
    # given
    git = GitRepository.init_bare(tmp_path / "r.git", "main")
    blob = git.write_blob(b"a\n")
    base = git.build_tree(
        None,
        [
            TreeChange("x/y/a.txt", sha=blob),
            TreeChange("x/b.txt", sha=blob),
            TreeChange("c.txt", sha=blob),
        ],
    )

    # when
    other = git.write_blob(b"b\n")
    changed = git.build_tree(
        base,
        [
            TreeChange("x/y/a.txt", sha=None),
            TreeChange("x/b.txt", sha=other),
            TreeChange("new/dir/n.txt", sha=blob),
        ],
    )

    # then
    paths = {e.path: e.sha for e in git.read_tree(changed, recursive=True) if e.type == "blob"}
    assert paths == {"x/b.txt": other, "c.txt": blob, "new/dir/n.txt": blob}
    assert "x/y" not in {
        e.path for e in git.read_tree(changed, recursive=True)
    }  # emptied directory is gone


def test_merge_trees_reports_conflicts(tmp_path: Path):
    # given
    git = GitRepository.init_bare(tmp_path / "r.git", "main")
    who = Identity("T", "t@example.org", 1700000000)

    def commit(content: bytes, parents: list[str]) -> str:
        tree = git.build_tree(None, [TreeChange("f.txt", sha=git.write_blob(content))])
        return git.write_commit(tree, parents, "c", who, who)

    root = commit(b"one\n", [])
    ours, theirs = commit(b"two\n", [root]), commit(b"three\n", [root])

    # when
    conflict = git.merge_trees(ours, theirs)
    clean = git.merge_trees(root, ours)

    # then
    assert conflict is None
    assert clean == git.read_commit(ours).tree


def test_clone_over_http_and_raw_files(gh: EmulatorHandle, tmp_path: Path):
    # given
    clone_url = f"{gh.root_url}/{DOCS}.git"

    # when
    subprocess.run(
        ["git", "clone", "-q", clone_url, str(tmp_path / "clone")], check=True, timeout=60
    )
    push = subprocess.run(
        ["git", "-C", str(tmp_path / "clone"), "push", "-q", "origin", "HEAD:refs/heads/x"],
        capture_output=True,
        check=False,
        timeout=60,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )
    raw = urllib.request.urlopen(f"{gh.root_url}/{DOCS}/raw/main/README.md", timeout=10).read()

    # then
    assert (tmp_path / "clone" / "rados" / "placement-groups.md").is_file()
    assert push.returncode != 0  # read-only: writes go through the REST API
    assert raw == (tmp_path / "clone" / "README.md").read_bytes()
