"""OpenID Connect against a running server, as a relying party built on authlib would use it."""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import warnings

import pytest
import requests

import authlib.deprecate  # noqa: F401  (installs authlib's own warning filter first, so ours below wins)

with warnings.catch_warnings():
    # authlib announces that authlib.jose will move to a separate package; it still works.
    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.common.security import generate_token
    from authlib.integrations.requests_client import OAuth2Session
    from authlib.jose import JsonWebKey, JsonWebToken
    from authlib.oidc.core import CodeIDToken

from conftest import CALLBACK, Browserless, find_form

SCOPE = "openid profile realname offline_access"


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def discovery(base_url) -> dict:
    response = requests.get(base_url + "/.well-known/openid-configuration", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def fetch_jwks(discovery) -> dict:
    # Read fresh each time: a key rotated by someone else must not make the suite flaky.
    response = requests.get(discovery["jwks_uri"], timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def relying_party(client, auth_method: str = "client_secret_basic", scope: str = SCOPE) -> OAuth2Session:
    return OAuth2Session(
        client.client_id, client.client_secret, scope=scope, redirect_uri=client.redirect_uri,
        code_challenge_method="S256", token_endpoint_auth_method=auth_method,
    )


class Authorization:
    """One completed trip through the authorization endpoint, up to the redirect back with a code."""

    def __init__(self, rp: OAuth2Session, discovery: dict, browser: Browserless, citizen: dict,
                 plus_for_space: bool = False, **extra):
        self.rp = rp
        self.verifier = generate_token(64)
        self.nonce = generate_token(24)
        self.url, self.state = rp.create_authorization_url(
            discovery["authorization_endpoint"], code_verifier=self.verifier, nonce=self.nonce, **extra)
        if not plus_for_space:
            # authlib form-encodes the query, writing a space as "+" (a literal "+" would be "%2B").
            # "%20" means the same; test_authorization_request_with_form_encoded_scope covers "+" itself.
            base, _, query = self.url.partition("?")
            self.url = base + "?" + query.replace("+", "%20")
        self.callback = browser.authorize(self.url, citizen["login"], citizen["password"])
        query = parse_qs(urlsplit(self.callback).query)
        assert "error" not in query, f"authorization failed: {self.callback}"
        assert query.get("state") == [self.state], f"state not returned unchanged: {self.callback}"
        self.code = query["code"][0]


def token_post(discovery: dict, client, data: dict, basic: bool = True) -> requests.Response:
    """A raw token request, for the answers a library would turn into exceptions."""
    if basic:
        return requests.post(discovery["token_endpoint"], data=data, auth=(client.client_id, client.client_secret), timeout=30)
    return requests.post(discovery["token_endpoint"], data={**data, "client_id": client.client_id, "client_secret": client.client_secret}, timeout=30)


def assert_oauth_error(response: requests.Response, code: str, status: int = 400):
    assert response.status_code == status, f"expected {status} {code}, got {response.status_code}: {response.text}"
    assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
    body = response.json()
    assert body.get("error") == code, body
    assert "access_token" not in body
    assert "no-store" in response.headers.get("Cache-Control", "")


def decode_jwt(token: str, discovery: dict, claims_cls=None, options=None, params=None):
    key_set = JsonWebKey.import_key_set(fetch_jwks(discovery))
    kwargs = {"claims_options": options or {}}
    if claims_cls is not None:
        kwargs["claims_cls"] = claims_cls
    if params is not None:
        kwargs["claims_params"] = params
    return JsonWebToken(["RS256"]).decode(token, key_set, **kwargs)


# ---------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------


def test_discovery_document(discovery, base_url):
    issuer = discovery["issuer"]
    assert issuer == base_url
    for name, path in [
        ("authorization_endpoint", "/oidc/authorize"), ("token_endpoint", "/oidc/token"),
        ("userinfo_endpoint", "/oidc/userinfo"), ("jwks_uri", "/oidc/jwks"),
        ("end_session_endpoint", "/oidc/logout"), ("revocation_endpoint", "/oidc/revoke"),
    ]:
        assert discovery[name] == issuer + path, name
    assert discovery["response_types_supported"] == ["code"]
    assert "S256" in discovery["code_challenge_methods_supported"]
    assert "plain" not in discovery["code_challenge_methods_supported"]
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]
    assert {"authorization_code", "refresh_token", "client_credentials"} <= set(discovery["grant_types_supported"])
    assert {"client_secret_basic", "client_secret_post"} <= set(discovery["token_endpoint_auth_methods_supported"])
    assert {"openid", "profile", "realname", "offline_access"} <= set(discovery["scopes_supported"])
    assert "public" in discovery["subject_types_supported"]
    assert {"sub", "iss", "aud", "exp", "iat", "nonce", "verified_name", "citizen_id_masked", "assurance_level"} <= set(discovery["claims_supported"])


def test_jwks_publishes_only_public_rsa_keys(discovery):
    jwks = fetch_jwks(discovery)
    assert jwks["keys"], "the JWKS is empty"
    for key in jwks["keys"]:
        assert key["kty"] == "RSA"
        assert key.get("kid")
        assert key.get("use", "sig") == "sig"
        assert key.get("alg", "RS256") == "RS256"
        assert {"n", "e"} <= key.keys()
        assert not {"d", "p", "q", "dp", "dq", "qi"} & key.keys(), f"private key material published: {sorted(key)}"
    assert JsonWebKey.import_key_set(jwks)


# ---------------------------------------------------------------------------
# Authorization code with PKCE
# ---------------------------------------------------------------------------


def test_authorization_code_with_pkce_for_verified_citizen(discovery, rp_client, demo_citizens, browserless):
    citizen = demo_citizens["L2"]
    rp = relying_party(rp_client)
    flow = Authorization(rp, discovery, browserless, citizen)
    assert browserless.consent_shown, "a relying party that is not first-party must ask for consent"
    assert flow.callback.startswith(CALLBACK + "?")
    assert "code_challenge=" in flow.url and "code_challenge_method=S256" in flow.url and "nonce=" in flow.url

    tokens = rp.fetch_token(discovery["token_endpoint"], authorization_response=flow.callback, code_verifier=flow.verifier)
    assert tokens["token_type"].lower() == "bearer"
    assert tokens["expires_in"] > 0
    assert set(tokens["scope"].split()) == set(SCOPE.split())
    assert tokens.get("refresh_token"), "offline_access was granted, so a refresh token is due"

    # The ID token: signature against the published keys, then the claims a relying party must check.
    id_token = tokens["id_token"]
    claims = decode_jwt(
        id_token, discovery, claims_cls=CodeIDToken,
        options={
            "iss": {"essential": True, "value": discovery["issuer"]},
            "aud": {"essential": True, "value": rp_client.client_id},
            "exp": {"essential": True},
            "nonce": {"essential": True, "value": flow.nonce},
        },
        params={"nonce": flow.nonce, "client_id": rp_client.client_id},
    )
    claims.validate(leeway=30)
    assert claims.header["alg"] == "RS256"
    assert claims.header["kid"] in {key["kid"] for key in fetch_jwks(discovery)["keys"]}
    assert claims["iss"] == discovery["issuer"]
    assert rp_client.client_id in ([claims["aud"]] if isinstance(claims["aud"], str) else claims["aud"])
    assert claims["nonce"] == flow.nonce
    assert claims["exp"] > claims["iat"]
    assert claims["azp"] == rp_client.client_id
    assert claims["acr"] == "urn:yiwang:loa:2"
    assert claims["assurance_level"] == 2
    assert claims["name"], "realname was granted, so the ID token carries the verified name"

    # A token signed with another key must not verify against the JWKS.
    header, payload, signature = id_token.split(".")
    tampered = ".".join([header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")])
    with pytest.raises(Exception):
        decode_jwt(tampered, discovery)

    # Userinfo with the access token.
    response = rp.get(discovery["userinfo_endpoint"])
    assert response.status_code == 200, response.text
    info = response.json()
    assert info["sub"] == claims["sub"]
    assert info["assurance_level"] == 2
    assert info["acr"] == "urn:yiwang:loa:2"
    assert info.get("verified_name"), info
    assert info["verified_name"] == claims["name"]
    masked = info.get("citizen_id_masked")
    assert masked and "*" in masked, info
    assert not re.search(r"\d{17}[\dXx]", masked), f"the citizen ID number is not masked: {masked}"
    assert citizen["login"] not in response.text, "the phone number leaks unmasked"

    # Without a token, or with a broken one, userinfo refuses.
    assert requests.get(discovery["userinfo_endpoint"], timeout=30).status_code == 401
    broken = requests.get(discovery["userinfo_endpoint"], headers={"Authorization": "Bearer " + tokens["access_token"][:-6] + "abcdef"}, timeout=30)
    assert broken.status_code == 401


def test_authorization_request_with_form_encoded_scope(discovery, rp_client, demo_citizens, browserless):
    """The authorization request is application/x-www-form-urlencoded (RFC 6749 §4.1.1, appendix B):
    `scope=openid+profile` is the scope "openid profile", as authlib and most client libraries send it."""
    rp = relying_party(rp_client)
    flow = Authorization(rp, discovery, browserless, demo_citizens["L2"], plus_for_space=True)
    assert "scope=openid+profile" in flow.url
    tokens = rp.fetch_token(discovery["token_endpoint"], authorization_response=flow.callback, code_verifier=flow.verifier)
    assert set(tokens["scope"].split()) == set(SCOPE.split())


def test_userinfo_of_phone_confirmed_citizen_has_no_real_name(discovery, rp_client, demo_citizens, browserless):
    rp = relying_party(rp_client)
    flow = Authorization(rp, discovery, browserless, demo_citizens["L1"])
    rp.fetch_token(discovery["token_endpoint"], authorization_response=flow.callback, code_verifier=flow.verifier)
    info = rp.get(discovery["userinfo_endpoint"]).json()
    assert info["assurance_level"] == 1
    assert "verified_name" not in info and "citizen_id_masked" not in info


def test_refresh_token_rotation_and_reuse_detection(discovery, rp_client, demo_citizens, browserless):
    rp = relying_party(rp_client, auth_method="client_secret_post")
    flow = Authorization(rp, discovery, browserless, demo_citizens["L2"])
    first = rp.fetch_token(discovery["token_endpoint"], authorization_response=flow.callback, code_verifier=flow.verifier)
    r1 = first["refresh_token"]

    second = rp.refresh_token(discovery["token_endpoint"], refresh_token=r1)
    r2 = second["refresh_token"]
    assert r2 and r2 != r1, "the refresh token must rotate"
    assert second["access_token"] != first["access_token"]
    assert rp.get(discovery["userinfo_endpoint"]).status_code == 200

    # The new refresh token works and rotates again.
    third = rp.refresh_token(discovery["token_endpoint"], refresh_token=r2)
    r3 = third["refresh_token"]
    assert r3 and r3 not in (r1, r2)

    # The same client narrowing the scope is fine; widening it is not.
    widened = token_post(discovery, rp_client, {"grant_type": "refresh_token", "refresh_token": r3, "scope": SCOPE + " phone"})
    assert_oauth_error(widened, "invalid_scope")

    # Reusing a rotated token means it leaked: refused, and the whole family ends.
    assert_oauth_error(token_post(discovery, rp_client, {"grant_type": "refresh_token", "refresh_token": r1}, basic=False), "invalid_grant")
    assert_oauth_error(token_post(discovery, rp_client, {"grant_type": "refresh_token", "refresh_token": r3}), "invalid_grant")


def test_refresh_token_is_bound_to_its_client(discovery, create_client, rp_client, demo_citizens, browserless):
    rp = relying_party(rp_client)
    flow = Authorization(rp, discovery, browserless, demo_citizens["L2"])
    tokens = rp.fetch_token(discovery["token_endpoint"], authorization_response=flow.callback, code_verifier=flow.verifier)
    other = create_client()
    assert_oauth_error(token_post(discovery, other, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}), "invalid_grant")
    # The rightful client can still use it.
    assert rp.refresh_token(discovery["token_endpoint"], refresh_token=tokens["refresh_token"])["access_token"]


def test_replayed_authorization_code_is_rejected(discovery, rp_client, demo_citizens, browserless):
    rp = relying_party(rp_client)
    flow = Authorization(rp, discovery, browserless, demo_citizens["L2"])
    tokens = rp.fetch_token(discovery["token_endpoint"], authorization_response=flow.callback, code_verifier=flow.verifier)

    replay = token_post(discovery, rp_client, {
        "grant_type": "authorization_code", "code": flow.code, "redirect_uri": CALLBACK, "code_verifier": flow.verifier,
    })
    assert_oauth_error(replay, "invalid_grant")
    # What the first exchange issued is revoked as well (RFC 6749 §4.1.2).
    again = token_post(discovery, rp_client, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert_oauth_error(again, "invalid_grant")


def test_wrong_code_verifier_is_rejected(discovery, rp_client, demo_citizens, browserless):
    rp = relying_party(rp_client)
    flow = Authorization(rp, discovery, browserless, demo_citizens["L2"])
    base = {"grant_type": "authorization_code", "code": flow.code, "redirect_uri": CALLBACK}

    wrong = generate_token(64)
    assert wrong != flow.verifier
    assert_oauth_error(token_post(discovery, rp_client, {**base, "code_verifier": wrong}), "invalid_grant")
    assert_oauth_error(token_post(discovery, rp_client, base), "invalid_grant")


def test_token_endpoint_authenticates_the_client(discovery, rp_client, demo_citizens, browserless):
    rp = relying_party(rp_client)
    flow = Authorization(rp, discovery, browserless, demo_citizens["L2"])
    form = {"grant_type": "authorization_code", "code": flow.code, "redirect_uri": CALLBACK, "code_verifier": flow.verifier}
    response = requests.post(discovery["token_endpoint"], data=form, auth=(rp_client.client_id, "not-the-secret"), timeout=30)
    assert_oauth_error(response, "invalid_client", status=401)
    mismatched = token_post(discovery, rp_client, {**form, "redirect_uri": CALLBACK + "/other"})
    assert_oauth_error(mismatched, "invalid_grant")


# ---------------------------------------------------------------------------
# Requests that must never redirect
# ---------------------------------------------------------------------------


def unregistered_redirect_request(client) -> str:
    return "/oidc/authorize?" + urlencode({
        "response_type": "code", "client_id": client.client_id, "scope": "openid profile",
        "redirect_uri": "http://127.0.0.1:9/not-registered", "state": secrets.token_urlsafe(8),
        "code_challenge": generate_token(43), "code_challenge_method": "S256",
    })


def assert_error_page_without_redirect(response: requests.Response):
    assert response.status_code == 400, f"{response.status_code}: {response.text[:2000]}"
    assert "Location" not in response.headers, f"must not redirect to an unregistered URI: {response.headers['Location']}"
    assert response.headers.get("Content-Type", "").startswith("text/html"), response.headers
    assert "<html" in response.text.lower()
    targets = re.findall(r'(?:href|action)="([^"]*)"', response.text)
    offsite = [target for target in targets if target.startswith(("http://127.0.0.1:9", "//"))]
    assert not offsite, f"the page links to the unregistered address: {offsite}"


def test_unregistered_redirect_uri_shows_error_page(base_url, rp_client, demo_citizens):
    browser = Browserless(base_url)
    assert_error_page_without_redirect(browser.get(unregistered_redirect_request(rp_client)))

    # Signed in, the answer is the same: no code may travel to an address the client did not register.
    page = browser.get("/login")
    form = find_form(page.text, "/login")
    citizen = demo_citizens["L2"]
    signed_in = browser.post("/login", {**form["fields"], "login": citizen["login"], "password": citizen["password"]})
    assert signed_in.status_code == 303, signed_in.text[:2000]
    assert browser.http.cookies.get("yiwang_session"), "sign-in set no session cookie"
    assert_error_page_without_redirect(browser.get(unregistered_redirect_request(rp_client)))


def test_unknown_client_shows_error_page(base_url):
    browser = Browserless(base_url)
    response = browser.get("/oidc/authorize?" + urlencode({
        "response_type": "code", "client_id": "no-such-client-" + secrets.token_hex(4), "scope": "openid",
        "redirect_uri": CALLBACK, "state": "x",
    }))
    assert response.status_code == 400 and "Location" not in response.headers, response.text[:2000]


# ---------------------------------------------------------------------------
# Client credentials
# ---------------------------------------------------------------------------


def test_client_credentials_grant(discovery, create_client, rp_client):
    service = create_client(redirect_uri=None, scopes=("catalog.read",), grant_types=("client_credentials",), prefix="e2e-svc", name="端到端测试部门系统")
    session = OAuth2Session(service.client_id, service.client_secret, scope="catalog.read", token_endpoint_auth_method="client_secret_basic")
    tokens = session.fetch_token(discovery["token_endpoint"], grant_type="client_credentials")
    assert tokens["token_type"].lower() == "bearer"
    assert tokens["scope"] == "catalog.read"
    assert tokens["expires_in"] > 0
    assert not tokens.get("id_token") and not tokens.get("refresh_token")

    claims = decode_jwt(tokens["access_token"], discovery, options={
        "iss": {"essential": True, "value": discovery["issuer"]}, "exp": {"essential": True},
    })
    claims.validate(leeway=30)
    assert claims.header["typ"].lower() == "at+jwt"
    assert claims["sub"] == f"client:{service.client_id}"
    assert claims["client_id"] == service.client_id
    assert claims["scope"] == "catalog.read"

    # Machine tokens are not identity tokens, and only clients registered for the grant get them.
    assert_oauth_error(token_post(discovery, service, {"grant_type": "client_credentials", "scope": "openid"}), "invalid_scope")
    assert_oauth_error(token_post(discovery, rp_client, {"grant_type": "client_credentials"}), "unauthorized_client")
    wrong_secret = requests.post(discovery["token_endpoint"], data={"grant_type": "client_credentials"}, auth=(service.client_id, "wrong"), timeout=30)
    assert_oauth_error(wrong_secret, "invalid_client", status=401)
