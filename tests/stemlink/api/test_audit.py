"""The audit row is storable whatever was sent, so it is written without a savepoint. Both databases."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stemlink.api import audit
from stemlink.api.models import ApiCall


def _record(**changes):
    values = {
        "when": timezone.now(),
        "method": "carrier.list",
        "params": {"code": "ARM"},
        "token": None,
        "company": None,
        "status": 1,
        "error_code": "",
        "http_status": 200,
        "duration_ms": 3,
        "ip": "127.0.0.1",
        "sales_channel": "K2K",
    }
    values.update(changes)
    return audit.record_call(**values)


@pytest.mark.parametrize(
    "params",
    [
        {"price": float("nan")},
        {"price": float("inf")},
        {"name": "a\ud800b"},  # a lone surrogate: jsonb refuses it
        {"a\udfffb": 1},
        {"list": [float("-inf")]},
    ],
)
def test_parameters_jsonb_would_refuse_are_recorded_as_a_marker(world, params):
    with transaction.atomic():
        assert _record(params=params)
        assert ApiCall.objects.count() == 1  # the transaction is still usable
    assert ApiCall.objects.get().params == {"_unrecordable": True}


@pytest.mark.parametrize("ip", ["unix:/run/app.sock", "not an address", "", None, "999.1.1.1"])
def test_an_address_that_is_not_one_is_left_out(world, ip):
    assert _record(ip=ip)
    assert ApiCall.objects.get().ip is None


def test_text_with_a_lone_surrogate_nul_or_too_long_is_made_storable(world):
    long_method = "m\ud800" + "x" * 300
    assert _record(method=long_method, error_code="e\x00", sales_channel="s" * 99, duration_ms=10**12)
    call = ApiCall.objects.get()
    assert call.method.startswith("m\\ud800") and len(call.method) == 100
    assert call.error_code == "e\\u0000" and call.sales_channel == "s" * 30
    assert call.duration_ms == 2_147_483_647


def test_the_audit_row_inside_a_transaction_takes_no_savepoint(world):
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        assert _record()
    sql = [q["sql"] for q in captured.captured_queries]
    assert len(sql) == 1 and sql[0].startswith('INSERT INTO "api_apicall"'), sql
