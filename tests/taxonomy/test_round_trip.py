"""Importing a valid corpus file and rendering it gives the same content, and clean YAML."""

from __future__ import annotations

import pytest
import yaml

from contributions.taxonomy import Source, import_qna, render_attribution, render_qna, validate_file

from .corpus import VALID_PATHS, corpus_dir


def _import(rel: str):
    file = corpus_dir() / rel
    attribution = file.with_name("attribution.txt")
    text = attribution.read_bytes() if attribution.is_file() else None
    return file.read_bytes(), import_qna(file.read_bytes(), attribution_text=text, path=rel)


def test_every_valid_file_is_round_tripped():
    # given / when / then: the parametrised test below covers a meaningful number of files
    assert len(VALID_PATHS) >= 150


@pytest.mark.parametrize("rel", VALID_PATHS)
def test_round_trip_keeps_the_content(rel):
    # given
    original, imported = _import(rel)

    # when
    rendered = render_qna(imported.entry)

    # then
    assert yaml.safe_load(rendered) == yaml.safe_load(original)


@pytest.mark.parametrize("rel", VALID_PATHS)
def test_round_trip_output_passes_ci_and_ilab_strict(rel):
    # given
    _, imported = _import(rel)
    attribution = render_attribution(imported.attribution) if imported.attribution else ""

    # when
    report = validate_file(render_qna(imported.entry), path=rel, attribution_text=attribution)

    # then: whatever portal policy says, CI and strict ilab have nothing to complain about
    assert report.ci_valid and report.ilab_valid
    assert [i.to_dict() for i in report.issues if i.source is not Source.PORTAL] == []


@pytest.mark.parametrize("rel", VALID_PATHS[:20])
def test_rendering_an_imported_file_twice_gives_identical_bytes(rel):
    # given
    _, imported = _import(rel)

    # when
    first = render_qna(imported.entry)
    second = render_qna(import_qna(first).entry)

    # then
    assert first == second
