"""The OpenAPI schema validates without warnings, and the Swagger UI is served without a CDN."""

from django.core.management import call_command


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/citizens/{id}/reveal-cpr/" in text
    assert "/api/v1/forecasts/" in text


def test_swagger_ui_uses_vendored_assets(client, alice):
    client.force_login(alice.user)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn" not in html.lower()
    assert client.get("/api/schema/").status_code == 200
