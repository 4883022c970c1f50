"""The voting code the letter's QR code puts in `/vote?code=…` is not written to the server's access log
(a real `tracker serve` process, as an operator starts it, with uvicorn's access log on)."""

from __future__ import annotations

import logging

import httpx

from tests.live import serving
from tracker.web.access_log import RedactVotingCodes, redact

CODE = "KVEP-KEVN-4FFV"


def test_the_filter_drops_the_codes_value_and_keeps_the_rest():
    assert redact(f"/vote?code={CODE}") == "/vote?code=[redacted]"
    assert redact(f"/vote?lang=zh&code={CODE}#x") == "/vote?lang=zh&code=[redacted]#x"
    assert redact("/lang/zh_CN?next=/vote") == "/lang/zh_CN?next=/vote"
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", f"/vote?code={CODE}", "1.1", 200), None)
    assert RedactVotingCodes().filter(record)
    assert CODE not in record.getMessage() and '"GET /vote?code=[redacted] HTTP/1.1" 200' in record.getMessage()


async def test_a_served_app_logs_the_vote_request_without_its_code(world, tmp_path):
    log = tmp_path / "serve.log"
    async with serving(cli=True, log=log) as [app], httpx.AsyncClient(timeout=30) as client:
        page = await client.get(f"{app.base}/vote", params={"code": CODE})
        assert page.status_code == 200 and CODE in page.text  # the page fills it in
        await client.get(f"{app.base}/health")
    written = log.read_text(errors="replace")
    assert "GET /vote?code=[redacted]" in written, written[-2000:]
    assert CODE not in written
