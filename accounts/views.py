from django.contrib.auth import views as auth_views

from core.access import AccessRule, access

from .forms import SignInForm


@access(AccessRule.PUBLIC)
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@access(AccessRule.SIGNED_IN)
class SignOutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"
