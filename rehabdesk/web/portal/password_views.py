"""Everyone who forgot their password, staff or patient, and patients setting their
first one, do it with a link e-mailed to them ("Forgot your password?" on the sign-in
page): ask for the link (/my/password/), "sent" (the same answer whether or not the
address is on file), the link's page where the new password is chosen, and "done".

HTTP only: who gets a link, and creating a patient's sign-in, is
rehabdesk.online.accounts; setting the password (every session ended, the owner
told, audited) is accounts.services.user_password_set_by_link. The link's page is
Django's PasswordResetConfirmView: it checks the token, keeps it in the session and
redirects to an address without it, so the token is not left in the address bar, the
history or a Referer header. No personal detail is in any of these addresses (the
link names the account only by its number), and nothing here is logged.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse_lazy
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.accounts.errors import AccountsError
from rehabdesk.accounts.models import User
from rehabdesk.accounts.services import user_password_set_by_link
from rehabdesk.audit.middleware import client_ip
from rehabdesk.clinic.selectors import clinic_current
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
    """The link's page, for any active sign-in: a link to one switched off shows the
    same "expired or used" page as a wrong one. Saving is the service's (not the
    form's own save): sessions ended, the owner told, audited. Nobody is signed in
    here; staff give their second factor at the next sign-in as always."""

    template_name = "web/password/set.html"
    success_url = reverse_lazy("password-done")
    post_reset_login = False

    def get_user(self, uidb64: str) -> Any:
        user: User | None = super().get_user(uidb64)
        if user is None or not user.is_active:
            return None
        return user

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        clinic = clinic_current()
        try:
            user_password_set_by_link(
                user=form.user,
                new_password=form.cleaned_data["new_password1"],
                clinic_name=clinic.name if clinic else "Rehabdesk",
                clinic_phone=clinic.phone if clinic else "",
                now=timezone.now(),
            )
        except AccountsError as refusal:  # the form's own validation ran the same rules
            form.add_error("new_password2", refusal.message)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


urlpatterns: list[URLPattern] = [
    path("my/password/", password_request, name="password-request"),
    path("my/password/sent/", password_sent, name="password-sent"),
    path("my/password/done/", password_done, name="password-done"),
    path("my/password/<uidb64>/<token>/", PasswordSetView.as_view(), name="password-set"),
]
