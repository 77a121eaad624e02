"""Sign-in and secrets: OAuth with PKCE over a real loopback redirect, state and verifier
checks, one refresh on 401 then a sign-in error, no keyring means nothing stored, and no
token anywhere but the keyring after a sign-in and a publish. Plus the CLI commands."""

from __future__ import annotations

import importlib
import io
import logging
import os
import subprocess
import sys
import time
import webbrowser
from pathlib import Path

import httpx
import keyring
import pytest
import sync_helpers
from fake_browser import visit
from keyring.backends import fail
from sync_helpers import ROOT, admin, write_kit

from studio.cli.main import main
from studio.store.library import Library
from studio.store.sync_state import SyncStore, TargetRecord
from studio.sync.auth import OAuthConfig, TargetAuth, discover, make_pkce, refresh_tokens, sign_in
from studio.sync.credentials import TokenSet, Vault
from studio.sync.engine import Publisher
from studio.sync.errors import AuthRequired, NoKeyring, SignInFailed
from studio.sync.retry import RetryPolicy
from studio.sync.targets import SyncSettings

# the shared fixtures (tests/sync_helpers.py)
memory_keyring = sync_helpers.memory_keyring
series_server = sync_helpers.series_server
blackhole = sync_helpers.blackhole

FAST = SyncSettings(chunk_size=64 * 1024, retry=RetryPolicy(4, 0.01, 0.05))


def _config(server) -> OAuthConfig:
    with httpx.Client() as http:
        return discover(http, server.url)


def test_sign_in_with_pkce_through_the_loopback_redirect(series_server) -> None:
    config = _config(series_server)
    assert config.authorization_endpoint == f"{series_server.url}/oauth/authorize"
    shown: list[str] = []
    with httpx.Client() as http:
        tokens = sign_in(http, config, open_browser=visit, on_url=shown.append, timeout=10)
    assert tokens.access_token.startswith("sat_") and tokens.refresh_token
    assert "code_challenge_method=S256" in shown[0] and "redirect_uri=http%3A%2F%2F127.0.0.1" \
        in shown[0]  # fmt: skip
    with httpx.Client() as http:
        again = refresh_tokens(http, config, tokens.refresh_token)
        assert again.access_token != tokens.access_token
        with pytest.raises(SignInFailed):  # refresh tokens rotate: the old one is spent
            refresh_tokens(http, config, tokens.refresh_token)


def test_a_wrong_state_is_refused(series_server, memory_keyring) -> None:
    def tampered(url: str) -> None:
        visit(url, state="not-the-state-we-sent")

    with httpx.Client() as http, pytest.raises(SignInFailed) as err:
        sign_in(http, _config(series_server), open_browser=tampered, timeout=10)
    assert "wrong state" in str(err.value)
    assert memory_keyring.secrets == {}


def test_the_server_checks_the_pkce_verifier(series_server) -> None:
    verifier, challenge = make_pkce()
    redirect = "http://127.0.0.1:9/callback"

    def code() -> str:
        r = httpx.get(f"{series_server.url}/oauth/authorize", params={
            "response_type": "code", "client_id": "app", "redirect_uri": redirect,
            "state": "s", "code_challenge": challenge, "code_challenge_method": "S256"})
        return dict(httpx.URL(r.headers["Location"]).params)["code"]

    def exchange(c: str, v: str) -> httpx.Response:
        return httpx.post(f"{series_server.url}/oauth/token", data={
            "grant_type": "authorization_code", "code": c, "redirect_uri": redirect,
            "client_id": "app", "code_verifier": v})

    wrong = exchange(code(), make_pkce()[0])
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    good_code = code()
    assert exchange(good_code, verifier).status_code == 200
    assert exchange(good_code, verifier).status_code == 400  # a code works once
    plain = httpx.get(f"{series_server.url}/oauth/authorize", params={
        "response_type": "code", "client_id": "app", "redirect_uri": redirect, "state": "s",
        "code_challenge": verifier, "code_challenge_method": "plain"})
    assert "error=invalid_request" in plain.headers["Location"]


def _library(tmp_path: Path, server) -> tuple[Path, str]:
    library = tmp_path / "library.sqlite"
    with Library.open(library) as lib:
        cid = lib.create_collection("Secrets").id
        SyncStore(lib).add_target(TargetRecord("api", "series-api", server.url))
    episode = {"id": "e1", "title": "One", "data": b"\0\0\0\x18ftyp" * 999}
    write_kit(tmp_path / "kit", cid, [episode])
    return library, cid


def test_a_401_refreshes_once_then_asks_to_sign_in_again(tmp_path, series_server,
                                                         memory_keyring) -> None:  # fmt: skip
    library, _ = _library(tmp_path, series_server)
    with httpx.Client() as http:
        Vault().save("api", sign_in(http, _config(series_server), open_browser=visit))
    admin(series_server, "POST", "faults", {"action": "expire-token", "method": "PATCH"})
    Publisher(library, "api", tmp_path / "kit", settings=FAST).run()
    assert admin(series_server, "GET", "state")["counters"]["refreshes"] == 1
    admin(series_server, "POST", "expire-tokens")
    admin(series_server, "POST", "revoke-refresh")
    with pytest.raises(AuthRequired) as err:
        Publisher(library, "api", tmp_path / "kit", settings=FAST).run()
    assert "studio login api" in str(err.value)


def test_without_a_keyring_nothing_is_stored_and_the_user_is_told(
        tmp_path, series_server, capsys, monkeypatch) -> None:  # fmt: skip
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(NoKeyring):
            Vault().save("api", TokenSet("sat_never_stored"))
        library, _ = _library(tmp_path, series_server)
        token = admin(series_server, "POST", "tokens")["token"]
        monkeypatch.setattr(sys, "stdin", io.StringIO(token + "\n"))
        code = _studio(monkeypatch)(["--library", str(library), "login", "api", "--token"])
        err = capsys.readouterr().err
        assert code == 2 and "No system keyring is available" in err and "plain text" in err
        assert token not in err
        with pytest.raises(NoKeyring):
            Publisher(library, "api", tmp_path / "kit", settings=FAST).run()
    finally:
        keyring.set_keyring(previous)
    assert token.encode() not in library.read_bytes()


def _studio(monkeypatch):
    """``studio`` with the publishing commands (as main.py will register them)."""
    sys.path.insert(0, str(ROOT))
    from tools.studio_sync import with_sync_commands

    cli_main = importlib.import_module("studio.cli.main")
    original = cli_main.build_parser
    monkeypatch.setattr(cli_main, "build_parser", lambda: with_sync_commands(original()))
    return main


def test_no_token_is_found_anywhere_but_the_keyring(tmp_path, series_server, memory_keyring,
                                                    make_clip, capsys, monkeypatch) -> None:
    from studio import actions, covers

    studio = _studio(monkeypatch)
    library = tmp_path / "data" / "library.sqlite"
    clip = make_clip("leak.mp4", seconds=31, width=360, height=640, fps=24, crf=51, audio=False)
    with Library.open(library) as lib:
        c = lib.create_collection("Leak test")
        c = actions.set_collection_fields(lib, c, price="1.99", currency="USD", description="x")
        actions.add_files(lib, c, [clip])
        covers.set_cover_frame(lib, lib.collection(c.id), lib.episodes(c.id)[0], 0)
    log = tmp_path / "studio.log"
    handler = logging.FileHandler(log)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    monkeypatch.setenv("BROWSER", f"{sys.executable} {ROOT / 'tests' / 'fake_browser.py'} %s")
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # read $BROWSER again
    seen: set[str] = set()

    def collect() -> None:
        for secret in memory_keyring.secrets.values():
            t = TokenSet.from_secret(secret)
            seen.update(x for x in (t.access_token, t.refresh_token) if x)

    try:
        lib_arg = ["--library", str(library)]
        assert studio([*lib_arg, "targets", "add", "api", series_server.url]) == 0
        assert studio([*lib_arg, "login", "api"]) == 0
        collect()
        assert studio([*lib_arg, "publish", "Leak test", "--target", "api", "--no-normalize",
                       "--chunk-size", "0.05"]) == 0  # fmt: skip
        admin(series_server, "POST", "expire-tokens")  # the next call refreshes
        assert studio([*lib_arg, "status", "Leak test"]) == 0
        collect()
        assert studio([*lib_arg, "targets", "list"]) == 0
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
    out = capsys.readouterr()
    assert len(seen) >= 3  # first access + refresh, then the refreshed pair
    assert "Signed in to 'api'" in out.out and "remote id" in out.out
    places = {"stdout": out.out.encode(), "stderr": out.err.encode(), "log": log.read_bytes()}
    assert b"HTTP Request" in places["log"]  # the log did record the traffic
    for folder in (library.parent, Path(os.environ["XDG_CONFIG_HOME"])):
        for path in folder.rglob("*"):
            if path.is_file():
                places[str(path)] = path.read_bytes()
    assert str(library) in places and any("manifest.json" in p for p in places)
    leaks = [(where, t[:6]) for t in seen for where, data in places.items() if t.encode() in data]
    assert leaks == []


def test_the_cli_manages_targets_and_publishes_to_a_folder(tmp_path, memory_keyring, capsys,
                                                           monkeypatch, series_server) -> None:
    studio = _studio(monkeypatch)
    library, cid = _library(tmp_path, series_server)
    lib_arg = ["--library", str(library)]
    assert studio([*lib_arg, "targets", "add", "usb", str(tmp_path / "usb")]) == 0
    assert studio([*lib_arg, "targets", "add", "bad", "http://example.com"]) == 2
    assert studio([*lib_arg, "targets", "add", "usb", str(tmp_path)]) == 2
    assert studio([*lib_arg, "targets", "list"]) == 0
    out = capsys.readouterr()
    assert "https://" in out.err and "already a target called 'usb'" in out.err
    assert "usb" in out.out and "folder" in out.out and "series-api" in out.out
    monkeypatch.setattr(sys, "stdin", io.StringIO("spat_not_a_real_token\n"))
    assert studio([*lib_arg, "login", "api", "--token"]) == 2
    err = capsys.readouterr().err
    assert "did not accept this sign-in" in err and "spat_not" not in err
    assert memory_keyring.secrets == {}
    monkeypatch.setattr(sys, "stdin", io.StringIO(admin(series_server, "POST", "tokens")["token"]))
    assert studio([*lib_arg, "login", "api", "--token"]) == 0
    assert "as Test Creator" in capsys.readouterr().out
    assert studio([*lib_arg, "status", "Secrets"]) == 0
    assert "never published" in capsys.readouterr().out
    assert studio([*lib_arg, "targets", "remove", "api"]) == 0
    assert memory_keyring.secrets == {}  # removing a target forgets its sign-in
    assert studio([*lib_arg, "login", "api"]) == 2
    assert "No target called 'api'" in capsys.readouterr().err
    Publisher(library, "usb", tmp_path / "kit", settings=FAST).run()
    assert studio([*lib_arg, "status", "Secrets", "--offline"]) == 0
    out = capsys.readouterr().out
    assert "usb (folder)" in out and "ready" in out and "published" in out
    assert (tmp_path / "usb" / "01 - One.mp4").is_file()
    TargetAuth(Vault(), "usb")  # a folder target needs no sign-in


def _login_process(tmp_path: Path, library: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="sync_helpers.FileKeyring",
               STUDIO_TEST_KEYRING=str(tmp_path / "keyring.json"),
               PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)]))  # fmt: skip
    return subprocess.Popen([sys.executable, str(ROOT / "tools" / "studio_sync.py"),
                             "--library", str(library), "login", *args], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def test_login_without_a_browser_does_not_say_it_opens_one(tmp_path, series_server) -> None:
    """QA repro_12 (d): --no-browser printed "Opening the browser to sign in."."""
    library, _ = _library(tmp_path, series_server)
    proc = _login_process(tmp_path, library, "api", "--no-browser")
    assert proc.stdout is not None
    lines = [proc.stdout.readline(), proc.stdout.readline()]
    assert lines[0] == "To sign in, open this address in a browser:\n", lines
    assert visit(lines[1].strip()) == 0  # the creator opens it by hand
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out == "Signed in to 'api' as Test Creator.\n"


def test_login_to_a_server_that_cannot_be_reached_says_so_at_once(tmp_path, blackhole) -> None:
    """QA repro_09: login to a server that was down printed a sign-in address on it, waited
    5 minutes for the browser, then blamed the browser."""
    library = tmp_path / "library.sqlite"
    down, hung = sync_helpers.closed_port_url(), blackhole.url
    with Library.open(library) as lib:
        SyncStore(lib).add_target(TargetRecord("srv", "series-api", down))
        SyncStore(lib).add_target(TargetRecord("hung", "series-api", hung))
    hint = " Check that you are online and that the address is right (studio targets list), " \
        "then try again.\n"  # fmt: skip
    for name, url, what in [("srv", down, "could not connect to the server"),
                            ("hung", hung, "could not connect in time")]:  # fmt: skip
        started = time.monotonic()
        proc = _login_process(tmp_path, library, name, "--no-browser")
        out, err = proc.communicate(timeout=60)
        took = time.monotonic() - started
        assert proc.returncode == 2 and took < 15, (name, took, err)
        assert err == f"studio: error: Cannot reach '{name}' at {url}: {what}." + hint
        assert "http" not in out and "sign in" not in out  # no address on a dead server
        proc = _login_process(tmp_path, library, name, "--token")
        out, err = proc.communicate("sat_whatever\n", timeout=60)
        assert proc.returncode == 2 and f"Cannot reach '{name}'" in err, err
