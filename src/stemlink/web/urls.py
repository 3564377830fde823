"""Back-office routes: sign in/out, Home, Orders, Inventory, Fees and Setup.

Every view declares who may open it (`stemlink.web.access`); a test walks these routes.
"""

from django.urls import URLPattern, path

from stemlink.web.access import public
from stemlink.web.views import (
    auth,
    customers,
    fees,
    firstrun,
    home,
    integrations,
    inventory,
    orders,
    purchasing,
    setup,
    tokens,
)

app_name = "web"

urlpatterns: list[URLPattern] = [
    path("welcome/", public(firstrun.first_run), name="first_run"),
    path("login/", public(auth.SignInView.as_view()), name="login"),
    path("logout/", public(auth.SignOutView.as_view()), name="logout"),
    path("company/", auth.switch_company, name="switch_company"),
    path("", home.home, name="home"),
    # Setup » Settings, and its Integrations group
    path("setup/settings/", setup.settings_page, name="settings"),
    path("setup/settings/integrations/tokens/", tokens.token_list, name="tokens"),
    path("setup/settings/integrations/tokens/new/", tokens.token_new, name="token_new"),
    path("setup/settings/integrations/tokens/<int:token_id>/", tokens.token_detail, name="token"),
    path(
        "setup/settings/integrations/tokens/<int:token_id>/regenerate/",
        tokens.token_regenerate,
        name="token_regenerate",
    ),
    path(
        "setup/settings/integrations/tokens/<int:token_id>/enable/", tokens.token_enable, name="token_enable"
    ),
    path(
        "setup/settings/integrations/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"
    ),
    path("setup/settings/integrations/endpoints/", integrations.endpoint_list, name="endpoints"),
    path(
        "setup/settings/integrations/endpoints/<int:endpoint_id>/",
        integrations.endpoint_detail,
        name="endpoint",
    ),
    path(
        "setup/settings/integrations/deliveries/<int:delivery_id>/retry/",
        integrations.delivery_retry,
        name="delivery_retry",
    ),
    # Setup » Customers
    path("setup/customers/", customers.customer_list, name="customers"),
    path("setup/customers/export.xlsx", customers.customer_export, name="customers_export"),
    path("setup/customers/<int:customer_id>/", customers.customer_detail, name="customer"),
    # Inventory
    path("inventory/", inventory.inventory_list, name="inventory"),
    path("inventory/<str:view>/new/", inventory.line_new, name="inventory_new"),
    path("inventory/<str:view>/<int:line_id>/", inventory.line_detail, name="inventory_line"),
    # Orders
    path("orders/", orders.orders_page, name="orders"),
    path("orders/confirm/", orders.confirm_orders, name="orders_confirm"),
    path("orders/invoices/", orders.invoice_list, name="invoices"),
    path("orders/invoices/<int:invoice_id>/", orders.invoice_detail, name="invoice"),
    path("orders/invoices/<int:invoice_id>/confirm/", orders.invoice_confirm, name="invoice_confirm"),
    path("orders/invoices/<int:invoice_id>/void/", orders.invoice_void, name="invoice_void"),
    path("orders/invoices/<int:invoice_id>/pdf/", orders.invoice_pdf, name="invoice_pdf"),
    path("orders/prebooks/", orders.prebook_list, name="prebooks"),
    path("orders/prebooks/<int:prebook_id>/", orders.prebook_detail, name="prebook"),
    path("orders/prebooks/<int:prebook_id>/pdf/", orders.prebook_pdf, name="prebook_pdf"),
    # Purchasing
    path("purchasing/", purchasing.order_list, name="purchase_orders"),
    path("purchasing/new/", purchasing.order_new, name="purchase_order_new"),
    path("purchasing/<int:order_id>/", purchasing.order_detail, name="purchase_order"),
    path("purchasing/availability/", purchasing.availability, name="availability"),
    path("purchasing/hard-goods/", purchasing.hard_goods, name="hard_goods"),
    path("purchasing/uncovered/", purchasing.uncovered, name="uncovered"),
    # Fees
    path("fees/", fees.fees_report, name="fees"),
    path("fees/export.xlsx", fees.fees_export, name="fees_export"),
]
