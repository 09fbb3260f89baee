import unicodedata

from django.urls import reverse

from doanket.accounts.models import User


def test_text_typed_with_a_decomposing_keyboard_is_stored_composed(client_for, cast):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    response = client_for(cast.admin).post(
        reverse("accounts:user_create"),
        {
            "username": "anh",
            "full_name": decomposed,
            "password": "mot-mat-khau-dai",
            "role": "viewer",
            "unit": cast.tree.N1.pk,
        },
    )
    assert response.status_code == 302
    stored = User.objects.get(username="anh").full_name
    assert stored == "Nguyễn Thị Ánh" and unicodedata.is_normalized("NFC", stored)


def test_a_search_typed_decomposed_finds_the_composed_name(client_for, cast):
    query = unicodedata.normalize("NFD", "Cẩm Thượng")
    page = client_for(cast.admin).get(reverse("search"), {"q": query}).content.decode()
    assert "Xã Cẩm Thượng" in page
