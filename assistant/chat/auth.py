"""Who may open the page when it listens beyond this machine.

On 127.0.0.1 only the user's own machine can connect, so no password is asked. Listening on
another address, or through a Gradio share link, exposes the archive: then credentials are
required and the app refuses to start without them.
"""

from __future__ import annotations

from pathlib import Path

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class AuthError(ValueError):
    """Missing or malformed credentials; the message says what to give."""


def parse_pair(value: str, where: str = "--auth") -> tuple[str, str]:
    user, sep, password = value.strip().partition(":")
    if not sep or not user or not password:
        raise AuthError(f"{where} expects USER:PASS (both non-empty), got {value.strip()[:40]!r}")
    return user, password


def read_auth_file(path: Path) -> list[tuple[str, str]]:
    """One USER:PASS per line; blank lines and `#` comments are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AuthError(f"cannot read the auth file {path}: {exc}") from exc
    pairs = [
        parse_pair(line, f"{path}, line {n}")
        for n, line in enumerate(lines, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not pairs:
        raise AuthError(f"the auth file {path} holds no USER:PASS line")
    return pairs


def credentials(
    host: str, share: bool, auth: str | None, auth_file: Path | None
) -> list[tuple[str, str]] | None:
    """The credentials to enforce, or None on a local-only page; refuses an exposed page without any."""
    pairs: list[tuple[str, str]] = []
    if auth:
        pairs.append(parse_pair(auth))
    if auth_file:
        pairs.extend(read_auth_file(auth_file))
    exposed = share or host not in LOCAL_HOSTS
    if exposed and not pairs:
        where = "a public share link" if share else f"{host}, which other machines can reach"
        raise AuthError(
            f"refusing to serve the briefings on {where} without a password: "
            "add --auth USER:PASS or --auth-file FILE (one USER:PASS per line)"
        )
    return pairs or None
