"""Settings read once from the environment, with defaults that are safe on a developer's machine."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(var_dir: Path) -> str:
    """An explicit SECRET_KEY wins; otherwise one is generated once and kept under var/.

    Keeping it in a file means sessions and CSRF tokens survive a restart and are shared by
    every app process started from the same checkout.
    """
    explicit = os.environ.get("SECRET_KEY")
    if explicit:
        return explicit
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


@dataclass(frozen=True, slots=True)
class Smtp:
    """Where mail goes, from SMTP_URL: `smtp://user:pass@host:port` (STARTTLS with `?starttls=1`),
    `smtps://…` for TLS from the first byte; `?timeout=SECONDS` (default 10). User and password are
    percent-encoded in the URL; the password never appears in a repr or a log line."""

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    implicit_tls: bool = False
    starttls: bool = False
    timeout: float = 10.0


def parse_smtp_url(url: str) -> Smtp:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise RuntimeError("SMTP_URL must start with smtp:// or smtps:// (got %r)" % parts.scheme)
    if not parts.hostname:
        raise RuntimeError("SMTP_URL names no host")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"starttls", "timeout"}
    if unknown:
        raise RuntimeError("SMTP_URL has unknown options: %s" % ", ".join(sorted(unknown)))
    implicit_tls = parts.scheme == "smtps"
    starttls = query.get("starttls", "0").strip().lower() in {"1", "true", "yes", "on"}
    if implicit_tls and starttls:
        raise RuntimeError("SMTP_URL: smtps:// is already TLS; starttls applies to smtp:// only")
    return Smtp(
        host=parts.hostname,
        port=parts.port or (465 if implicit_tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        implicit_tls=implicit_tls,
        starttls=starttls,
        timeout=float(query.get("timeout", "10")),
    )


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    var_dir: Path
    secret_key: str
    host: str = "127.0.0.1"
    port: int = 8000
    debug: bool = False
    secure_cookies: bool = False
    session_max_age: int = 12 * 3600
    login_max_failures: int = 5  # per user name and client address, in the window
    login_window_seconds: int = 15 * 60
    login_client_max_attempts: int = 100  # every login from one client address, in the same window
    vote_code_max_failures: int = 10  # wrong voting codes per client address, in the window
    vote_code_window_seconds: int = 15 * 60
    # Proxies whose X-Forwarded-For is believed (addresses or networks); none by default.
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    max_upload_bytes: int = 10 * 1024 * 1024
    # Roll imports are bounded in work, not only in upload size: rows (blank ones included), and for an
    # XLSX (a zip) what it unpacks to, checked before openpyxl reads it.
    import_max_rows: int = 200_000
    import_max_uncompressed_bytes: int = 256 * 1024 * 1024
    import_max_part_bytes: int = 64 * 1024 * 1024  # any part but a worksheet: openpyxl holds those whole
    import_max_compression_ratio: int = 100
    import_max_zip_entries: int = 1000
    # The share of a special-bond tranche that may be used as project capital (资本金): "0.25" or "3/10".
    funding_bond_capital_cap: Fraction = Fraction(1, 4)
    default_locale: str = "zh_CN"
    time_zone: str = "Asia/Shanghai"  # times on pages are shown in it (stored in UTC)
    scheduler_enabled: bool = True
    smtp_url: str | None = field(default=None, repr=False)  # may carry a password
    mail_from: str = "Tracker <tracker@localhost>"
    public_base_url: str = "http://127.0.0.1:8000"
    # Folders searched for printable-document templates after templates/: the test suite's fixtures.
    document_template_dirs: tuple[Path, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def engine(self) -> str:
        """`sqlite` or `postgres`, from the scheme of DATABASE_URL."""
        return "postgres" if self.database_url.startswith(("postgres://", "postgresql://")) else "sqlite"

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def smtp(self) -> Smtp | None:
        """The parsed SMTP_URL; None when mail is not configured (digests stay in the in-app inbox)."""
        return parse_smtp_url(self.smtp_url) if self.smtp_url else None


def _time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"TIME_ZONE {name!r} is not a known time zone (e.g. Asia/Shanghai)") from None
    return name


def parse_trusted_proxies(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """TRUSTED_PROXIES: addresses or networks separated by commas or spaces, e.g. `127.0.0.1, 10.0.0.0/8`."""
    networks = []
    for part in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {part!r} is not an IP address or network") from None
    return tuple(networks)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    var_dir = Path(os.environ.get("TRACKER_VAR_DIR", ROOT / "var")).resolve()
    default_db = f"sqlite:///{var_dir / 'tracker.sqlite'}"
    database_url = os.environ.get("DATABASE_URL") or default_db
    if not database_url.startswith(("sqlite:///", "postgres://", "postgresql://")):
        raise RuntimeError(
            "DATABASE_URL must start with sqlite:/// or postgresql:// (got %r)" % database_url.split(":")[0]
        )
    smtp_url = os.environ.get("SMTP_URL") or None
    if smtp_url:
        parse_smtp_url(smtp_url)  # a malformed URL stops the start, not the first mail hours later
    return Settings(
        database_url=database_url,
        var_dir=var_dir,
        secret_key=_secret_key(var_dir),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8000")),
        debug=_bool("DEBUG", False),
        secure_cookies=_bool("SECURE_COOKIES", False),
        session_max_age=int(os.environ.get("SESSION_MAX_AGE", str(12 * 3600))),
        login_max_failures=int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        login_window_seconds=int(os.environ.get("LOGIN_WINDOW_SECONDS", str(15 * 60))),
        login_client_max_attempts=int(os.environ.get("LOGIN_CLIENT_MAX_ATTEMPTS", "100")),
        vote_code_max_failures=int(os.environ.get("VOTE_CODE_MAX_FAILURES", "10")),
        vote_code_window_seconds=int(os.environ.get("VOTE_CODE_WINDOW_SECONDS", str(15 * 60))),
        trusted_proxies=parse_trusted_proxies(os.environ.get("TRUSTED_PROXIES", "")),
        max_upload_bytes=int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))),
        import_max_rows=int(os.environ.get("IMPORT_MAX_ROWS", "200000")),
        import_max_uncompressed_bytes=int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(256 * 1024 * 1024))),
        import_max_part_bytes=int(os.environ.get("IMPORT_MAX_PART_BYTES", str(64 * 1024 * 1024))),
        import_max_compression_ratio=int(os.environ.get("IMPORT_MAX_COMPRESSION_RATIO", "100")),
        import_max_zip_entries=int(os.environ.get("IMPORT_MAX_ZIP_ENTRIES", "1000")),
        funding_bond_capital_cap=Fraction(os.environ.get("FUNDING_BOND_CAPITAL_CAP", "1/4")),
        default_locale=os.environ.get("DEFAULT_LOCALE", "zh_CN"),
        time_zone=_time_zone(os.environ.get("TIME_ZONE", "Asia/Shanghai")),
        scheduler_enabled=_bool("SCHEDULER_ENABLED", True),
        smtp_url=smtp_url,
        mail_from=os.environ.get("MAIL_FROM") or "Tracker <tracker@localhost>",
        public_base_url=os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        document_template_dirs=tuple(
            Path(d) for d in os.environ.get("DOCUMENT_TEMPLATE_DIRS", "").split(os.pathsep) if d),
    )
