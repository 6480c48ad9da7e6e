"""Filing journey: a HIGG member files an MC request from the HIGG template, adds three slices,
sees the bad dataset name refused beside its row (as typed, and again on saving), fixes it,
saves, reopens and finds it all."""

import re

from playwright.sync_api import expect

GOOD_EVNT = "mc23_13p6TeV.601231.PhPy8EG_A14_ttbar_hdamp258p75_dil.evgen.EVNT.e8514"
BAD_EVNT = "mc23_13p6TeV.601231.PhPy8EG ttbar.evgen.EVNT.e8514"


def test_member_files_an_mc_request_from_a_template(page, dev_login):
    dev_login("demo-member", "/requests/new")
    expect(page.get_by_role("heading", name="New request")).to_be_visible()

    page.get_by_label("Template", exact=True).select_option(label="MC23 full chain v1")
    expect(page.get_by_label("Project", exact=True)).to_have_value("mc23_13p6TeV")
    expect(page.get_by_label("Subcampaign")).to_have_value("MC23a")
    expect(page.get_by_label("Priority", exact=True)).to_have_value("570")
    page.get_by_label("Short description").fill("ttbar backgrounds for H->bb")

    for n in range(1, 4):
        page.get_by_role("button", name="Add a slice with the chain of the last one").click()
        expect(page.get_by_label(f"DSID of slice {n}")).to_be_visible()
    expect(page.get_by_label("AMI tag of step 4 of slice 3")).to_have_value("p5855")

    for n, (dsid, brief) in enumerate(
        [("601229", "PhPy8EG_ttbar_SingleLep"), ("601230", "PhPy8EG_ttbar_dil")], 1
    ):
        page.get_by_label(f"DSID of slice {n}").fill(dsid)
        page.get_by_label(f"Brief of slice {n}").fill(brief)
        page.get_by_label(f"Events of slice {n}").fill("10000")
    page.get_by_label("Events of slice 2").fill("20000")
    page.get_by_label("Input dataset of slice 3").fill(BAD_EVNT)
    page.get_by_label("Input dataset of slice 3").press("Tab")  # the field checks itself
    expect(page.locator("#s2-input_dataset-error")).to_contain_text("Not a dataset name")
    page.get_by_label("Comment of slice 3").fill("from the existing EVNT")
    page.get_by_role("button", name="Remove step 1 of slice 3").click()  # no Evgen on an EVNT input
    expect(page.get_by_label("Step 1 of slice 3", exact=True)).to_have_value("Simul")
    expect(page.get_by_label("Input dataset of slice 3")).to_have_value(BAD_EVNT)

    page.get_by_role("button", name="Save draft").click()
    error = page.locator("#s2-input_dataset-error")
    expect(error).to_contain_text("Not a dataset name")
    expect(page.get_by_label("Input dataset of slice 3")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("DSID of slice 2")).to_have_value("601230")
    expect(page.get_by_label("Short description")).to_have_value("ttbar backgrounds for H->bb")

    page.get_by_label("Input dataset of slice 3").fill(GOOD_EVNT)
    page.get_by_label("Input dataset of slice 3").press("Tab")
    expect(page.locator("#s2-input_dataset-error")).to_have_count(0)
    page.get_by_role("button", name="Save draft").click()
    expect(page).to_have_url(re.compile(r"/requests/\d+/edit$"))
    expect(page.locator("#flashes")).to_contain_text("saved")
    request_id = re.search(r"/requests/(\d+)/edit", page.url).group(1)

    page.goto(f"/requests/{request_id}")
    expect(page.locator("#slices")).to_contain_text("601230")
    page.get_by_role("link", name="Edit draft").click()
    expect(page.get_by_label("Short description")).to_have_value("ttbar backgrounds for H->bb")
    expect(page.get_by_label("Template", exact=True)).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_label("Project", exact=True)).to_have_value("mc23_13p6TeV")
    expect(page.get_by_label("Campaign", exact=True)).to_have_value("MC23")
    expect(page.get_by_label("DSID of slice 1")).to_have_value("601229")
    expect(page.get_by_label("Brief of slice 1")).to_have_value("PhPy8EG_ttbar_SingleLep")
    expect(page.get_by_label("Events of slice 2")).to_have_value("20000")
    expect(page.get_by_label("Input dataset of slice 3")).to_have_value(GOOD_EVNT)
    expect(page.get_by_label("Comment of slice 3")).to_have_value("from the existing EVNT")
    expect(page.get_by_label("Step 1 of slice 3", exact=True)).to_have_value("Simul")
    expect(page.get_by_label("AMI tag of step 3 of slice 3")).to_have_value("p5855")
    expect(page.get_by_label("Output formats of step 3 of slice 3")).to_have_value(
        "DAOD_PHYS.DAOD_PHYSLITE"
    )
    expect(page.get_by_label("DSID of slice 4")).to_have_count(0)
