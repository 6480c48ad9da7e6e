def test_dashboard_smoke(client, make, login_as):
    user = make.user()
    make.request(requester=user)
    login_as(user)
    response = client.get("/")
    assert response.status_code == 200, response.text
