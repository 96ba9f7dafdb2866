"""Security headers (ASVS 14.4.3, 14.4.5-14.4.7, 3.4.1-3.4.3): a Content Security
Policy whose nonce is the one on the page's scripts, no inline script or handler in any
template, and production settings that pass `check --deploy`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    p for p in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in p.parts
]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


@pytest.mark.parametrize("who", ["anonymous", "alice"])
def test_every_script_on_the_page_carries_the_nonce_of_the_policy(client, client_for, alice, who):
    client = client_for(alice) if who == "alice" else client
    response = client.get(reverse("home") if who == "alice" else reverse("login"))
    assert response.status_code == 200
    csp = policy(response)
    nonces = [v for v in csp["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert len(scripts) >= 2  # bootstrap and htmx at least
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag


def test_nonce_changes_with_every_response(client):
    first = policy(client.get(reverse("login")))["script-src"]
    second = policy(client.get(reverse("login")))["script-src"]
    assert first != second


def test_policy_allows_nothing_inline_and_nothing_from_elsewhere(client):
    csp = policy(client.get(reverse("login")))
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] + csp["style-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(client):
    page = client.get(reverse("login")).text
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page).group(1)
    assert '"includeIndicatorStyles": false' in config
    assert '"allowEval": false' in config


def test_other_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def _templates():
    for folder in TEMPLATE_DIRS:
        yield from folder.rglob("*.html")


INLINE_HANDLER = re.compile(r"""<[^>]*\s(on[a-z]+|hx-on[:\w-]*)\s*=""", re.I)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
STYLE_ATTRIBUTE = re.compile(r"""<[^>]*\sstyle\s*=""", re.I)


def test_no_template_has_inline_script_handler_or_style_the_policy_would_block():
    problems = []
    for template in _templates():
        text = template.read_text(encoding="utf-8")
        where = template.relative_to(settings.BASE_DIR)
        for attrs in SCRIPT_TAG.findall(text):
            if "nonce" not in attrs:
                problems.append(f"{where}: <script{attrs}> without the nonce")
        problems += [
            f"{where}: inline handler {m.group(1)}=" for m in INLINE_HANDLER.finditer(text)
        ]
        problems += [f"{where}: style attribute" for _ in STYLE_ATTRIBUTE.finditer(text)]
        if "javascript:" in text.lower():
            problems.append(f"{where}: javascript: URL")
        if re.search(r"<style\b", text, re.I):
            problems.append(f"{where}: inline <style> (use static/css)")
    assert problems == [], "the CSP blocks these (see docs/security.md):\n" + "\n".join(problems)


def test_template_check_finds_what_it_looks_for():
    assert INLINE_HANDLER.search('<button class="x" onclick="go()">')
    assert INLINE_HANDLER.search('<div hx-on:click="x">')
    assert not INLINE_HANDLER.search('<button data-online="1">')
    assert STYLE_ATTRIBUTE.search('<div class="bar" style="width: 40%">')
    assert SCRIPT_TAG.findall("<script>alert(1)</script>") == [""]


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the deploy check runs with the production database settings (PostgreSQL)",
)
def test_deploy_check_is_clean_with_production_settings():
    _deploy_check(os.environ["DATABASE_URL"])


def test_deploy_check_is_clean_with_production_settings_on_sqlite(tmp_path):
    _deploy_check(f"sqlite:///{tmp_path / 'db.sqlite3'}")


def _deploy_check(database_url):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-" + "x7Qp9" * 10,
        "DJANGO_ALLOWED_HOSTS": "abitare.example.org",
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": database_url,
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
