"""Fixtures for the metrics tests: the demo service on 127.0.0.1 (plain and TLS)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fault_server import DemoServer, serve_in_thread


@pytest.fixture(scope="module")
def demo() -> DemoServer:
    server = serve_in_thread(speed=20.0)
    yield server
    server.stop()


@pytest.fixture()
def server() -> DemoServer:
    """A fresh demo service for tests that change what it serves."""
    s = serve_in_thread()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command at test time."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "30", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture()
def tls_server(tls_cert: tuple[Path, Path]) -> DemoServer:
    cert, key = tls_cert
    s = serve_in_thread(certfile=str(cert), keyfile=str(key))
    yield s
    s.stop()




@pytest.fixture(scope="session")
def client_cert(tmp_path_factory: pytest.TempPathFactory, tls_cert: tuple[Path, Path]) -> tuple[Path, Path]:
    """A self-signed client certificate (it is its own CA)."""
    d = tmp_path_factory.mktemp("client")
    cert, key = d / "client.pem", d / "client.key"
    subprocess.run([shutil.which("openssl") or "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "30", "-subj", "/CN=warroom-test-client"],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture()
def mtls_server(tls_cert: tuple[Path, Path], client_cert: tuple[Path, Path]) -> DemoServer:
    cert, key = tls_cert
    s = serve_in_thread(certfile=str(cert), keyfile=str(key), client_ca=str(client_cert[0]))
    yield s
    s.stop()
