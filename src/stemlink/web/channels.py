"""How the back office names the channel an order came through (tables, the home chart)."""

from __future__ import annotations

from stemlink.orders.models import SalesChannel

BACK_OFFICE = "Back office"
MARKETPLACE_API = "Marketplace API"


def channel_name(is_ecommerce: bool, sales_channel: str) -> str:
    """Name an order's channel: the back office, or the API with the client's X-SALES-CHANNEL."""
    if not is_ecommerce:
        return BACK_OFFICE
    if sales_channel in SalesChannel.values and sales_channel:
        return str(SalesChannel(sales_channel).label)
    return MARKETPLACE_API
