"""OAuth2 / OpenID Connect on a convention's hosts (``/o/``): what is served, and nothing else
(see tenant/oauth_views.py for what is left out and why). The URL names are django-oauth-toolkit's,
in its namespace, so its templates and views find them."""

from django.urls import path, re_path
from oauth2_provider import views as oauth_views

from tenant import oauth_views as scoped

app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", oauth_views.AuthorizationView.as_view(), name="authorize"),
    path("token/", oauth_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", scoped.IntrospectTokenView.as_view(), name="introspect"),
    path(
        ".well-known/oauth-authorization-server",
        oauth_views.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        oauth_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", oauth_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", oauth_views.UserInfoView.as_view(), name="user-info"),
    path(
        "authorized_tokens/",
        scoped.AuthorizedTokensListView.as_view(),
        name="authorized-token-list",
    ),
    path(
        "authorized_tokens/<slug:pk>/delete/",
        scoped.AuthorizedTokenDeleteView.as_view(),
        name="authorized-token-delete",
    ),
]
