"""A wide scope lists its communes and opens one at a time."""

from doanket.households import register_views


def test_a_city_wide_scope_lists_communes_and_opens_one(client_for, homes, monkeypatch):
    t = homes.tree
    monkeypatch.setattr(register_views, "AREAS_SHOWN", 2)
    client = client_for(homes.cast.admin)
    page = client.get("/households/").content.decode()
    assert 'id="folded"' in page
    assert "Thôn Đông" not in page  # A1's name shows only once its commune is opened
    page = client.get(f"/households/?commune={t.N1.pk}").content.decode()
    assert "Thôn Đông" in page and "Thôn Hạ" not in page  # A4 sits in N2, still folded


def test_a_narrow_scope_shows_its_areas_at_once(client_for, homes):
    page = client_for(homes.cast.viewer).get("/households/").content.decode()
    assert 'id="folded"' not in page and "Thôn Đông" in page
