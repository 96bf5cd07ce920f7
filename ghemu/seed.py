"""Initial content for new repositories: sample taxonomy, knowledge documents, or a README.

Seed commits use a fixed author and date, so their ids are the same on every machine; the knowledge
``qna.yaml`` names the docs repository's seed commit and its address under ``sample_docs_web_url``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ghemu.gitstore import Identity, TreeChange

if TYPE_CHECKING:
    from ghemu.emulator import Emulator
    from ghemu.store import RepoRecord

SAMPLE_DIR = Path(__file__).parent / "sample"
SEED_AUTHOR = Identity(
    "Ceph Sample Authors", "samples@ceph.example", 1705320000
)  # 2024-01-15T12:00:00Z
SEED_MESSAGE = {
    "taxonomy": "Add sample Ceph taxonomy\n\nTwo compositional skills and one knowledge entry.\n",
    "docs": "Add sample Ceph knowledge documents\n",
    None: "Initial commit\n",
}


def sample_files(kind: str) -> dict[str, bytes]:
    """Relative path -> content of a sample tree (``taxonomy`` or ``docs``)."""
    root = SAMPLE_DIR / kind
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def seed_repository(emu: Emulator, repo: RepoRecord, kind: str | None) -> str:
    """Write the first commit of ``repo`` on its default branch; returns the commit id."""
    if kind in ("taxonomy", "docs"):
        files = sample_files(kind)
    else:
        files = {"README.md": f"# {repo.name}\n\n{repo.description}\n".encode()}
    if kind == "taxonomy":
        files = {path: _fill_docs_reference(emu, data) for path, data in files.items()}
    git = emu.git(repo)
    with git.lock:
        changes = [
            TreeChange(path, "100644", "blob", git.write_blob(data)) for path, data in files.items()
        ]
        tree = git.build_tree(None, changes)
        sha = git.write_commit(
            tree, [], SEED_MESSAGE.get(kind, SEED_MESSAGE[None]), SEED_AUTHOR, SEED_AUTHOR
        )
        git.update_ref(f"refs/heads/{repo.default_branch}", sha, None)
    return sha


def _fill_docs_reference(emu: Emulator, data: bytes) -> bytes:
    """Point the sample knowledge entry at the docs repository's address and seed commit."""
    spec = next((r for r in emu.config.repos if r.seed == "docs"), None)
    docs = emu.find_repo(spec.full_name) if spec else None
    if docs is None:
        return data
    commit = emu.git(docs).read_ref(f"refs/heads/{docs.default_branch}") or "0" * 40
    address = f"{emu.config.sample_docs_web_url.rstrip('/')}/{docs.full_name}"
    return data.replace(b"__DOCS_REPO__", address.encode()).replace(
        b"__DOCS_COMMIT__", commit.encode()
    )
