"""Dataset check journey: paste three names, see the bad one flagged as you type, fix it."""

import re

from playwright.sync_api import expect

GOOD = [
    "mc23_13p6TeV.601229.PhPy8EG_A14_ttbar_hdamp258p75_SingleLep.recon.AOD.e8514_s4162_r14622",
    "data18_13TeV.00349533.physics_Main.deriv.DAOD_PHYS.f937_m1972_p4150_tid21267843_00",
]
BAD = "mc16_13TeV.361106.PowhegPythia8EvtGen_AZNLOCTEQ6L1_Zee.deriv.DAOD_PHYS.e3601_s3126_e5984"
FIXED = BAD.replace("e3601_s3126_e5984", "e3601_e5984_s3126")


def test_paste_three_names_see_one_flagged_and_fix_it(page, dev_login):
    dev_login("demo-member", "/datasets/check")
    expect(page.get_by_role("heading", name="Check dataset names")).to_be_visible()
    names = page.get_by_label("Names")
    names.fill("\n".join([GOOD[0], BAD, GOOD[1]]))

    summary = page.locator("#check-summary")
    expect(summary).to_have_text(re.compile(r"1 of 3 name\(s\) invalid"))
    flagged = page.locator("#check-line-2")
    expect(flagged).to_have_class(re.compile(r"\binvalid\b"))
    expect(flagged.locator(".field-error")).to_contain_text("AMI tags go in order")
    wrong = flagged.locator("tr.field-wrong")
    expect(wrong).to_have_count(1)
    expect(wrong.locator("th")).to_have_text("version")
    expect(page.locator("#check-line-1")).to_contain_text("Valid mc container")
    expect(page.locator("#check-line-3 tr", has_text="Task ID")).to_contain_text("21267843")

    names.fill("\n".join([GOOD[0], FIXED, GOOD[1]]))
    expect(summary).to_have_text(re.compile(r"All 3 name\(s\) valid"))
    expect(page.locator("tr.field-wrong")).to_have_count(0)
    expect(page.locator("#check-line-2")).to_contain_text("Valid mc container")
    expect(page).to_have_url(re.compile(r"/datasets/check$"))
