"""The dashboard's own lists: my requests, what waits for my review, bars that open the tables."""

from deftweb.models import GlobalRole


def test_my_requests_and_my_review_queue(client, make, login_as):
    convener = login_as(make.user(groups={"HIGG": "convener"}))
    mine = make.request(requester=convener, description="filed by the convener")
    theirs = make.request(status="waiting", request_type="GROUP", description="needs HIGG review")
    make.request(status="waiting", request_type="GROUP", working_group=make.group("SUSY"))
    page = client.get("/").get_data(as_text=True)
    my_requests = page.split('id="my-requests"')[1].split("</table>")[0]
    to_review = page.split('id="my-review"')[1].split("</table>")[0]
    assert f'/requests/{mine.id}"' in my_requests
    assert f'/requests/{theirs.id}"' in to_review
    assert "SUSY" not in to_review
    assert f"/requests/?requester={convener.username}" in page


def test_nothing_to_review_for_a_member(client, make, login_as):
    login_as(make.user(groups={"HIGG": "member"}))
    make.request(status="waiting", request_type="GROUP")
    page = client.get("/").get_data(as_text=True)
    assert "Nothing waits for you." in page
    assert "You have filed no request." in page


def test_status_bars_open_the_filtered_tables(client, make, login_as):
    login_as(make.user(roles=(GlobalRole.PRODUCTION_MANAGER,)))
    make.task(status="running")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/tasks/?status=running"' in page
    assert 'href="/requests/?status=waiting"' in page
