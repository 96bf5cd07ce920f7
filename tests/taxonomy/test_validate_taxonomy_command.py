"""``manage.py validate_taxonomy``: JSON lines, exit status by mode, every file reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from contributions.taxonomy import render_attribution, render_qna

from .corpus import EXPECTED, REPO_ROOT, corpus_dir
from .samples import ATTRIBUTION, KNOWLEDGE, SKILL


@pytest.fixture
def checkout(tmp_path):
    """A small taxonomy: one clean file, one CI-valid file the portal refuses, one broken."""
    root = tmp_path / "taxonomy"
    files = {
        "knowledge/technology/ceph/qna.yaml": render_qna(KNOWLEDGE),
        "compositional_skills/writing/polite/qna.yaml": render_qna(SKILL).replace(
            "version: 3\n", "version: 3.0\n"
        ),
        "compositional_skills/writing/broken/qna.yaml": "version: [3\n",
    }
    for rel, text in files.items():
        file = root / rel
        file.parent.mkdir(parents=True)
        file.write_text(text, encoding="utf-8")
        (file.parent / "attribution.txt").write_text(render_attribution(ATTRIBUTION))
    (root / "README.md").write_text("not a qna file\n")
    return root


def _run(*args: str) -> tuple[list[str], int]:
    out = StringIO()
    try:
        call_command("validate_taxonomy", *args, stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return out.getvalue().splitlines(), code


def test_json_gives_one_object_per_file(checkout):
    # given / when
    lines, _ = _run(str(checkout), "--format", "json")

    # then
    objects = [json.loads(line) for line in lines]
    assert [o["path"].removeprefix(str(checkout) + "/") for o in objects] == [
        "compositional_skills/writing/broken/qna.yaml",
        "compositional_skills/writing/polite/qna.yaml",
        "knowledge/technology/ceph/qna.yaml",
    ]
    assert [(o["ci_valid"], o["portal_valid"]) for o in objects] == [
        (False, False),
        (True, False),
        (True, True),
    ]
    assert all(set(o) == {"path", "ci_valid", "portal_valid", "issues"} for o in objects)
    issue = objects[0]["issues"][0]
    assert set(issue) == {"severity", "source", "rule", "message", "location"}
    assert (issue["rule"], issue["location"]["line"]) == ("yaml.syntax", 2)


@pytest.mark.parametrize(
    ("mode", "folder", "code"),
    [
        ("ci", "knowledge", 0),
        ("portal", "knowledge", 0),
        ("ci", "compositional_skills/writing/polite", 0),
        ("portal", "compositional_skills/writing/polite", 1),
        ("ci", "compositional_skills", 1),
    ],
)
def test_mode_decides_the_exit_status(checkout, mode, folder, code):
    # given / when
    _, returncode = _run(str(checkout / folder), "--mode", mode, "--format", "json")

    # then
    assert returncode == code


def test_one_bad_path_never_hides_the_others(checkout):
    # given
    missing = checkout / "knowledge" / "missing" / "qna.yaml"

    # when
    lines, code = _run(str(missing), str(checkout / "knowledge"), "--format", "json")

    # then
    objects = [json.loads(line) for line in lines]
    assert [o["ci_valid"] for o in objects] == [False, True]
    assert objects[0]["issues"][0]["rule"] == "file.unreadable"
    assert code == 1


def test_human_output_names_verdicts_and_locations(checkout):
    # given / when
    lines, code = _run(str(checkout / "compositional_skills"))

    # then
    text = "\n".join(lines)
    assert "broken/qna.yaml: ci FAIL, ilab FAIL, portal FAIL" in text
    assert "polite/qna.yaml: ci pass, ilab pass, portal FAIL" in text
    assert "Write the version as 3, not 3.0. (version, line 2:1) [version.integer]" in text
    assert lines[-1] == "2 file(s) checked, 2 failing the portal check."
    assert code == 1


def test_root_option_sets_the_taxonomy_path(tmp_path):
    # given: a checkout kept in a folder named like a taxonomy folder, the file given directly
    root = tmp_path / "foundational_skills"
    file = root / "knowledge" / "topic" / "qna.yaml"
    file.parent.mkdir(parents=True)
    file.write_text(render_qna(KNOWLEDGE))
    (file.parent / "attribution.txt").write_text(render_attribution(ATTRIBUTION))

    # when
    _, guessed = _run(str(file), "--mode", "ci")
    _, rooted = _run(str(file), "--mode", "ci", "--root", str(root))

    # then: without --root the outer folder is taken for the taxonomy's foundational_skills/
    assert (guessed, rooted) == (1, 0)


def test_no_files_found_is_an_error(tmp_path):
    # given / when
    _, code = _run(str(tmp_path))

    # then
    assert code == 2


def test_corpus_directory_ci_verdicts_through_the_command():
    # given
    corpus = corpus_dir()
    expected = {str(corpus / row["path"]): row["valid"] == "yes" for row in EXPECTED}

    # when the whole corpus is checked in one call (hidden folders such as .local included)
    lines, code = _run(str(corpus), "--format", "json", "--mode", "ci")

    # then
    assert {json.loads(line)["path"]: json.loads(line)["ci_valid"] for line in lines} == expected
    assert code == 1


def test_manage_py_exit_status_in_a_real_process(checkout):
    # given
    # The settings pytest-django configured (it exports them), so the child matches.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "tests.settings"),
    }
    command = [sys.executable, "manage.py", "validate_taxonomy", "--format", "json"]

    # when
    passing = subprocess.run(
        [*command, "--mode", "ci", str(checkout / "knowledge")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    failing = subprocess.run(
        [*command, str(checkout)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    # then
    assert passing.returncode == 0, passing.stderr
    assert len(passing.stdout.splitlines()) == 1
    assert failing.returncode == 1
    assert len(failing.stdout.splitlines()) == 3
    assert "2 of 3 file(s) fail the portal check" in failing.stderr


@pytest.mark.parametrize("mode", ["ci", "portal"])
def test_yaml_not_named_qna_yaml_is_reported_invalid_in_every_mode(checkout, mode):
    # given: a real contributor's mistake, and YAML files the taxonomy CI never checks
    misnamed = checkout / "knowledge" / "arts" / "movies" / "movie_qna.yaml"
    misnamed.parent.mkdir(parents=True)
    misnamed.write_text(render_qna(KNOWLEDGE), encoding="utf-8")
    (misnamed.parent / "attribution.txt").write_text(render_attribution(ATTRIBUTION))
    (checkout / ".github" / "workflows").mkdir(parents=True)
    (checkout / ".github" / "workflows" / "lint.yml").write_text("on: push\n")
    (checkout / "docs.yaml").write_text("a: 1\n")

    # when
    lines, code = _run(str(checkout / "knowledge"), "--format", "json", "--mode", mode)
    everything, _ = _run(str(checkout), "--format", "json", "--mode", mode)

    # then
    objects = {json.loads(line)["path"]: json.loads(line) for line in lines}
    report = objects[str(misnamed)]
    assert (report["ci_valid"], report["portal_valid"]) == (False, False)
    assert any(
        i["rule"] == "file.name" and "must be named qna.yaml" in i["message"]
        for i in report["issues"]
    )
    assert code == 1
    paths = [json.loads(line)["path"] for line in everything]
    assert str(misnamed) in paths
    assert not any(p.endswith(("lint.yml", "docs.yaml")) for p in paths)


def test_misnamed_file_is_named_in_the_human_output(checkout):
    # given
    misnamed = checkout / "compositional_skills" / "writing" / "polite" / "extra.yml"
    misnamed.write_text(render_qna(SKILL), encoding="utf-8")

    # when
    lines, code = _run(str(checkout / "compositional_skills" / "writing" / "polite"))

    # then
    text = "\n".join(lines)
    assert "extra.yml: ci FAIL" in text
    assert "must be named qna.yaml" in text
    assert code == 1


def _env_without_secrets() -> dict[str, str]:
    hidden = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "CEPHPORTAL_ENV_FILE"}
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env["CEPHPORTAL_ENV_FILE"] = "/nonexistent/.env"  # no developer .env sneaks a key in
    return env


def test_plain_cli_check_needs_neither_debug_nor_a_secret_key(checkout):
    # given
    env = _env_without_secrets()

    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "validate_taxonomy", "--mode", "ci", str(checkout)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    # then: it checked the files (one is broken), rather than refusing to start
    assert "SECRET_KEY" not in result.stderr
    assert "3 file(s) checked, 1 failing the ci check." in result.stdout
    assert result.returncode == 1


def test_web_server_still_refuses_to_start_without_a_secret_key():
    # given
    env = _env_without_secrets()

    # when
    wsgi = subprocess.run(
        [sys.executable, "-c", "import cephportal.wsgi"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    runserver = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    # then
    assert wsgi.returncode != 0
    assert "SECRET_KEY must be set" in wsgi.stderr
    assert runserver.returncode != 0
    assert "SECRET_KEY must be set" in runserver.stderr
