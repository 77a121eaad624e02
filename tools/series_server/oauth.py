"""OAuth 2.0 authorization code + PKCE (S256 only) and refresh tokens, for loopback clients.

The authorization page approves at once (a test server has one account); a
real platform shows its sign-in and consent page there. Redirect URIs must be
``http://127.0.0.1:PORT/...`` or ``http://localhost:PORT/...`` with any port
(RFC 8252 section 7.3). Codes live 60 s and work once; refresh tokens rotate.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from tools.series_server.state import ACCOUNT, ServerState

CODE_TTL = 60.0


def loopback_redirect(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1") \
        and parts.port is not None


def authorize(state: ServerState, q: dict[str, str]) -> tuple[int, str]:
    """(status, redirect location or error text) for GET /oauth/authorize."""
    redirect = q.get("redirect_uri", "")
    if not loopback_redirect(redirect) or not q.get("client_id"):
        return 400, "invalid redirect_uri or client_id"

    def back(params: dict[str, str]) -> tuple[int, str]:
        if "state" in q:
            params["state"] = q["state"]
        sep = "&" if urlsplit(redirect).query else "?"
        return 302, redirect + sep + urlencode(params)

    if q.get("response_type") != "code":
        return back({"error": "unsupported_response_type"})
    if q.get("code_challenge_method") != "S256" or len(q.get("code_challenge", "")) < 43:
        return back({"error": "invalid_request",
                     "error_description": "PKCE with S256 is required"})
    code = secrets.token_urlsafe(24)
    with state.lock:
        state.codes[code] = {"client_id": q["client_id"], "redirect_uri": redirect,
                             "challenge": q["code_challenge"], "account": ACCOUNT["id"],
                             "scope": q.get("scope", ""), "expires": time.time() + CODE_TTL}
    return back({"code": code})


def token(state: ServerState, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """(status, JSON body) for POST /oauth/token."""
    grant = form.get("grant_type")
    if grant == "authorization_code":
        with state.lock:
            found = state.codes.pop(form.get("code", ""), None)  # a code works once
        if found is None or found["expires"] < time.time():
            return 400, {"error": "invalid_grant", "error_description": "unknown or used code"}
        if form.get("redirect_uri") != found["redirect_uri"] or \
                form.get("client_id") != found["client_id"]:
            return 400, {"error": "invalid_grant",
                         "error_description": "redirect_uri or client_id differs"}
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if not 43 <= len(verifier) <= 128 or not secrets.compare_digest(challenge,
                                                                        found["challenge"]):
            return 400, {"error": "invalid_grant",
                         "error_description": "PKCE verification failed"}
        return 200, state.issue_tokens(found["account"], found["scope"])
    if grant == "refresh_token":
        account = state.use_refresh(form.get("refresh_token", ""))
        if account is None:
            return 400, {"error": "invalid_grant",
                         "error_description": "unknown or revoked refresh token"}
        return 200, state.issue_tokens(account, "uploads collections")
    return 400, {"error": "unsupported_grant_type"}


def metadata(base: str) -> dict[str, Any]:
    """RFC 8414 authorization server metadata."""
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": ["uploads", "collections"],
    }
