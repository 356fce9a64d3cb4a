from django.urls import path

from .views import account, auth, invitations, national, people

app_name = "accounts"

urlpatterns = [
    # Sign in and out, two-factor, passwords
    path("sign-in/", auth.SignInView.as_view(), name="login"),
    path("sign-in/security-code/", auth.two_factor_verify, name="two_factor_verify"),
    path("sign-out/", auth.SignOutView.as_view(), name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The signed-in user's own pages
    path("dashboard/", account.dashboard, name="dashboard"),
    path("acting-for/", account.acting_for, name="acting_for"),
    path("area/", account.area_authorities, name="area_authorities"),
    path("account/", account.account, name="account"),
    path("account/password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("account/two-factor/", account.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/recovery-codes/", account.recovery_codes, name="recovery_codes"),
    path("account/two-factor/remove/", account.two_factor_remove, name="two_factor_remove"),
    # Invitations
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    # An authority lead's people (the authority acted for)
    path("people/", people.people, name="people"),
    path("people/invite/", people.people_invite, name="people_invite"),
    path("people/<int:pk>/role/", people.people_change_role, name="people_change_role"),
    path("people/remove/", people.people_remove, name="people_remove"),
    path(
        "people/invitations/<int:pk>/cancel/",
        people.people_invitation_cancel,
        name="people_invitation_cancel",
    ),
    # National admin
    path("national/", national.index, name="national_index"),
    path("national/authorities/", national.authorities, name="national_authorities"),
    path("national/authorities/add/", national.authority_add, name="national_authority_add"),
    path("national/authorities/<int:pk>/", national.authority_detail, name="national_authority"),
    path(
        "national/authorities/<int:pk>/edit/",
        national.authority_edit,
        name="national_authority_edit",
    ),
    path(
        "national/authorities/<int:authority_pk>/invite/",
        people.national_people_invite,
        name="national_people_invite",
    ),
    path(
        "national/authorities/<int:authority_pk>/people/<int:pk>/role/",
        people.national_people_change_role,
        name="national_people_change_role",
    ),
    path(
        "national/authorities/<int:authority_pk>/people/remove/",
        people.national_people_remove,
        name="national_people_remove",
    ),
    path(
        "national/authorities/<int:authority_pk>/invitations/<int:pk>/cancel/",
        people.national_people_invitation_cancel,
        name="national_people_invitation_cancel",
    ),
    path("national/areas/", national.areas, name="national_areas"),
    path("national/areas/add/", national.area_add, name="national_area_add"),
    path("national/areas/<int:pk>/", national.area_detail, name="national_area"),
    path("national/areas/<int:pk>/edit/", national.area_edit, name="national_area_edit"),
    path("national/users/", national.users, name="national_users"),
    path("national/users/<int:pk>/", national.user_detail, name="national_user"),
    path("national/invite/", national.invite, name="national_invite"),
    path("national/security-events/", national.security_events, name="security_events"),
]
