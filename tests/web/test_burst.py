"""A burst of requests to a DuckDB-backed server all get answers: requests take turns."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn

from carecycle.bootstrap import Runtime
from carecycle.config import load_settings
from carecycle.store import migrate
from carecycle.store.db import open_store
from carecycle.web.app import create_app
from tests.smtp_server import free_port

REQUESTS = 80


def test_a_burst_of_open_pixels_is_answered_in_full(tmp_path: Path) -> None:
    store = open_store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    migrate.upgrade(store)
    runtime = Runtime(settings=load_settings(outbox_dir=tmp_path), store=store)
    port = free_port()
    config = uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        with httpx.Client(timeout=30) as client, ThreadPoolExecutor(REQUESTS) as pool:
            url = f"http://127.0.0.1:{port}/t/o/not.signed"
            answers = list(pool.map(lambda _: client.get(url), range(REQUESTS)))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()
    assert [a.status_code for a in answers] == [200] * REQUESTS
    assert {a.headers["content-type"] for a in answers} == {"image/gif"}
