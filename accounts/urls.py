from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    # the platform administrator
    path("departements/", views.department_list, name="department_list"),
    path("departements/nouveau/", views.department_create, name="department_create"),
    # a département's team
    path("equipe/", views.team_home, name="team_home"),
    path("departements/<str:code>/equipe/", views.team, name="team"),
    path("departements/<str:code>/equipe/modele.xlsx", views.team_template, name="team_template"),
    path("departements/<str:code>/equipe/importer/", views.team_import, name="team_import"),
    path(
        "departements/<str:code>/equipe/<int:user_pk>/desactiver/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "departements/<str:code>/invitations/<int:pk>/renvoyer/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "departements/<str:code>/invitations/<int:pk>/annuler/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    # the invitation link and the forgotten password: no login (settings.LOGIN_EXEMPT_PREFIXES)
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe-oublie/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reinitialiser/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reinitialiser/termine/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # the logged-in user's own account
    path("mon-compte/", views.account, name="account"),
    path("mon-compte/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mon-compte/mot-de-passe/modifie/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
