"""The check that every declared API parameter is sent by some successful test call (tests/conftest.py)."""

from __future__ import annotations

from stemlink.api.answers import NoAnswer
from stemlink.api.params import Id
from stemlink.api.registry import CO, REGISTRY, Params, api_method
from tests import api_helpers, parameter_gaps
from tests.api_helpers import api, issue_token


def test_a_declared_parameter_no_successful_call_sends_is_reported(client, world, monkeypatch):
    class ProbeParams(Params):
        sent: Id | None = None
        forgotten: Id | None = None

    @api_method("test.probe", tokens={CO}, params=ProbeParams, answer=NoAnswer)
    def probe(ctx, params):
        return {}

    monkeypatch.setattr(api_helpers, "EXERCISED", set())
    try:
        token = issue_token(world.company, "company", methods=["test.probe"])
        status, _ = api(client, "test.probe", {"sent": 1}, token=token)
        assert status == 200
        # A refused call exercises nothing: its parameter was never applied.
        status, _ = api(client, "test.probe", {"forgotten": "x"}, token=token)
        assert status == 400
        missing = api_helpers.unexercised(parameter_gaps.KNOWN)
        assert ("test.probe", "forgotten") in missing and ("test.probe", "sent") not in missing
    finally:
        REGISTRY.pop("test.probe")


def test_declared_parameters_are_named_as_clients_send_them():
    declared = api_helpers.declared_parameters()
    assert ("prebook.list", "CompanyLocationId") in declared
    assert ("customer.shipto.add", "customerId") in declared
    assert declared >= parameter_gaps.KNOWN, "tests/parameter_gaps.py names parameters no method declares"
