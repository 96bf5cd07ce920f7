"""The contributor's REST API: every action, and every refusal a person can run into."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from contributions.models import Contribution, ContributionEvent, KnowledgeDocument
from contributions.workflow import Status
from tests.contributor_samples import (
    ALIAS_BOMB,
    DOCUMENT,
    SKILL_ATTRIBUTION,
    SKILL_QNA_YAML,
    knowledge_draft,
    skill_draft,
)


@pytest.fixture
def api(contributor):
    client = APIClient()
    client.force_authenticate(contributor)
    return client


@pytest.fixture
def other_api(other_contributor):
    client = APIClient()
    client.force_authenticate(other_contributor)
    return client


def _create(api, kind="skill", **extra):
    body = {
        "kind": kind,
        "summary": "Status questions",
        "taxonomy_path": "compositional_skills/ceph/status"
        if kind == "skill"
        else "knowledge/ceph/rbd_snapshots",
        "draft": skill_draft() if kind == "skill" else knowledge_draft(),
        **extra,
    }
    response = api.post("/api/contributions/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.django_db
def test_create_read_and_list_mine(api, other_api):
    # given
    mine = _create(api)
    _create(other_api)
    # when
    listed = api.get("/api/contributions/").json()
    detail = api.get(f"/api/contributions/{mine['id']}/").json()
    # then
    assert [e["id"] for e in listed["results"]] == [mine["id"]]
    assert "draft" not in listed["results"][0]
    assert detail["validation_state"] == "passed"
    assert detail["draft"]["entry"]["seed_examples"][0]["question"].startswith("How do I")
    assert api.get("/api/contributions/?status=submitted").json()["count"] == 0


@pytest.mark.django_db
def test_a_new_draft_without_content_starts_with_empty_examples(api):
    response = api.post("/api/contributions/", {"kind": "knowledge"}, format="json")
    body = response.json()
    assert len(body["draft"]["entry"]["seed_examples"]) == 5
    assert body["validation_state"] == "failed"
    assert api.post("/api/contributions/", {"kind": "poem"}, format="json").status_code == 400


@pytest.mark.django_db
def test_update_a_draft_with_its_version(api):
    entry = _create(api)
    url = f"/api/contributions/{entry['id']}/"
    # when
    response = api.patch(
        url, {"summary": "New words", "draft_version": entry["draft_version"]}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["draft_version"] == entry["draft_version"] + 1
    # a second device with the old version is refused, and told what to do
    stale = api.patch(
        url, {"summary": "Old words", "draft_version": entry["draft_version"]}, format="json"
    )
    assert stale.status_code == 409
    assert "Reload to see the latest version" in stale.json()["detail"]
    # a draft of the wrong shape is refused in plain words
    bad = api.patch(url, {"draft": {"entry": {"seed_examples": "five"}}}, format="json")
    assert bad.status_code == 400 and "must be a list" in bad.json()["detail"]


@pytest.mark.django_db
def test_someone_elses_draft_is_not_found_for_every_action(api, other_api):
    # given
    entry = _create(api)
    base = f"/api/contributions/{entry['id']}/"
    # then
    assert other_api.get(base).status_code == 404
    assert other_api.patch(base, {"summary": "mine now"}, format="json").status_code == 404
    for action in ("validate", "submit", "withdraw", "restore", "duplicate", "import"):
        assert other_api.post(f"{base}{action}/", {}, format="json").status_code == 404, action
    for read in ("files", "events", "documents"):
        assert other_api.get(f"{base}{read}/").status_code == 404, read
    assert Contribution.objects.get(pk=entry["id"]).summary == "Status questions"


@pytest.mark.django_db
def test_validate_reports_the_verdict(api):
    entry = _create(api, taxonomy_path="knowledge/wrong_place")
    report = api.post(f"/api/contributions/{entry['id']}/validate/").json()
    assert report["can_submit"] is False
    assert {"path.kind-mismatch"} <= {i["rule"] for i in report["issues"]}
    assert ContributionEvent.objects.filter(contribution_id=entry["id"], event="validated").exists()


@pytest.mark.django_db
def test_submit_then_withdraw_then_restore(api):
    entry = _create(api)
    base = f"/api/contributions/{entry['id']}/"
    submitted = api.post(f"{base}submit/", {"note": "ready"}, format="json").json()
    assert (submitted["status"], submitted["revision"]) == ("submitted", 1)
    withdrawn = api.post(f"{base}withdraw/", {"note": "oops"}, format="json").json()
    assert withdrawn["status"] == "withdrawn"
    restored = api.post(f"{base}restore/").json()
    assert restored["status"] == "draft"
    again = api.post(f"{base}restore/")
    assert again.status_code == 400 and "Only a withdrawn entry" in again.json()["detail"]


@pytest.mark.django_db
def test_submit_without_dco_consent_is_refused_until_given(api, contributor):
    # given
    contributor.profile.dco_consented_at = None
    contributor.profile.save()
    entry = _create(api)
    url = f"/api/contributions/{entry['id']}/submit/"
    # when
    refused = api.post(url, {}, format="json")
    # then
    assert refused.status_code == 400
    assert "Developer Certificate of Origin" in refused.json()["detail"]
    assert Contribution.objects.get(pk=entry["id"]).status == Status.DRAFT
    # when consent is given with the submit
    accepted = api.post(url, {"dco_consent": True}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "submitted"


@pytest.mark.django_db
def test_submit_with_ci_errors_is_refused(api):
    # given four examples where the taxonomy's CI wants five
    data = skill_draft()
    data["entry"]["seed_examples"].pop()
    entry = _create(api, draft=data)
    # when
    refused = api.post(f"/api/contributions/{entry['id']}/submit/", {}, format="json")
    # then
    assert refused.status_code == 400
    assert "problem to fix before it can be submitted" in refused.json()["detail"]
    assert not Contribution.objects.get(pk=entry["id"]).revisions.exists()


@pytest.mark.django_db
def test_import_a_new_entry_from_text_or_files(api, contributor):
    # from text
    body = api.post(
        "/api/contributions/import/",
        {
            "qna_yaml": SKILL_QNA_YAML,
            "attribution_txt": SKILL_ATTRIBUTION,
            "taxonomy_path": "compositional_skills/ceph/pgs",
        },
        format="json",
    ).json()
    assert body["contribution"]["kind"] == "skill"
    assert body["contribution"]["taxonomy_path"] == "compositional_skills/ceph/pgs"
    assert body["contribution"]["draft"]["entry"]["created_by"] == contributor.username
    # from files
    response = api.post(
        "/api/contributions/import/",
        {"qna_file": SimpleUploadedFile("qna.yaml", SKILL_QNA_YAML.encode())},
        format="multipart",
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_import_refusals_are_clear(api):
    bomb = api.post("/api/contributions/import/", {"qna_yaml": ALIAS_BOMB}, format="json")
    assert bomb.status_code == 400 and "could not be imported" in bomb.json()["detail"]
    empty = api.post("/api/contributions/import/", {}, format="json")
    assert empty.status_code == 400 and "qna_yaml" in empty.json()
    wrong_kind = api.post(
        "/api/contributions/import/",
        {"qna_yaml": SKILL_QNA_YAML, "kind": "knowledge"},
        format="json",
    )
    assert wrong_kind.status_code == 400 and "not a knowledge entry" in wrong_kind.json()["detail"]


@pytest.mark.django_db
def test_import_into_a_draft_refills_it(api):
    entry = _create(api)
    response = api.post(
        f"/api/contributions/{entry['id']}/import/",
        {"qna_yaml": SKILL_QNA_YAML, "draft_version": entry["draft_version"]},
        format="json",
    )
    assert response.status_code == 200
    task = response.json()["contribution"]["draft"]["entry"]["task_description"]
    assert task == "Answer questions about Ceph placement groups."


@pytest.mark.django_db
def test_duplicate_files_and_events(api):
    entry = _create(api)
    copy = api.post(f"/api/contributions/{entry['id']}/duplicate/")
    assert copy.status_code == 201 and copy.json()["id"] != entry["id"]
    files = api.get(f"/api/contributions/{entry['id']}/files/").json()
    assert files["qna_path"] == "compositional_skills/ceph/status/qna.yaml"
    assert yaml.safe_load(files["qna_yaml"])["version"] == 3
    assert files["attribution_txt"].startswith("Title of work: ")
    events = api.get(f"/api/contributions/{entry['id']}/events/").json()
    assert [e["event"] for e in events] == ["draft_created"]


@pytest.mark.django_db
def test_documents_upload_write_replace_and_remove(api):
    entry = _create(api, kind="knowledge")
    base = f"/api/contributions/{entry['id']}/documents/"
    # upload
    uploaded = api.post(
        base, {"file": SimpleUploadedFile("rbd.md", DOCUMENT.encode())}, format="multipart"
    )
    assert uploaded.status_code == 201 and uploaded.json()["filename"] == "rbd.md"
    # write
    written = api.post(base, {"filename": "notes.md", "content": "# Notes"}, format="json").json()
    # replace
    replaced = api.put(f"{base}{written['id']}/", {"content": "# Better notes"}, format="json")
    assert replaced.json()["content"] == "# Better notes\n"
    # list, read, remove
    assert [d["filename"] for d in api.get(base).json()] == ["notes.md", "rbd.md"]
    assert api.get(f"{base}{written['id']}/").json()["filename"] == "notes.md"
    assert api.delete(f"{base}{written['id']}/").status_code == 204
    assert api.get(f"{base}{written['id']}/").status_code == 404
    files = api.get(f"/api/contributions/{entry['id']}/files/").json()
    assert files["documents"] == ["knowledge/ceph/rbd_snapshots/rbd.md"]


@pytest.mark.django_db
def test_document_refusals(api, other_api):
    entry = _create(api, kind="knowledge")
    base = f"/api/contributions/{entry['id']}/documents/"
    pdf = api.post(base, {"file": SimpleUploadedFile("a.pdf", b"%PDF")}, format="multipart")
    assert pdf.status_code == 400 and "not a markdown file" in pdf.json()["detail"]
    nothing = api.post(base, {}, format="json")
    assert nothing.status_code == 400
    theirs = other_api.post(base, {"filename": "a.md", "content": "x"}, format="json")
    assert theirs.status_code == 404
    assert not KnowledgeDocument.objects.exists()


@pytest.mark.django_db
def test_profile_and_dco_consent(api, contributor):
    contributor.profile.dco_consented_at = None
    contributor.profile.save()
    profile = api.patch(
        "/api/profile/", {"commit_name": "Ada L", "github_handle": "ada-l"}, format="json"
    ).json()
    assert profile["commit_identity"]["name"] == "Ada L"
    assert profile["commit_identity"]["email"] == profile["noreply_email"]
    assert profile["has_dco_consent"] is False
    bad = api.patch("/api/profile/", {"github_handle": "no spaces allowed"}, format="json")
    assert bad.status_code == 400
    agreed = api.post("/api/profile/dco-consent/").json()
    assert agreed["has_dco_consent"] is True and agreed["dco_version"] == "1.1"


@pytest.mark.django_db
def test_anonymous_callers_are_refused():
    assert APIClient().get("/api/contributions/").status_code in (401, 403)
    assert APIClient().post("/api/contributions/", {"kind": "skill"}).status_code in (401, 403)


@pytest.mark.django_db
def test_the_schema_documents_the_contributor_api(client, contributor):
    client.force_login(contributor)
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]
    for path in (
        "/api/contributions/",
        "/api/contributions/{contribution_id}/",
        "/api/contributions/{contribution_id}/validate/",
        "/api/contributions/import/",
        "/api/contributions/{contribution_id}/import/",
        "/api/contributions/{contribution_id}/submit/",
        "/api/contributions/{contribution_id}/withdraw/",
        "/api/contributions/{contribution_id}/documents/",
        "/api/profile/",
    ):
        assert path in paths, path
    assert "409" in paths["/api/contributions/{contribution_id}/"]["patch"]["responses"]
