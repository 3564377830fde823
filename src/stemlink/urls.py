"""Routes: the API under /api/, the Django admin under /admin/, the back office at the root."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("stemlink.api.urls")),
    path("", include("stemlink.web.urls")),
]

# An unreachable database answers 503 with Retry-After (the API's envelope under /api/), also
# when it surfaces as a 400 (a session that could not be saved at the end of a request).
handler400 = "stemlink.unavailable.bad_request"
handler500 = "stemlink.unavailable.server_error"
