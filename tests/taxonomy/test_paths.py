"""Where files may live, and what new folders may be called."""

from __future__ import annotations

import pytest

from contributions.taxonomy import (
    Source,
    check_new_folder_name,
    check_taxonomy_path,
    suggest_folder_name,
    taxonomy_relative_path,
)
from contributions.taxonomy.paths import schema_name_for


@pytest.mark.parametrize(
    "path",
    [
        "knowledge/science/astronomy/qna.yaml",
        "knowledge/qna.yaml",
        "compositional_skills/grounded/tables/qna.yaml",
        "knowledge/technology/Ceph/upstream/RGW/qna.yaml",
        "knowledge/a-b/v1.2/qna.yaml",
    ],
)
def test_accepted_paths(path):
    # given / when / then
    assert check_taxonomy_path(path) == []


@pytest.mark.parametrize(
    ("path", "rules"),
    [
        ("foundational_skills/reasoning/qna.yaml", [("path.placement", Source.CI)]),
        ("docs/qna.yaml", [("path.placement", Source.CI)]),
        ("knowledge/topic/qna.yml", [("file.name", Source.CI)]),
        ("knowledge/topic/QNA.yaml", [("file.name", Source.CI)]),
        ("knowledge/my topic/qna.yaml", [("path.segment", Source.PORTAL)]),
        ("knowledge/../qna.yaml", [("path.segment", Source.PORTAL)]),
        ("knowledge/café/qna.yaml", [("path.segment", Source.PORTAL)]),
        ("/knowledge/x/qna.yaml", [("path.segment", Source.PORTAL)]),
    ],
)
def test_refused_paths(path, rules):
    # given / when
    issues = check_taxonomy_path(path)

    # then
    assert [(i.rule, i.source) for i in issues] == rules


def test_a_space_in_a_folder_name_suggests_underscores():
    # given / when
    (issue,) = check_taxonomy_path("knowledge/black holes/qna.yaml")

    # then
    assert "underscores" in issue.message


@pytest.mark.parametrize("name", ["astronomy", "black_holes", "ceph_v18", "rgw2"])
def test_good_new_folder_names(name):
    # given / when / then
    assert check_new_folder_name(name) == []


@pytest.mark.parametrize(
    "name", ["Astronomy", "black holes", "black-holes", "_x", "x_", "a__b", "", "x" * 65, "é"]
)
def test_bad_new_folder_names(name):
    # given / when
    issues = check_new_folder_name(name)

    # then
    assert [i.rule for i in issues] == ["path.folder-name"]


def test_folder_name_suggestion():
    # given / when / then
    assert suggest_folder_name("Black Holes (Astronomy) — Naïve") == "black_holes_astronomy_naive"
    assert check_new_folder_name(suggest_folder_name("Ceph RGW: Multisite!")) == []


@pytest.mark.parametrize(
    ("path", "relative"),
    [
        ("/tmp/ceph-taxonomy/knowledge/a/qna.yaml", "knowledge/a/qna.yaml"),
        ("pr-1/foundational_skills/x/qna.yaml", "foundational_skills/x/qna.yaml"),
        ("knowledge/tech/knowledge/qna.yaml", "knowledge/tech/knowledge/qna.yaml"),
        ("elsewhere/qna.yaml", "elsewhere/qna.yaml"),
    ],
)
def test_taxonomy_relative_path_starts_at_the_first_top_level_folder(path, relative):
    # given / when / then
    assert taxonomy_relative_path(path) == relative


def test_schema_follows_the_right_most_root_folder_as_upstream():
    # given / when / then
    assert schema_name_for("knowledge/x/compositional_skills/qna.yaml") == "compositional_skills"
    assert schema_name_for("other/qna.yaml", {"document": {}}) == "knowledge"
    assert schema_name_for("other/qna.yaml", {}) == "compositional_skills"
