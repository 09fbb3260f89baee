import io

import pytest
from django.core.management import CommandError, call_command

from doanket.accounts.models import ApiToken


def test_issue_token_prints_a_token_that_works(cast, client):
    out = io.StringIO()
    call_command("issue_token", "viewer", stdout=out)
    raw = out.getvalue().strip()
    assert ApiToken.objects.get(user=cast.viewer).digest == ApiToken.hash(raw)
    response = client.get("/api/units/N1", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200


def test_issue_token_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="Không có người dùng"):
        call_command("issue_token", "khong_ai")
