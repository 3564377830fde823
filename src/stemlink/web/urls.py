"""Back-office routes: sign in/out, Home, Orders, Inventory, Fees and Setup.

Every view declares who may open it (`stemlink.web.access`); a test walks these routes.
"""

from django.urls import URLPattern, path

from stemlink.web.access import public
from stemlink.web.views import (
    auth,
    customer_setup,
    customers,
    entry,
    fees,
    firstrun,
    home,
    imports,
    integrations,
    inventory,
    inventory_export,
    masterdata,
    orders,
    payment_methods,
    pickers,
    purchasing,
    setup,
    standing,
    tokens,
    users,
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
    path("setup/payment-methods/", payment_methods.payment_methods, name="payment_methods"),
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
    path("setup/customers/new/", customer_setup.customer_new, name="customer_new"),
    path("setup/customers/<int:customer_id>/", customers.customer_detail, name="customer"),
    path("setup/customers/<int:customer_id>/edit/", customer_setup.customer_edit, name="customer_edit"),
    path("setup/customers/<int:customer_id>/ship-tos/new/", customer_setup.ship_to_new, name="ship_to_new"),
    path(
        "setup/customers/<int:customer_id>/ship-tos/<int:ship_to_id>/",
        customer_setup.ship_to_edit,
        name="ship_to",
    ),
    # Setup » Products, Categories, Box types, Carriers, Growers, Locations
    *masterdata.urlpatterns(),
    # Setup » Users
    path("setup/users/", users.user_list, name="users"),
    path("setup/users/new/", users.user_new, name="user_new"),
    path("setup/users/<int:member_id>/", users.user_detail, name="user"),
    # Setup » Import (spreadsheets in)
    path("setup/import/products/", imports.import_products, name="import_products"),
    path(
        "setup/import/products/template/", imports.import_products_template, name="import_products_template"
    ),
    path("setup/import/customers/", imports.import_customers, name="import_customers"),
    path(
        "setup/import/customers/template/",
        imports.import_customers_template,
        name="import_customers_template",
    ),
    path("setup/import/inventory/", imports.import_inventory, name="import_inventory"),
    path(
        "setup/import/inventory/template/",
        imports.import_inventory_template,
        name="import_inventory_template",
    ),
    # Inventory
    path("inventory/", inventory.inventory_list, name="inventory"),
    path("inventory/export.xlsx", inventory_export.inventory_export, name="inventory_export"),
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
    # Order entry (a sales rep's order) and the lines of Draft and Pending invoices
    path("orders/new/", entry.entry_new, name="entry_new"),
    path("orders/new/ship-tos/", entry.entry_ship_tos, name="entry_ship_tos"),
    path("orders/entry/<int:entry_id>/", entry.entry_detail, name="entry"),
    path("orders/entry/<int:entry_id>/search/", entry.entry_search, name="entry_search"),
    path("orders/invoices/<int:invoice_id>/lines/", entry.invoice_lines, name="invoice_lines"),
    path("orders/invoices/<int:invoice_id>/search/", entry.invoice_search, name="invoice_search"),
    path("orders/invoices/<int:invoice_id>/checkout/", entry.invoice_checkout, name="invoice_checkout"),
    path("orders/prebooks/<int:prebook_id>/change/", entry.prebook_change, name="prebook_change"),
    # Standing orders
    path("orders/standing/", standing.standing_list, name="standing_orders"),
    path("orders/standing/new/", standing.standing_new, name="standing_new"),
    path("orders/standing/<int:standing_id>/", standing.standing_detail, name="standing"),
    # Purchasing
    path("purchasing/", purchasing.order_list, name="purchase_orders"),
    path("purchasing/new/", purchasing.order_new, name="purchase_order_new"),
    path("purchasing/<int:order_id>/", purchasing.order_detail, name="purchase_order"),
    path("purchasing/availability/", purchasing.availability, name="availability"),
    path("purchasing/hard-goods/", purchasing.hard_goods, name="hard_goods"),
    path("purchasing/uncovered/", purchasing.uncovered, name="uncovered"),
    path("purchasing/for-prebook/<int:prebook_id>/", purchasing.buy_for_prebook, name="buy_for_prebook"),
    # Fees
    path("pick/customers/", pickers.pick_customer, name="pick_customer"),
    path("pick/customers/active/", pickers.pick_active_customer, name="pick_customer_active"),
    path("pick/lines/", pickers.pick_line, name="pick_line"),
    path("pick/products/", pickers.pick_product, name="pick_product"),
    path("pick/categories/", pickers.pick_category, name="pick_category"),
    path("pick/growers/", pickers.pick_vendor, name="pick_vendor"),
    path("fees/", fees.fees_report, name="fees"),
    path("fees/export.xlsx", fees.fees_export, name="fees_export"),
]
