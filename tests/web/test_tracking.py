"""Tracked links over the web app: bad tokens get a page, never a server error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from carecycle.bootstrap import Runtime
from carecycle.config import load_settings
from carecycle.store.db import Store
from carecycle.web.app import create_app


@pytest.fixture
def client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    runtime = Runtime(settings=load_settings(outbox_dir=tmp_path), store=store)
    with TestClient(create_app(runtime)) as made:
        yield made


@pytest.mark.parametrize("token", ["nodot", "a.b", "%E4%BD%A0%E5%A5%BD.x", "x" * 3000])
def test_a_bad_link_is_a_400_page_on_every_route(client: TestClient, token: str) -> None:
    for method, path in (("GET", "t/c"), ("GET", "u"), ("POST", "u")):
        answer = client.request(method, f"/{path}/{token}", follow_redirects=False)
        assert answer.status_code == 400
        assert "This link is not valid" in answer.text
    pixel = client.get(f"/t/o/{token}")
    assert pixel.status_code == 200
    assert pixel.headers["content-type"] == "image/gif"
