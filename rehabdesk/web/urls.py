from django.contrib.auth import views as auth_views
from django.urls import path

from rehabdesk.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            template_name="web/sign_in.html", redirect_authenticated_user=True
        ),
        name="sign-in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path(
        "staff/registrations/expiring/",
        views.registrations_expiring,
        name="registrations-expiring",
    ),
]
