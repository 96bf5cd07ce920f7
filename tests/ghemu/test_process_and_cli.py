"""Subprocess mode, the maintainer CLI, and state surviving a restart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ghemu.testing import emulator_process, start_emulator_process

from .conftest import TAXONOMY, make_client
from .test_pr_flow import open_entry_pr

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def cli(root_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ghemu", *args, "--url", root_url],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
        timeout=60,
    )


def test_subprocess_emulator_and_maintainer_cli(tmp_path):
    with emulator_process(tmp_path / "ghemu", persist=True) as gh:
        # given
        pr = open_entry_pr(make_client(gh).get_repo(TAXONOMY), "portal/entry-21-r1")

        # when
        review = cli(
            gh.root_url,
            "review",
            TAXONOMY,
            str(pr.number),
            "--event",
            "REQUEST_CHANGES",
            "--body",
            "Fix it",
        )
        merge = cli(gh.root_url, "merge", TAXONOMY, str(pr.number), "--method", "squash")
        again = cli(gh.root_url, "merge", TAXONOMY, str(pr.number))
        pulls = cli(gh.root_url, "pulls", TAXONOMY)

        # then
        assert review.returncode == 0, review.stderr
        assert json.loads(review.stdout)["state"] == "CHANGES_REQUESTED"
        assert merge.returncode == 0, merge.stderr
        assert json.loads(merge.stdout)["merged"] is True
        assert again.returncode == 1 and "405" in again.stderr
        assert json.loads(pulls.stdout)[0]["merged"] is True
        log = (tmp_path / "ghemu" / "emulator.log").read_text()
        assert f"serving {gh.base_url}" in log


def test_state_survives_a_restart(tmp_path):
    # given
    first = start_emulator_process(tmp_path / "ghemu", persist=True)
    try:
        pr = open_entry_pr(make_client(first).get_repo(TAXONOMY), "portal/entry-22-r1")
    finally:
        first.stop()

    # when
    with emulator_process(tmp_path / "ghemu", persist=True) as second:
        pulls = second.pulls(TAXONOMY)
        found = [
            p.number
            for p in make_client(second)
            .get_repo(TAXONOMY)
            .get_pulls(head="ceph:portal/entry-22-r1")
        ]

    # then
    assert [p["number"] for p in pulls] == [pr.number]
    assert found == [pr.number]
