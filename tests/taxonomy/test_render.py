"""Rendering: golden files, deterministic bytes, and clean YAML for every shape of entry."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
import yaml

from contributions.taxonomy import (
    Attribution,
    KnowledgeEntry,
    SkillEntry,
    Source,
    import_qna,
    render_attribution,
    render_qna,
    validate_entry,
)

from .samples import ATTRIBUTION, SAMPLES, TRICKY_TEXTS

GOLDEN = Path(__file__).resolve().parent / "golden"
# Set to regenerate the golden files after an intended change of output; review the diff.
UPDATE = os.environ.get("CEPHPORTAL_UPDATE_GOLDEN") == "1"


def _golden(name: str, rendered: str) -> str:
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(rendered.encode("utf-8"))
    return path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_rendering_matches_the_golden_file(name):
    # given
    entry, _ = SAMPLES[name]

    # when
    rendered = render_qna(entry)

    # then
    assert rendered == _golden(f"{name}.qna.yaml", rendered)


def test_attribution_matches_the_golden_file():
    # given / when
    rendered = render_attribution(ATTRIBUTION)

    # then
    assert rendered == _golden("attribution.txt", rendered)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_rendered_file_has_deterministic_clean_bytes(name):
    # given
    entry, _ = SAMPLES[name]

    # when
    rendered = render_qna(entry)

    # then
    assert rendered == render_qna(entry)
    assert rendered.endswith("\n") and not rendered.endswith("\n\n")
    assert "\r" not in rendered and "\t" not in rendered
    assert all(line == line.rstrip() for line in rendered.split("\n"))
    tokens = list(yaml.scan(rendered))
    assert not any(isinstance(t, yaml.AnchorToken | yaml.AliasToken) for t in tokens)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_entries_are_valid_everywhere(name):
    # given
    entry, path = SAMPLES[name]

    # when
    report = validate_entry(entry, path=path, attribution=ATTRIBUTION)

    # then
    assert (report.ci_valid, report.ilab_valid, report.portal_valid) == (True, True, True)
    assert report.issues == ()


def test_keys_follow_the_upstream_template_order():
    # given
    skill, _ = SAMPLES["grounded_skill"]
    knowledge, _ = SAMPLES["knowledge"]

    # when
    skill_data = yaml.safe_load(render_qna(skill))
    knowledge_data = yaml.safe_load(render_qna(knowledge))

    # then
    assert list(skill_data) == ["created_by", "version", "task_description", "seed_examples"]
    assert list(skill_data["seed_examples"][0]) == ["context", "question", "answer"]
    assert list(knowledge_data) == [
        "created_by",
        "version",
        "domain",
        "document_outline",
        "seed_examples",
        "document",
    ]
    assert list(knowledge_data["document"]) == ["repo", "commit", "patterns"]


def test_multi_line_text_is_a_block_scalar():
    # given
    knowledge, _ = SAMPLES["knowledge"]

    # when
    rendered = render_qna(knowledge)

    # then
    assert "  - context: |\n      Ceph stores data as objects in pools." in rendered
    assert "      - question: What does Ceph store data as?\n" in rendered


def _with_text(name: str, text: str) -> tuple[SkillEntry | KnowledgeEntry, str]:
    """A sample entry with ``text`` placed in every kind of field that shape has."""
    entry, path = SAMPLES[name]
    seeds = list(entry.seed_examples)
    if isinstance(entry, KnowledgeEntry):
        qas = list(seeds[2].questions_and_answers)
        qas[1] = dataclasses.replace(qas[1], answer=text)
        seeds[2] = dataclasses.replace(seeds[2], context=text, questions_and_answers=qas)
        document = dataclasses.replace(entry.document, patterns=[text, "notes/ceph.md"])
        return (
            dataclasses.replace(
                entry, seed_examples=seeds, domain=text, document_outline=text, document=document
            ),
            path,
        )
    seeds[1] = dataclasses.replace(seeds[1], answer=text, question=text)
    seeds[4] = dataclasses.replace(seeds[4], context=text)
    return dataclasses.replace(entry, seed_examples=seeds, task_description=text), path


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("text", TRICKY_TEXTS, ids=[repr(t)[:30] for t in TRICKY_TEXTS])
def test_tricky_text_renders_to_the_same_string_and_clean_yaml(name, text):
    # given
    entry, path = _with_text(name, text)

    # when
    rendered = render_qna(entry)
    report = validate_entry(entry, path=path, attribution=ATTRIBUTION)

    # then: it reads back identically, and neither CI nor strict ilab complains
    assert import_qna(rendered).entry == entry
    assert [i.to_dict() for i in report.issues if i.source is not Source.PORTAL] == []
    assert report.ci_valid and report.ilab_valid


def test_attribution_is_one_field_per_line_whatever_the_input():
    # given
    messy = Attribution(
        title="A title\nwith a line break",
        link=" https://example.org/a ",
        revision="r1",
        license="MIT",
        creators="Ann  Author,\tBob Builder",
    )

    # when
    rendered = render_attribution(messy)

    # then
    assert rendered == (
        "Title of work: A title with a line break\n"
        "Link to work: https://example.org/a\n"
        "Revision: r1\n"
        "License of the work: MIT\n"
        "Creator names: Ann Author, Bob Builder\n"
    )


def test_an_empty_draft_still_renders_to_yaml():
    # given
    drafts = [SkillEntry(), KnowledgeEntry()]

    # when
    loaded = [yaml.safe_load(render_qna(d)) for d in drafts]

    # then
    assert loaded[0] == {
        "created_by": "",
        "version": 3,
        "task_description": "",
        "seed_examples": [],
    }
    assert loaded[1]["document"] == {"repo": "", "commit": "", "patterns": []}
