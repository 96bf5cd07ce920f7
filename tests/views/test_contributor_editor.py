"""The entry editor: autosave with htmx, checks at each field, examples, documents, folders."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from contributions.models import Contribution, KnowledgeDocument, TaxonomyTree
from contributions.services.contributions import contribution_create_draft
from contributions.workflow import Status
from tests.contributor_samples import DOCUMENT, knowledge_draft, skill_draft

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def skill(contributor):
    return contribution_create_draft(
        author=contributor,
        kind="skill",
        summary="Status questions",
        taxonomy_path="compositional_skills/ceph/status",
        draft=skill_draft(),
    )


@pytest.fixture
def knowledge(contributor):
    return contribution_create_draft(
        author=contributor,
        kind="knowledge",
        summary="RBD",
        taxonomy_path="knowledge/ceph/rbd",
        draft=knowledge_draft(),
    )


def _form(entry, **changes):
    """What the skill editor posts for `entry`, with some fields changed."""
    seeds = entry.draft["entry"]["seed_examples"]
    data = {
        "draft_version": entry.draft_version,
        "summary": entry.summary,
        "taxonomy_path": entry.taxonomy_path,
        "task_description": entry.draft["entry"]["task_description"],
        "seeds": len(seeds),
        **{f"attribution-{k}": v for k, v in entry.draft["attribution"].items()},
    }
    for i, seed in enumerate(seeds, start=1):
        data[f"seed-{i}-question"] = seed["question"]
        data[f"seed-{i}-answer"] = seed["answer"]
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_editor_renders_every_field_with_its_help(client, contributor, knowledge):
    client.force_login(contributor)
    page = client.get(f"/contributions/{knowledge.pk}/edit/").content.decode()
    for field_id in (
        "f-summary",
        "f-taxonomy_path",
        "f-domain",
        "f-document_outline",
        "f-seed-5-qa-3-answer",
        "f-attribution-license",
        "doc-files",
        "doc-content",
    ):
        assert f'id="{field_id}"' in page
    assert "For example:" in page
    assert "The list of the taxonomy's folders has not been loaded yet" not in page  # lazy


@pytest.mark.django_db
def test_autosave_saves_and_shows_the_checks_at_each_field(client, contributor, skill):
    # given
    client.force_login(contributor)
    # when a question repeats another
    data = _form(skill, **{"seed-3-question": skill.draft["entry"]["seed_examples"][0]["question"]})
    response = client.post(f"/contributions/{skill.pk}/autosave/", data, **HTMX)
    # then it is saved, and the problem is sent to that question's slot
    body = response.content.decode()
    assert 'data-state="saved"' in body
    assert f'id="draft-version" name="draft_version" value="{skill.draft_version + 1}"' in body
    slot = body[body.index('id="issues-seed-3-question"') :]
    slot = slot[: slot.index("</div>")]
    assert "repeats example 1" in slot
    assert 'id="issues-seed-1-question" class="field-issues" hx-swap-oob="true">' in body
    skill.refresh_from_db()
    assert skill.validation_state == "failed"


@pytest.mark.django_db
def test_an_autosave_from_a_stale_page_keeps_the_text_and_offers_both_ways(
    client, contributor, skill
):
    client.force_login(contributor)
    stale = _form(skill, summary="from the laptop", draft_version=skill.draft_version - 1)
    body = client.post(f"/contributions/{skill.pk}/autosave/", stale, **HTMX).content.decode()
    assert 'data-state="conflict"' in body
    assert "Keep this page's version" in body and "Load the latest version" in body
    # when they choose to keep this page's version
    body = client.post(
        f"/contributions/{skill.pk}/autosave/", {**stale, "force": "1"}, **HTMX
    ).content.decode()
    assert 'data-state="saved"' in body
    skill.refresh_from_db()
    assert skill.summary == "from the laptop"


@pytest.mark.django_db
def test_an_expired_session_keeps_the_page_and_says_to_log_in_elsewhere(client, skill):
    response = client.post(f"/contributions/{skill.pk}/autosave/", _form(skill), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="logged-out"' in body
    assert 'target="_blank"' in body and "Your text is still on this page" in body
    assert response["HX-Retarget"] == "#save-status"


@pytest.mark.django_db
def test_a_submitted_entry_is_no_longer_saved(client, contributor, skill):
    Contribution.objects.filter(pk=skill.pk).update(status=Status.SUBMITTED)
    client.force_login(contributor)
    body = client.post(f"/contributions/{skill.pk}/autosave/", _form(skill), **HTMX)
    assert 'data-state="locked"' in body.content.decode()
    assert (
        client.get(f"/contributions/{skill.pk}/edit/")["Location"] == f"/contributions/{skill.pk}/"
    )


@pytest.mark.django_db
def test_examples_are_added_moved_removed_and_brought_back(client, contributor, skill):
    client.force_login(contributor)
    url = f"/contributions/{skill.pk}/autosave/"

    def post(op):
        skill.refresh_from_db()
        response = client.post(url, _form(skill, op=op), **HTMX)
        skill.refresh_from_db()
        return response

    def questions():
        return [s["question"] for s in skill.draft["entry"]["seed_examples"]]

    original = questions()
    # add
    response = post("add-seed")
    assert len(questions()) == 6
    assert json.loads(response["HX-Trigger-After-Settle"]) == {
        "cp:focus": {"id": "seed-6-question"}
    }
    assert 'id="seeds" class="seeds" aria-labelledby="seeds-heading" hx-swap-oob="true"' in (
        response.content.decode()
    )
    # move example 2 up
    post("up-seed-2")
    assert questions()[:2] == [original[1], original[0]]
    # remove example 1, then undo
    response = post("remove-seed-1")
    assert questions()[0] == original[0]
    assert "Undo the last removal" in response.content.decode()
    post("undo-remove")
    assert questions()[:2] == [original[1], original[0]]


@pytest.mark.django_db
def test_knowledge_questions_are_added_and_removed(client, contributor, knowledge):
    client.force_login(contributor)
    page = client.get(f"/contributions/{knowledge.pk}/edit/")
    assert page.status_code == 200
    data = {
        "draft_version": knowledge.draft_version,
        "summary": "RBD",
        "taxonomy_path": knowledge.taxonomy_path,
        "seeds": 5,
        "op": "add-qa-2",
    }
    for i, seed in enumerate(knowledge.draft["entry"]["seed_examples"], start=1):
        data[f"seed-{i}-context"] = seed["context"]
        data[f"seed-{i}-qas"] = 3
        for j, qa in enumerate(seed["questions_and_answers"], start=1):
            data[f"seed-{i}-qa-{j}-question"] = qa["question"]
            data[f"seed-{i}-qa-{j}-answer"] = qa["answer"]
    client.post(f"/contributions/{knowledge.pk}/autosave/", data, **HTMX)
    knowledge.refresh_from_db()
    assert len(knowledge.draft["entry"]["seed_examples"][1]["questions_and_answers"]) == 4
    assert knowledge.draft["attribution"]["title"] == ""  # the form did not post it: now empty


@pytest.mark.django_db
def test_without_javascript_the_editor_form_saves_and_comes_back(client, contributor, skill):
    client.force_login(contributor)
    response = client.post(
        f"/contributions/{skill.pk}/edit/", _form(skill, summary="Plain post", op="add-seed")
    )
    assert response["Location"] == f"/contributions/{skill.pk}/edit/#seed-6-question"
    skill.refresh_from_db()
    assert skill.summary == "Plain post"
    assert len(skill.draft["entry"]["seed_examples"]) == 6


@pytest.mark.django_db
def test_without_javascript_a_stale_save_shows_the_posted_text_again(client, contributor, skill):
    client.force_login(contributor)
    stale = _form(skill, summary="words I typed", draft_version=0)
    response = client.post(f"/contributions/{skill.pk}/edit/", stale)
    assert response.status_code == 409
    assert 'value="words I typed"' in response.content.decode()


@pytest.mark.django_db
def test_uploading_a_document_updates_the_list_and_the_checks(client, contributor, knowledge):
    client.force_login(contributor)
    response = client.post(
        f"/contributions/{knowledge.pk}/documents/upload/",
        {"files": [SimpleUploadedFile("rbd.md", DOCUMENT.encode())]},
        **HTMX,
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<ul id="document-list"')
    assert "rbd.md" in body and "Added rbd.md." in body
    assert 'id="issues-documents" class="field-issues" hx-swap-oob="true">\n  \n</div>' in body


@pytest.mark.django_db
def test_a_refused_upload_says_what_to_do(client, contributor, knowledge):
    # An unsupported kind (PDF, Word, PowerPoint and HTML are converted: test_conversion_views)
    client.force_login(contributor)
    response = client.post(
        f"/contributions/{knowledge.pk}/documents/upload/",
        {"files": [SimpleUploadedFile("rbd.odt", b"PK\x03\x04")]},
        **HTMX,
    )
    assert "Save your document as .md" in response.content.decode()
    assert not KnowledgeDocument.objects.exists()


@override_settings(MAX_DOCUMENT_BYTES=100)
@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, contributor, knowledge):
    client.force_login(contributor)
    response = client.post(
        f"/contributions/{knowledge.pk}/documents/upload/",
        {"files": [SimpleUploadedFile("big.md", b"x" * 500)]},
    )
    assert response.status_code == 302  # without htmx: back to the editor, with a message
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("too large" in m and "Split it" in m for m in messages)


@pytest.mark.django_db
def test_a_document_written_in_the_page_is_saved_as_it_is_typed(client, contributor, knowledge):
    client.force_login(contributor)
    url = f"/contributions/{knowledge.pk}/documents/write/"
    # nothing typed yet: nothing to save
    assert (
        client.post(url, {"auto": "1", "filename": "", "content": " "}, **HTMX).status_code == 204
    )
    # typed without a name: named after its first heading
    body = client.post(
        url, {"auto": "1", "filename": "", "content": "# RBD Snapshots\n\ntext"}, **HTMX
    ).content.decode()
    document = KnowledgeDocument.objects.get()
    assert document.filename == "rbd_snapshots.md"
    assert f'id="doc-id" name="document_id" form="doc-write-form" value="{document.pk}"' in body
    # typed on: the same document changes
    client.post(
        url,
        {
            "auto": "1",
            "filename": "rbd_snapshots.md",
            "content": "# RBD\n\nmore",
            "document_id": document.pk,
        },
        **HTMX,
    )
    document.refresh_from_db()
    assert document.content == "# RBD\n\nmore\n"
    assert KnowledgeDocument.objects.count() == 1


@pytest.mark.django_db
def test_removing_a_document(client, contributor, knowledge):
    client.force_login(contributor)
    document = KnowledgeDocument.objects.create(
        contribution=knowledge, filename="a.md", content="x"
    )
    response = client.post(f"/contributions/{knowledge.pk}/documents/{document.pk}/delete/", **HTMX)
    assert "Document removed." in response.content.decode()
    assert not KnowledgeDocument.objects.exists()


@pytest.mark.django_db
def test_the_markdown_preview_is_sanitised(client, contributor):
    client.force_login(contributor)
    body = client.post(
        "/contributions/documents/preview/",
        {"content": "# Title\n<script>alert(1)</script>\n[x](javascript:alert(1)) <img src=x>"},
        **HTMX,
    ).content.decode()
    assert "<h1>Title</h1>" in body
    assert "<script" not in body and "javascript:" not in body and "<img" not in body


@pytest.mark.django_db
def test_the_folder_picker_before_the_tree_is_synced_asks_to_type_the_path(client, contributor):
    client.force_login(contributor)
    body = client.get("/taxonomy/folders/?root=knowledge").content.decode()
    assert "has not been loaded yet" in body and "Type the path" in body


@pytest.mark.django_db
def test_the_folder_picker_browses_and_searches_the_synced_tree(client, contributor):
    TaxonomyTree.objects.create(
        repo="ceph/ceph-taxonomy",
        branch="main",
        synced_at=timezone.now(),
        folders={
            "knowledge": {"has_qna": False},
            "knowledge/technology": {"has_qna": False},
            "knowledge/technology/ceph": {"has_qna": False},
            "knowledge/technology/ceph/rbd": {"has_qna": True},
            "compositional_skills/ceph": {"has_qna": False},
        },
    )
    client.force_login(contributor)
    top = client.get("/taxonomy/folders/?root=knowledge").content.decode()
    assert 'data-pick-path="knowledge/technology"' in top
    assert "compositional_skills" not in top
    level = client.get(
        "/taxonomy/folders/?root=knowledge&parent=knowledge/technology/ceph"
    ).content.decode()
    assert 'data-pick-path="knowledge/technology/ceph/rbd"' in level and "has an entry" in level
    found = client.get("/taxonomy/folders/?root=knowledge&q=RBD").content.decode()
    assert "1 folder match" in found


@pytest.mark.django_db
def test_a_new_folder_name_is_checked_and_then_becomes_the_path(client, contributor):
    client.force_login(contributor)
    url = "/taxonomy/folders/check/"
    bad = client.get(url, {"taxonomy_path": "knowledge/ceph", "new_folder": "RBD Snapshots"})
    assert "rbd_snapshots" in bad.content.decode()  # the suggestion
    assert "HX-Trigger" not in bad
    good = client.get(url, {"taxonomy_path": "knowledge/ceph", "new_folder": "rbd_snapshots"})
    assert json.loads(good["HX-Trigger"]) == {
        "cp:set-path": {"path": "knowledge/ceph/rbd_snapshots"}
    }


@pytest.mark.django_db
def test_view_yaml_saves_then_shows_the_files(client, contributor, skill):
    client.force_login(contributor)
    body = client.post(
        f"/contributions/{skill.pk}/autosave/", _form(skill, show="yaml"), **HTMX
    ).content.decode()
    assert 'id="yaml-panel" class="yaml-panel card" hx-swap-oob="true"' in body
    assert "task_description: Name the Ceph command" in body


@pytest.mark.django_db
def test_the_checks_list_follows_the_order_of_the_form(contributor):
    # given a skill entry with findings all over the form, errors and empty fields mixed
    from contributions.services.validation import contribution_validate
    from contributions.views.editor.context import editor_view

    draft = skill_draft()
    seeds = draft["entry"]["seed_examples"]
    seeds[3]["question"] = seeds[0]["question"]
    seeds[2]["answer"] = ""
    draft["attribution"].update(creators="", license="Proprietary")
    entry = contribution_create_draft(
        author=contributor, kind="skill", summary="Order", taxonomy_path="", draft=draft
    )
    contribution_validate(contribution_id=entry.pk)
    entry.refresh_from_db()

    # when the editor lists them
    places = [issue["place"] for issue in editor_view(entry).checks.problems]

    # then they come in the form's order, not grouped by kind or shuffled
    assert places == [
        "Where it goes",
        "Example 3, answer",
        "Example 4, question",
        "Licence",
        "Who wrote it",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["skill", "knowledge"])
def test_every_out_of_band_swap_of_an_autosave_has_its_target_in_the_page(
    client, contributor, kind
):
    # given an entry of each kind open in the editor
    import re

    draft = skill_draft() if kind == "skill" else knowledge_draft()
    entry = contribution_create_draft(author=contributor, kind=kind, summary="Ids", draft=draft)
    client.force_login(contributor)
    page = client.get(f"/contributions/{entry.pk}/edit/").content.decode()
    page_ids = set(re.findall(r'\bid="([^"]+)"', page))

    # when it is autosaved
    data = {"draft_version": entry.draft_version, "summary": "Ids", "seeds": 5}
    body = client.post(f"/contributions/{entry.pk}/autosave/", data, **HTMX).content.decode()

    # then each out-of-band swap replaces an element the page has
    swapped = re.findall(r'<[^>]*\bid="([^"]+)"[^>]*\bhx-swap-oob=', body)
    assert swapped
    assert [target for target in swapped if target not in page_ids] == []


@pytest.mark.django_db
def test_knowledge_checks_say_passage_as_the_form_does(contributor):
    # given a knowledge entry whose third passage repeats the first
    from contributions.services.validation import contribution_validate
    from contributions.views.editor.context import editor_view

    draft = knowledge_draft()
    seeds = draft["entry"]["seed_examples"]
    seeds[2]["context"] = seeds[0]["context"]
    entry = contribution_create_draft(
        author=contributor,
        kind="knowledge",
        summary="Terms",
        taxonomy_path="knowledge/a",
        draft=draft,
    )
    contribution_validate(contribution_id=entry.pk)
    entry.refresh_from_db()

    # when the editor lists the findings
    problems = editor_view(entry).checks.problems
    found = [i for i in problems if i["slot"] == "seed-3-context"]

    # then they are placed and worded with the form's words
    assert found and all(i["place"] == "Example 3, passage" for i in found)
    assert all("context" not in (i["place"] + i["message"]).lower() for i in problems)
    assert any("This passage repeats example 1" in i["message"] for i in found)


@pytest.mark.django_db
def test_a_passage_missing_from_the_documents_is_a_note_at_that_passage(
    client, contributor, knowledge
):
    # given the entry's document, uploaded
    client.force_login(contributor)
    client.post(
        f"/contributions/{knowledge.pk}/documents/upload/",
        {"files": [SimpleUploadedFile("rbd.md", DOCUMENT.upper().encode())]},  # case differs
        **HTMX,
    )
    knowledge.refresh_from_db()

    # when the third passage is changed to text that is in no document
    data = {
        "draft_version": knowledge.draft_version,
        "summary": "RBD",
        "taxonomy_path": knowledge.taxonomy_path,
        "seeds": 5,
        "seed-3-context": "Words that the documents never say.",
    }
    body = client.post(f"/contributions/{knowledge.pk}/autosave/", data, **HTMX).content.decode()

    # then that passage, and only it, gets a note telling to copy it from the documents
    slot = body[body.index('id="issues-seed-3-context"') :]
    slot = slot[: slot.index("</div>")]
    assert "issue-warning" in slot and "Copy it from a document word for word" in slot
    assert body.count("Copy it from a document word for word") == 2  # the field and Checks
    assert "Example 3, passage" in body
