"""Patients set or reset their password with a link e-mailed to them: ask for the link
(/my/password/), "sent" (the same answer whether or not the address is on file), the
link's page where the new password is chosen, and "done".

HTTP only: who gets a link, and creating a patient's sign-in, is
rehabdesk.online.accounts. The link's page is Django's PasswordResetConfirmView: it
checks the token, keeps it in the session and redirects to an address without it, so
the token is not left in the address bar, the history or a Referer header. No
personal detail is in any of these addresses (the link names the account only by its
number), and nothing here is logged.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse_lazy
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.audit.middleware import client_ip
from rehabdesk.online.accounts import password_link_request
from rehabdesk.online.errors import OnlineError
from rehabdesk.web.refusals import page_status


class PasswordLinkForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="The address the clinic has for you.",
    )


@sensitive_post_parameters("email")  # kept out of error reports
@require_http_methods(["GET", "POST"])
def password_request(request: HttpRequest) -> HttpResponse:
    form = PasswordLinkForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            password_link_request(
                email=form.cleaned_data["email"],
                client_ip=client_ip(request) or "unknown",
                now=timezone.now(),
            )
        except OnlineError as refusal:
            form.add_error("email", refusal.message)
            return render(
                request, "web/password/request.html", {"form": form}, status=page_status(refusal)
            )
        # The same answer whether a link went or not.
        return redirect("password-sent")
    return render(request, "web/password/request.html", {"form": form})


@require_GET
def password_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/password/sent.html")


@require_GET
def password_done(request: HttpRequest) -> HttpResponse:
    return render(request, "web/password/done.html")


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The link's page. Only a patient's active sign-in can be set here: a link to any
    other account shows the same "expired or used" page as a wrong one."""

    template_name = "web/password/set.html"
    success_url = reverse_lazy("password-done")
    post_reset_login = False

    def get_user(self, uidb64: str) -> Any:
        user: User | None = super().get_user(uidb64)
        if user is None or not user.is_active or Role.PATIENT not in roles_of(user.pk):
            return None
        return user


urlpatterns: list[URLPattern] = [
    path("my/password/", password_request, name="password-request"),
    path("my/password/sent/", password_sent, name="password-sent"),
    path("my/password/done/", password_done, name="password-done"),
    path("my/password/<uidb64>/<token>/", PasswordSetView.as_view(), name="password-set"),
]
