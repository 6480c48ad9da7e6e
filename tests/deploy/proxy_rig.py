"""A real deployment on loopback: a test CA, nginx (the shipped site config) terminating TLS with
optional client certificates, and two gunicorn instances (the shipped gunicorn config) behind it.
"""

import datetime
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
NGINX = os.environ.get("DEFTWEB_NGINX", "/usr/sbin/nginx")
ONE_DAY = datetime.timedelta(days=1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


# --- certificates ---------------------------------------------------------------------------


@dataclass
class Pki:
    folder: Path
    ca_cert: Path
    server_cert: Path
    server_key: Path

    def client(self, name: str, *attributes: tuple) -> tuple[Path, Path]:
        """A client certificate signed by the CA, subject in the given (OID, value) order."""
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])
        cert = _certificate(subject, key.public_key(), self._ca_key(), self._ca_name())
        return self._write(name, cert, key)

    def _ca_key(self):
        return serialization.load_pem_private_key((self.folder / "ca.key").read_bytes(), None)

    def _ca_name(self) -> x509.Name:
        return x509.load_pem_x509_certificate(self.ca_cert.read_bytes()).subject

    def _write(self, name, cert, key) -> tuple[Path, Path]:
        cert_path, key_path = self.folder / f"{name}.crt", self.folder / f"{name}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert_path, key_path


def make_pki(folder: Path) -> Pki:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "deftweb test CA")])
    ca = _certificate(ca_name, ca_key.public_key(), ca_key, ca_name, ca=True)
    pki = Pki(folder, folder / "ca.crt", folder / "server.crt", folder / "server.key")
    pki._write("ca", ca, ca_key)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    server = _certificate(server_name, server_key.public_key(), ca_key, ca_name, server=True)
    pki._write("server", server, server_key)
    return pki


def _certificate(subject, public_key, signer, issuer, *, ca=False, server=False):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - ONE_DAY)
        .not_valid_after(now + ONE_DAY)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if server:
        ip = x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))
        builder = builder.add_extension(x509.SubjectAlternativeName([ip]), critical=False)
    return builder.sign(signer, hashes.SHA256())


# --- gunicorn -------------------------------------------------------------------------------


@dataclass
class AppInstance:
    port: int
    process: subprocess.Popen

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as a crashed host would die."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


def start_app(environment: dict, log: Path) -> AppInstance:
    port = free_port()
    env = {**os.environ, **environment, "DEFTWEB_BIND": f"127.0.0.1:{port}"}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with log.open("w") as output:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port)
    except TimeoutError:
        process.kill()
        raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}") from None
    return AppInstance(port, process)


# --- nginx ----------------------------------------------------------------------------------

#: The shipped site config with every host-specific line replaced; each must match once, so an
#: edit of deploy/nginx/deftweb.conf that this test no longer covers fails loudly.
SITE_REWRITES = (
    (r"    server 127\.0\.0\.1:8000 max_fails=1 fail_timeout=10s;\n", "{upstreams}"),
    (r"listen 80;", "listen 127.0.0.1:{http_port};"),
    (r"listen 443 ssl http2;", "listen 127.0.0.1:{https_port} ssl http2;"),
    (r"/etc/ssl/deftweb/host\.crt", "{server_cert}"),
    (r"/etc/ssl/deftweb/host\.key", "{server_key}"),
    (r"/etc/grid-security/certificates/ca-bundle\.pem", "{ca_cert}"),
    (r"/var/log/nginx/deftweb\.access\.log", "{folder}/access.log"),
    (r"/srv/deftweb/deftweb/static/", "{root}/deftweb/static/"),
)

MAIN_CONFIG = """
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""


@dataclass
class Proxy:
    https_port: int
    folder: Path
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def logged(self, text: str, seconds: float = 5) -> bool:
        """Whether `text` shows up in the access log (nginx writes a line after it answers)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if text in (self.folder / "access.log").read_text():
                return True
            time.sleep(0.05)
        return False


def start_nginx(folder: Path, pki: Pki, app_ports: list[int]) -> Proxy:
    https_port, http_port = free_port(), free_port()
    values = {
        "upstreams": "".join(
            f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;\n" for p in app_ports
        ),
        "http_port": http_port,
        "https_port": https_port,
        "server_cert": pki.server_cert,
        "server_key": pki.server_key,
        "ca_cert": pki.ca_cert,
        "folder": folder,
        "root": ROOT,
    }
    site = (ROOT / "deploy" / "nginx" / "deftweb.conf").read_text()
    for pattern, replacement in SITE_REWRITES:
        site, found = re.subn(pattern, replacement.format(**values), site)
        assert found == 1, f"deploy/nginx/deftweb.conf: {pattern!r} matched {found} times"
    (folder / "site.conf").write_text(site)
    (folder / "nginx.conf").write_text(MAIN_CONFIG.format(folder=folder))
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    with (folder / "nginx.out").open("w") as output:
        process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=output)
    wait_for_port(https_port)
    return Proxy(https_port, folder, process)


# --- a client -------------------------------------------------------------------------------


class Client:
    """HTTPS through the proxy, optionally with a client certificate, keeping cookies."""

    def __init__(self, proxy: Proxy, pki: Pki, certificate: tuple[Path, Path] | None = None):
        context = ssl.create_default_context(cafile=str(pki.ca_cert))
        if certificate:
            context.load_cert_chain(*map(str, certificate))
        self.base = f"https://127.0.0.1:{proxy.https_port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(),
        )

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        """(status, headers, text); HTTP errors are answers, not exceptions."""
        request = urllib.request.Request(
            self.base + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()
