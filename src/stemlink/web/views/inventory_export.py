"""Inventory » Export: the on-hand lines matching the list's filters, first in the columns of
the on-hand import (the same names and order), then what the list shows besides (line id, free,
held, sold, reserved for). Those extra columns make the import refuse the export as it is, so
the same boxes are not put on hand twice by mistake. Unit costs only for roles that see costs."""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from django.utils import timezone

from stemlink.inventory.models import InventoryLine
from stemlink.tenancy import calendar
from stemlink.tenancy.rules import Perm
from stemlink.web.access import CompanyRequest, company_page
from stemlink.web.exports import export_response
from stemlink.web.forms import InventoryFilterForm
from stemlink.web.imports import SPECS
from stemlink.web.views.inventory import _filtered


@company_page(Perm.INVENTORY_VIEW)
def inventory_export(request: CompanyRequest) -> HttpResponseBase:
    costs = request.can[Perm.COSTS_VIEW.value]
    form = InventoryFilterForm(request.company, request.GET or None)
    rows = _filtered(InventoryLine, request.company, form)
    headers = [c.header for c in SPECS["inventory"].columns if costs or c.key != "unit_cost"]
    headers += ["Line ID", "Free", "Held", "Sold", "Reserved for", "Description"]

    def row(line: Any) -> list[object]:
        values: list[object] = [
            line.product.code,
            line.box_type.code,
            line.vendor.code if line.vendor else "",
            line.boxes_on_hand,
            line.unit_type,
            line.bunches,
            line.stems_bunch,
        ]
        if costs:
            values.append(line.unit_cost)
        values += [
            line.price,
            line.awb,
            line.ship_date,
            line.arrival_date,
            line.lot_number,
            line.pk,
            max(line.free, 0),
            line.boxes_held,
            line.boxes_sold,
            line.reserved_for.name if line.reserved_for else "",
            line.product.description,
        ]
        return values

    stamp = calendar.local_time(request.company, timezone.now()).strftime("%Y%m%d-%H%M")
    rows_out = (row(line) for line in rows.iterator(chunk_size=1000))
    return export_response(request, f"inventory-{stamp}", "On hand", headers, rows_out)
