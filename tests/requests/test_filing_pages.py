"""Filing pages: the new-request form, drafts, the slice editor's operations, clones."""

import io
import re

import pytest
import sqlalchemy as sa

from deftweb.models import GlobalRole, Membership, Request, RequestStatus, db
from deftweb.requests import filing
from tests.requests.filing_data import form_fields, mc_document

HTMX = {"HX-Request": "true"}


def form_of(doc: dict) -> dict:
    """A request document as the form posts it."""
    form = {k: "" if v is None else str(v) for k, v in doc.items() if k != "slices"}
    for i, piece in enumerate(doc.get("slices", [])):
        for name, value in piece.items():
            if name != "steps":
                form[f"slices-{i}-{name}"] = "" if value is None else str(value)
        for j, step in enumerate(piece.get("steps", [])):
            for name, value in step.items():
                form[f"slices-{i}-steps-{j}-{name}"] = "{}" if name == "task_config" else value
    return form


def requests_by(user):
    return db.session.scalars(sa.select(Request).where(Request.requester_id == user.id)).all()


def test_new_request_offers_only_my_groups_and_their_templates(client, member, make):
    template = make.template(name="MC23 full chain")
    make.template(group="SUSY", name="SUSY grid")
    page = client.get("/requests/new").get_data(as_text=True)
    assert 'value="HIGG"' in page
    assert 'value="SUSY"' not in page
    assert "MC23 full chain v1" in page
    assert "SUSY grid" not in page
    assert f'value="{template.id}"' in page


def test_a_user_in_no_group_cannot_file(client, make, login_as):
    login_as(make.user())
    assert client.get("/requests/new").status_code == 403


def test_choosing_a_template_fills_the_form_in_place(client, member, make):
    template = make.template()
    form = form_of(mc_document(count=0, project="", campaign="", subcampaign=""))
    form |= {"template_id": str(template.id), "op": "apply_template"}
    response = client.post("/requests/editor", data=form, headers=HTMX)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.startswith('<form id="filing-form"') or 'id="filing-form"' in page[:300]
    assert '<option value="mc23_13p6TeV" selected>' in page
    assert '<option value="MC23a" selected>' in page
    assert "&#34;ami_tag&#34;: &#34;e8514&#34;" in page  # the chain new slices start with


def test_filing_a_valid_form_saves_a_draft(client, member):
    response = client.post("/requests/new", data=form_of(mc_document(count=2)))
    [request] = requests_by(member)
    assert response.status_code == 303
    assert response.location.endswith(f"/requests/{request.id}/edit")
    assert request.status == RequestStatus.DRAFT
    assert [s.dsid for s in request.slices] == ["601229", "601230"]


def test_a_bad_dataset_name_comes_back_beside_its_row_with_everything_typed(client, member):
    doc = mc_document(count=2, description="keep me")
    doc["slices"][1] |= {"dsid": "", "input_dataset": "mc23_13p6TeV.601229.bad name"}
    response = client.post("/requests/new", data=form_of(doc))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert requests_by(member) == []
    assert 'id="s1-input_dataset-error"' in page
    assert "Not a dataset name" in page
    assert 'value="mc23_13p6TeV.601229.bad name"' in page
    assert 'value="keep me"' in page
    assert 'aria-describedby="s1-input_dataset-error"' in page


def test_a_member_cannot_file_for_another_group(client, member):
    response = client.post("/requests/new", data=form_of(mc_document(working_group="SUSY")))
    assert response.status_code == 403
    assert "Only members of SUSY" in response.get_data(as_text=True)
    assert requests_by(member) == []


@pytest.mark.parametrize(
    ("operation", "dsids", "chains"),
    [
        ("add_slice", ["601229", "601230", ""], [3, 3, 3]),
        ("remove_slice:0", ["601230"], [3]),
        ("up:1", ["601230", "601229"], [3, 3]),
        ("down:1", ["601229", "601230"], [3, 3]),
        ("clone_slice:0", ["601229", "601229", "601230"], [3, 3, 3]),
        ("add_step:1", ["601229", "601230"], [3, 4]),
        ("remove_step:0:2", ["601229", "601230"], [2, 3]),
        ("remove_slice:9", ["601229", "601230"], [3, 3]),
    ],
)
def test_slice_editor_operations(client, member, operation, dsids, chains):
    form = form_of(mc_document(count=2)) | {"op": operation}
    page = client.post("/requests/editor", data=form, headers=HTMX).get_data(as_text=True)
    found = [
        page.split(f'name="slices-{i}-dsid" value="', 1)[1].split('"', 1)[0]
        for i in range(len(dsids))
    ]
    assert found == dsids
    assert f'name="slices-{len(dsids)}-dsid"' not in page
    for i, length in enumerate(chains):
        assert f'name="slices-{i}-steps-{length - 1}-ami_tag"' in page
        assert f'name="slices-{i}-steps-{length}-ami_tag"' not in page


def test_paste_adds_good_lines_and_keeps_the_bad_ones_with_errors(client, member):
    form = form_of(mc_document(count=1)) | {"op": "paste"}
    form["paste"] = "601300 PhPy8EG_a 1000\n12 bad 5\n601301 PhPy8EG_b 2000"
    page = client.post("/requests/editor", data=form, headers=HTMX).get_data(as_text=True)
    assert 'name="slices-2-dsid" value="601301"' in page
    assert "Line 2: dsid: Dataset number &#39;12&#39; must be 6 to 8 digits." in page
    assert ">12 bad 5</textarea>" in page
    assert "2 slices added; 1 line refused" in page


def test_import_a_csv_spreadsheet(client, member):
    form = form_of(mc_document(count=0)) | {"op": "import"}
    csv = b"DSID,brief,events,Evgen,Simul\n601229,PhPy8EG_a,100,e8514,s4162\n"
    form["spreadsheet"] = (io.BytesIO(csv), "grid.csv")
    response = client.post(
        "/requests/editor", data=form, headers=HTMX, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert 'name="slices-0-steps-1-ami_tag" value="s4162"' in page
    assert "1 slice added" in page


def test_check_shows_errors_without_saving(client, member):
    form = form_of(mc_document(priority="high")) | {"op": "check"}
    page = client.post("/requests/editor", data=form, headers=HTMX).get_data(as_text=True)
    assert "&#39;high&#39; is not a whole number" in page
    assert requests_by(member) == []


def draft_of(user, **fields):
    return filing.file_request(filing.checked(mc_document(**fields)), user)


def test_edit_saves_the_draft_many_times(client, member):
    request = draft_of(member, count=1)
    for version, words in ((1, "first"), (2, "second")):
        form = form_of(filing.document_of(request) | {"description": words})
        form |= {"version": str(version), "action": "save"}
        response = client.post(f"/requests/{request.id}/edit", data=form)
        assert response.status_code == 303
    assert (request.description, request.version) == ("second", 3)
    page = client.get(f"/requests/{request.id}/edit").get_data(as_text=True)
    assert 'value="second"' in page


def test_a_stale_form_is_refused_with_what_happened(client, member):
    request = draft_of(member)
    form = form_of(filing.document_of(request) | {"description": "x"}) | {"version": "1"}
    client.post(f"/requests/{request.id}/edit", data=form)
    response = client.post(f"/requests/{request.id}/edit", data=form | {"description": "y"})
    assert response.status_code == 409
    assert "changed after you loaded it" in response.get_data(as_text=True)
    assert 'value="y"' in response.get_data(as_text=True)


def test_submit_for_review_from_the_form(client, member):
    request = draft_of(member)
    form = form_of(filing.document_of(request)) | {"version": "1", "action": "submit"}
    response = client.post(f"/requests/{request.id}/edit", data=form)
    assert response.location.endswith(f"/requests/{request.id}")
    assert request.status == RequestStatus.WAITING


def test_submit_reads_and_validates_the_draft_once(client, member):
    """Save-and-submit of a many-slice draft: its slices are read once and the catalog a
    validation loads is read once (submission does not re-read and re-check the draft)."""
    request = draft_of(member, count=40)
    form = form_of(filing.document_of(request)) | {"version": "1", "action": "submit"}
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.post(f"/requests/{request.id}/edit", data=form)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert response.location.endswith(f"/requests/{request.id}")
    assert request.status == RequestStatus.WAITING
    slice_reads = [s for s in seen if s.startswith("SELECT") and "FROM steps" in s]
    catalog_reads = [s for s in seen if s.startswith("SELECT") and "FROM projects" in s]
    assert len(slice_reads) == 1, slice_reads
    assert len(catalog_reads) == 1, catalog_reads


def test_only_the_requester_may_open_the_editor(client, make, login_as):
    request = draft_of(make.user(groups={"HIGG": "member"}))
    login_as(make.user(groups={"HIGG": "convener"}))
    assert client.get(f"/requests/{request.id}/edit").status_code == 403


def test_clone_from_the_request_page(client, member, make):
    source = draft_of(make.user(groups={"HIGG": "member"}), count=2)
    page = client.get(f"/requests/{source.id}").get_data(as_text=True)
    assert "Clone into a new draft" in page
    assert "Edit draft" not in page
    response = client.post(f"/requests/{source.id}/clone")
    [clone] = requests_by(member)
    assert response.location.endswith(f"/requests/{clone.id}/edit")
    assert clone.cloned_from_id == source.id
    assert len(clone.slices) == 2


def test_a_non_member_cannot_clone(client, make, login_as):
    source = draft_of(make.user(groups={"HIGG": "member"}))
    login_as(make.user(groups={"SUSY": "member"}))
    assert client.post(f"/requests/{source.id}/clone").status_code == 403


def test_clone_one_slice_of_my_draft(client, member):
    request = draft_of(member, count=1)
    piece = request.slices[0]
    response = client.post(f"/requests/{request.id}/slices/{piece.id}/clone", data={"version": 1})
    assert response.status_code == 303
    assert [s.cloned_from_id for s in request.slices] == [None, piece.id]


def test_a_big_request_shows_a_page_of_slices_and_keeps_the_rest(client, member):
    request = draft_of(member, count=250)
    page = client.get(f"/requests/{request.id}/edit").get_data(as_text=True)
    assert "Slices 1–100 of 250" in page
    assert 'name="slices-99-dsid"' in page
    assert 'name="slices-100-dsid"' not in page

    form = form_fields(page) | {"op": "window:200"}
    page = client.post("/requests/editor", data=form, headers=HTMX).get_data(as_text=True)
    assert "Slices 201–250 of 250" in page
    assert 'name="slices-249-dsid" value="601478"' in page

    form = form_fields(page) | {"slices-249-events": "0", "action": "save"}
    form["slices_before"] = re.sub(
        r'"events": ?"?10000"?', '"events": 7', form["slices_before"], count=1
    )
    response = client.post(f"/requests/{request.id}/edit", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="s249-events-error"' in page
    form["slices-249-events"] = "5"
    assert client.post(f"/requests/{request.id}/edit", data=form).status_code == 303
    assert len(request.slices) == 250
    assert (request.slices[0].events, request.slices[100].events) == (7, 10000)
    assert request.slices[249].events == 5


def test_errors_outside_the_page_are_listed_with_a_way_there(client, member):
    request = draft_of(member, count=160)
    form = form_fields(client.get(f"/requests/{request.id}/edit").get_data(as_text=True))
    form["slices_after"] = re.sub(r'"dsid": ?"601379"', '"dsid": "1"', form["slices_after"])
    response = client.post(f"/requests/{request.id}/edit", data=form)
    page = response.get_data(as_text=True)
    assert "Slice 151 (dsid): Dataset number &#39;1&#39; must be 6 to 8 digits." in page
    assert "window:150" in page


def test_changing_group_or_type_refreshes_templates_and_fills_empty_defaults(
    client, make, login_as
):
    susy = make.group("SUSY")
    user = make.user(groups={"HIGG": "member"})
    user.memberships.append(Membership(working_group=susy, role="member"))
    login_as(user)
    susy.settings = {"request_defaults": {"GROUP": {"project": "mc20_13TeV", "priority": 300}}}
    template = make.template(name="HIGG chain")
    form = form_of(mc_document(count=0, project="", priority="")) | {"template_id": template.id}
    form |= {"working_group": "SUSY", "request_type": "GROUP", "op": "context"}
    page = client.post("/requests/editor", data=form, headers=HTMX).get_data(as_text=True)
    assert '<option value="mc20_13TeV" selected>' in page
    assert 'name="priority" id="f-priority" value="300"' in page
    assert "HIGG chain" not in page
    assert '<option value="">(none: group defaults)</option>' in page


@pytest.mark.parametrize(
    ("cell", "value", "error"),
    [
        ("slices-4-input_dataset", "mc23.bad name", "Not a dataset name"),
        ("slices-4-dsid", "12", "must be 6 to 8 digits"),
        ("slices-4-events", "0", "above zero"),
        ("slices-4-dsid", "601229", None),
    ],
)
def test_a_slice_field_checks_itself_when_changed(client, member, cell, value, error):
    form = {f"slices-4-{k}": v for k, v in {"dsid": "601229", "brief": "PhPy8EG_x"}.items()}
    form |= {"slices-4-events": "100", cell: value, "cell": cell, "request_type": "MC"}
    form |= {"project": "mc23_13p6TeV", "slices-0-dsid": "1", "slices-9-input_dataset": "x"}
    response = client.post("/requests/editor/cell", data=form, headers=HTMX)
    page = response.get_data(as_text=True)
    assert page.startswith("\n<td") or page.lstrip().startswith("<td")
    assert f'name="{cell}" value="{value}"' in page
    if error:
        assert error in page
        assert 'aria-invalid="true"' in page
    else:
        assert "field-error" not in page


def test_a_cell_check_needs_a_known_field(client, member):
    response = client.post("/requests/editor/cell", data={"cell": "slices-0-steps"}, headers=HTMX)
    assert response.status_code == 400


@pytest.mark.parametrize("template", ["abc", "999999", ""])
def test_an_unknown_template_in_the_address_is_ignored(client, member, template):
    assert client.get(f"/requests/new?template={template}").status_code == 200


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/requests/new", None),
        ("/requests/editor", {"op": "paste", "paste": "601229 ttbar 1000"}),
        ("/requests/editor/cell", {"cell": "slices-0-dsid", "slices-0-dsid": "601229"}),
    ],
)
def test_only_members_of_a_group_open_the_form_and_its_editor(client, make, login_as, path, form):
    """The form, its editor and its imports (which cost a worker real work) are for people who
    may file a request: members of some working group."""
    login_as(make.user(roles=(GlobalRole.PRODUCTION_MANAGER,)))
    answer = client.get(path) if form is None else client.post(path, data=form, headers=HTMX)
    assert answer.status_code == 403
    assert "You are in no working group" in answer.get_data(as_text=True)
