"""Method whitelists a wholesaler hands to known partners, ticked by one click in the token form.

BloomNet's come from its integration guide (`shared/spec/MARKETPLACE.md`, "What the wholesaler
hands over"); the demo launcher uses the same lists, so the demo's tokens are what a person would make.
"""

from __future__ import annotations

from stemlink.api.registry import TokenType

BLOOMNET_METHODS: dict[str, tuple[str, ...]] = {
    TokenType.COMPANY.value: (
        "boxtype.list",
        "carrier.list",
        "category.list",
        "product.list",
        "customer.shipto.add",
        "customer.shipto.update",
        "customer.shipto.list",
        "location.list",
    ),
    TokenType.CUSTOMER.value: (
        "customer.details.get",
        "customer.shipto.list",
        "ecommerce/inventory.list",
        "ecommerce/inventory.get",
        "ecommerce/inventory-available-dates.list",
        "ecommerce/customer-carriers.list",
        "web-order.create",
        "web-order-item.add",
        "web-order-item.delete",
        "web-order.checkout",
        "web-order-details.list",
        "web-order.delete",
        "invoice.list",
        "invoice.details.list",
        "invoice.pdf.get",
        "prebook.list",
        "standing.order.create",
    ),
}
