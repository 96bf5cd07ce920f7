"""A contributor starts a skill by importing a qna.yaml, adjusts it on a phone, and submits it."""

import pytest
from playwright.sync_api import expect

from contributions.models import Contribution
from tests.browser.conftest import log_in

QNA_YAML = """\
version: 3
created_by: somebody-else
task_description: Explain what a Ceph OSD state means to an operator.
seed_examples:
  - question: What does it mean when an OSD is "down"?
    answer: The monitors have not heard from the OSD daemon recently; it is not serving I/O.
  - question: What does it mean when an OSD is "out"?
    answer: The OSD holds no data placement any more; Ceph moves its data to other OSDs.
  - question: Can an OSD be up but out?
    answer: Yes. The daemon runs but the cluster places no data on it.
  - question: What does "nearfull" mean for an OSD?
    answer: The OSD is close to its full ratio; add capacity or rebalance soon.
  - question: How do I list OSDs and their states?
    answer: Run ceph osd tree, or ceph osd stat for a summary.
"""

ATTRIBUTION = """\
Title of work: OSD states explained
Link to work: https://docs.ceph.com/en/latest/rados/operations/monitoring-osd-pg/
Revision: squid
License of the work: CC-BY-4.0
Creator names: The Ceph authors
"""


def _wait_saved(page):
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_skill_started_from_an_imported_qna_yaml(page, shots, contributor):
    # given a contributor on a phone-sized screen
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, contributor.username, "correct-horse-battery")
    page.goto("/contributions/new/")

    # when they import a qna.yaml with its attribution.txt
    page.get_by_label("qna.yaml file", exact=True).set_input_files(
        files=[{"name": "qna.yaml", "mimeType": "application/yaml", "buffer": QNA_YAML.encode()}]
    )
    page.get_by_label("attribution.txt (optional)").set_input_files(
        files=[
            {"name": "attribution.txt", "mimeType": "text/plain", "buffer": ATTRIBUTION.encode()}
        ]
    )
    shots("import-form")
    page.get_by_role("button", name="Import", exact=True).click()

    # then the editor holds the file's content, credited to them
    expect(page.get_by_text("Imported. Check each part")).to_be_visible()
    expect(page.locator("#f-task_description")).to_have_value(
        "Explain what a Ceph OSD state means to an operator."
    )
    expect(page.locator("#f-seed-5-question")).to_have_value("How do I list OSDs and their states?")
    expect(page.locator("#f-attribution-license")).to_have_value("CC-BY-4.0")
    entry = Contribution.objects.get(author=contributor)
    assert entry.kind == "skill"
    assert entry.draft["entry"]["created_by"] == contributor.username
    # and the one thing missing, where it goes, is shown at its field
    expect(page.locator("#issues-taxonomy_path")).to_contain_text("Choose where your entry goes")
    shots("imported")

    # when they choose the place and move the last example to the front
    page.locator("#f-summary").fill("OSD states")
    page.locator("#f-taxonomy_path").fill("compositional_skills/technology/ceph/osd_states")
    _wait_saved(page)
    for number in (5, 4, 3, 2):
        page.locator(f"#seed-{number}-up").click()
        expect(page.locator("#seed-message")).to_contain_text(f"moved to position {number - 1}")
    expect(page.locator("#f-seed-1-question")).to_have_value("How do I list OSDs and their states?")
    expect(page.locator("#checks")).to_contain_text("Ready to submit")
    shots("ready-on-a-phone")

    # and look at the files it becomes
    page.locator("#view-yaml").click()
    expect(page.locator("#yaml-panel")).to_contain_text("task_description: Explain what a Ceph OSD")
    expect(page.locator("#yaml-panel")).to_contain_text("Title of work: OSD states explained")
    shots("yaml")

    # and submit it
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    entry.refresh_from_db()
    assert entry.status == "submitted"
    assert entry.current_revision.content["seed_examples"][0]["question"].startswith(
        "How do I list"
    )
