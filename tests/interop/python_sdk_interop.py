"""Drives transcodely-sandbox with the official Transcodely Python SDK (a client nobody on this
project wrote). Usage: python_sdk_interop.py BASE_URL LIVE_KEY TEST_KEY

Prints one line per check and ends with "interop: N passed, M failed"; exits non-zero on failure.
"""
import sys
import traceback

import httpx
import transcodely
from transcodely import errors
from transcodely.v1 import job_pb2

BASE_URL, LIVE_KEY, TEST_KEY = sys.argv[1:4]
OUTPUTS = [{"type": "mp4", "video": [{"codec": "h264", "resolution": "720p"}]}]
results = []


def check(name):
    def wrap(fn):
        try:
            detail = fn()
            results.append(True)
            print(f"ok   {name}" + (f": {detail}" if detail else ""), flush=True)
        except Exception:  # noqa: BLE001 — report every failure and keep going
            results.append(False)
            print(f"FAIL {name}", flush=True)
            traceback.print_exc()
        return fn
    return wrap


def client(key):
    return transcodely.Transcodely(api_key=key, base_url=BASE_URL, max_retries=0)


live = client(LIVE_KEY)
state = {}


@check("health.check")
def _():
    return str(live.health.check()).strip().replace("\n", " ")


@check("api_keys.create returns the secret once")
def _():
    created = live.api_keys.create(name="interop key", description="made by the Python SDK")
    assert created.secret.startswith("ak_live_"), created.secret
    assert created.api_key.key_hint == created.secret[-4:], created.api_key.key_hint
    state["key_id"] = created.api_key.id
    state["secret"] = created.secret
    return created.api_key.id


@check("the new key authenticates")
def _():
    assert client(state["secret"]).api_keys.get(state["key_id"]).id == state["key_id"]


@check("jobs.create (several)")
def _():
    ids = []
    for i in range(7):
        job = live.jobs.create(input_url=f"https://example.com/in-{i}.mp4", outputs=OUTPUTS,
                               managed=True)
        assert job.id.startswith("job_"), job.id
        ids.append(job.id)
    state["job_ids"] = ids
    return f"{len(ids)} jobs"


@check("jobs.create is idempotent with the same key")
def _():
    opts = {"idempotency_key": "interop-idem-1"}
    a = live.jobs.create(input_url="https://example.com/same.mp4", outputs=OUTPUTS, managed=True,
                         **opts)
    b = live.jobs.create(input_url="https://example.com/same.mp4", outputs=OUTPUTS, managed=True,
                         **opts)
    assert a.id == b.id, (a.id, b.id)
    state["job_ids"].append(a.id)


@check("jobs.list auto-pages across several pages")
def _():
    seen = [job.id for job in live.jobs.list(limit=3).auto_paging_iter()]
    missing = set(state["job_ids"]) - set(seen)
    assert not missing, missing
    assert len(seen) == len(set(seen)), "duplicates across pages"
    first_page = live.jobs.list(limit=3)
    assert len(first_page.items) == 3 and first_page.next_cursor, "expected a first page of 3"
    return f"{len(seen)} jobs over pages of 3"


@check("jobs.get")
def _():
    job = live.jobs.get(state["job_ids"][0])
    assert job.id == state["job_ids"][0]


@check("jobs.watch follows a job to completion")
def _():
    events = []
    for event in live.jobs.watch(state["job_ids"][0]):
        events.append(job_pb2.WatchEventType.Name(event.event))
    assert events[0] == "WATCH_EVENT_TYPE_SNAPSHOT", events
    assert events[-1] == "WATCH_EVENT_TYPE_COMPLETED", events
    assert "WATCH_EVENT_TYPE_HEARTBEAT" not in events, events
    final = live.jobs.get(state["job_ids"][0])
    assert job_pb2.JobStatus.Name(final.status) == "JOB_STATUS_COMPLETED", final
    return f"{len(events)} events"


@check("not found is NotFoundError")
def _():
    try:
        live.jobs.get("job_doesnotexist")
    except errors.NotFoundError as e:
        assert e.request_id and e.request_id.startswith("req_"), e.request_id
        return f"{e} (request {e.request_id})"
    raise AssertionError("expected NotFoundError")


@check("invalid request is InvalidRequestError with field violations")
def _():
    try:
        live.jobs.create(input_url="ftp://example.com/x.mp4", outputs=OUTPUTS, managed=True)
    except errors.InvalidRequestError as e:
        fields = [v.field for v in e.errors]
        assert "input_url" in fields, fields
        return f"{e} {fields}"
    raise AssertionError("expected InvalidRequestError")


@check("api_keys.revoke, then the key is refused")
def _():
    revoked = live.api_keys.revoke(state["key_id"])
    assert revoked.is_revoked
    try:
        client(state["secret"]).jobs.list(limit=1).items
    except errors.AuthenticationError as e:
        return str(e)
    raise AssertionError("expected AuthenticationError")


@check("a request without Authorization is unauthenticated (HTTP 401)")
def _():
    response = httpx.post(f"{BASE_URL}/transcodely.v1.JobService/List", json={},
                          headers={"connect-protocol-version": "1"})
    assert response.status_code == 401, response.status_code
    body = response.json()
    assert body["code"] == "unauthenticated", body
    assert response.headers.get("x-request-id", "").startswith("req_"), response.headers
    return body["message"]


@check("malformed, unknown and wrong-environment keys are AuthenticationError")
def _():
    messages = []
    for key in ["ak_bogus_format", "ak_live_notarealkey000000000000000"]:
        try:
            client(key).jobs.list(limit=1).items
            raise AssertionError(f"{key} was accepted")
        except errors.AuthenticationError as e:
            messages.append(str(e))
    try:
        client(TEST_KEY).jobs.get(state["job_ids"][0])
        raise AssertionError("a test key read a live job")
    except errors.AuthenticationError as e:
        messages.append(str(e))
    return " | ".join(messages)


passed = sum(results)
failed = len(results) - passed
print(f"interop: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
