"""A real IMAP server for the tests: Debian's Dovecot, started on a free port with TLS and one mailbox.

Run as root, the mailbox belongs to Dovecot's own system user; run as anyone else, Dovecot runs
rootless as that user. The server is stopped and its directory removed after the test.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"


@dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    ca_file: Path

    def connect(self) -> imaplib.IMAP4_SSL:
        client = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=ssl.create_default_context(cafile=self.ca_file))
        client.login(self.user, self.password)
        client.select("INBOX")
        return client

    def deliver(self, message: bytes) -> None:
        with self.connect() as client:
            status, _ = client.append("INBOX", None, None, message)
            assert status == "OK"

    def unseen(self) -> int:
        with self.connect() as client:
            _, found = client.search(None, "UNSEEN")
            return len(found[0].split())

    def environment(self) -> dict[str, str]:
        return {
            "XIAOBAO_IMAP_HOST": self.host,
            "XIAOBAO_IMAP_PORT": str(self.port),
            "XIAOBAO_IMAP_USER": self.user,
            "XIAOBAO_IMAP_PASSWORD": self.password,
            "XIAOBAO_IMAP_CA_FILE": str(self.ca_file),
        }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _accounts(home: Path) -> str:
    """Who Dovecot's processes and the mailbox run as."""
    if os.geteuid() == 0:
        owner = pwd.getpwnam("dovecot")
        os.chown(home / "mail", owner.pw_uid, owner.pw_gid)
        return f"first_valid_uid = {owner.pw_uid}\nmail_uid = dovecot\nmail_gid = dovecot\n"
    me, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    return (
        f"default_internal_user = {me}\ndefault_internal_group = {group}\ndefault_login_user = {me}\n"
        f"first_valid_uid = {os.getuid()}\nmail_uid = {me}\nmail_gid = {group}\n"
    )


def _config(home: Path, port: int) -> str:
    return f"""
base_dir = {home}/run
state_dir = {home}/state
log_path = {home}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{home}/cert.pem
ssl_key = <{home}/key.pem
mail_location = maildir:{home}/mail/%u
passdb {{
  driver = passwd-file
  args = {home}/passwd
}}
userdb {{
  driver = static
  args = home={home}/mail/%u
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
  }}
}}
{_accounts(home)}"""


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    assert Path(DOVECOT).exists(), "Dovecot is missing: `make install-test` installs dovecot-imapd"
    home = Path(tempfile.mkdtemp(prefix="xb-imap-"))
    home.chmod(0o755)
    for part in ("run", "state", "mail"):
        (home / part).mkdir()
    certificate = ["-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1"]
    files = ["-keyout", home / "key.pem", "-out", home / "cert.pem"]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", *certificate, *files],
        check=True,
        capture_output=True,
    )
    server = ImapServer("127.0.0.1", _free_port(), "tousu", "mailbox-secret", home / "cert.pem")
    (home / "passwd").write_text(f"{server.user}:{{PLAIN}}{server.password}::::::\n")
    (home / "dovecot.conf").write_text(_config(home, server.port))
    process = subprocess.Popen([DOVECOT, "-F", "-c", home / "dovecot.conf"], stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection((server.host, server.port), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)
