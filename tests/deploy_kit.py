"""Running deploy/nginx/partner-portal.conf as shipped, in Debian's nginx, in front of local
`serve` processes: used by tests/test_deploy.py and by the load benchmark (bench/load.py
--nginx). Only the test's ports, certificate and paths are put into the site."""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the test's stand-in for the real one)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)  # noqa: TID251 (a certificate's validity is real time, not the portal's)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert, private = directory / "cert.pem", directory / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, private


def nginx_config(prefix: Path, port: int, backends: list[int], cert: Path, key: Path) -> Path:
    """deploy/nginx/partner-portal.conf as shipped, with only the test's ports, certificate and
    paths put in, inside a minimal main configuration."""
    site = (DEPLOY / "nginx" / "partner-portal.conf").read_text(encoding="utf-8")
    site = site.replace(
        "    server 127.0.0.1:8000;\n",
        "".join(f"    server 127.0.0.1:{backend};\n" for backend in backends),
    )
    # Only the TLS server: the plain-HTTP redirect would need port 80.
    plain = site.index("server {\n    listen 80;")
    site = site[:plain] + site[site.index("server {", plain + 1) :]
    site = site.replace("    listen 443 ssl http2;", f"    listen 127.0.0.1:{port} ssl http2;")
    site = site.replace("    listen [::]:443 ssl http2;\n", "")
    site = site.replace("/etc/ssl/partner-portal/fullchain.pem", str(cert))
    site = site.replace("/etc/ssl/partner-portal/privkey.pem", str(key))
    static = ROOT / "static"
    site = re.sub(r"alias [^;]*/partner_portal/static/;", f"alias {static}/;", site)
    for directory in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"):
        (prefix / directory).mkdir(exist_ok=True)
    main = f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{site}
}}
"""
    path = prefix / "nginx.conf"
    path.write_text(main, encoding="utf-8")
    return path
