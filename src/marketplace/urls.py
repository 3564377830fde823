"""The marketplace's URLs: storefront, florist account, operator pages, webhook receiver."""

from django.urls import path

from marketplace.web import firstrun_views, operator_views, views, webhook_views

urlpatterns = [
    path("", views.offer_list, name="offers"),
    path("offers/<int:offer_id>/", views.offer_detail, name="offer"),
    path("offers/<int:offer_id>/standing/", views.standing_order_new, name="standing_order_new"),
    path("accounts/signup/", views.sign_up, name="signup"),
    path("accounts/login/", views.sign_in, name="signin"),
    path("accounts/logout/", views.sign_out, name="signout"),
    path("cart/", views.cart, name="cart"),
    path("cart/<int:line_id>/update/", views.cart_update, name="cart_update"),
    path("cart/<int:line_id>/remove/", views.cart_remove, name="cart_remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/<int:attempt_id>/", views.checkout_result, name="checkout_result"),
    path("checkout/<int:attempt_id>/retry/", views.checkout_retry, name="checkout_retry"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:order_id>/invoice.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("standing-orders/", views.standing_orders, name="standing_orders"),
    path("standing-orders/<int:standing_id>/retry/", views.standing_order_retry, name="standing_order_retry"),
    path("operator/welcome/", firstrun_views.first_operator, name="operator_first_run"),
    path("operator/", operator_views.supplier_list, name="operator_suppliers"),
    path("operator/suppliers/new/", operator_views.supplier_new, name="operator_supplier_new"),
    path("operator/suppliers/<int:supplier_id>/", operator_views.supplier_detail, name="operator_supplier"),
    path(
        "operator/suppliers/<int:supplier_id>/edit/",
        operator_views.supplier_edit,
        name="operator_supplier_edit",
    ),
    path(
        "operator/suppliers/<int:supplier_id>/check/",
        operator_views.supplier_check,
        name="operator_supplier_check",
    ),
    path(
        "operator/suppliers/<int:supplier_id>/toggle/",
        operator_views.supplier_toggle,
        name="operator_supplier_toggle",
    ),
    path(
        "operator/suppliers/<int:supplier_id>/sync/",
        operator_views.supplier_sync_now,
        name="operator_supplier_sync",
    ),
    path(
        "operator/suppliers/<int:supplier_id>/webhook-secret/",
        operator_views.supplier_webhook_secret,
        name="operator_supplier_webhook_secret",
    ),
    path("webhooks/<int:supplier_id>/", webhook_views.receive_webhook, name="webhook"),
    path("health/", webhook_views.health, name="health"),
]
