"""A minimal SMTP server on 127.0.0.1 that keeps every message it is sent: enough ESMTP (EHLO, AUTH PLAIN,
MAIL, RCPT, DATA) for Scrapy's MailSender, which spidermon's e-mail action uses."""

from __future__ import annotations

import socketserver
import threading


class _Session(socketserver.StreamRequestHandler):
    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        in_data, lines = False, []
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if in_data:
                if line == ".":
                    in_data = False
                    self.server.messages.append("\n".join(lines))
                    self.reply("250 queued")
                else:
                    lines.append(line[1:] if line.startswith("..") else line)
                continue
            command = line.upper()
            if command.startswith("EHLO"):
                self.reply("250-sink")
                self.reply("250-AUTH PLAIN")
                self.reply("250 8BITMIME")
            elif command == "AUTH PLAIN":
                self.reply("334 ")
            elif command.startswith("AUTH PLAIN ") or self.server.awaiting_credentials(command):
                self.reply("235 authenticated")
            elif command.startswith(("HELO", "MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 ok")
            elif command == "DATA":
                in_data, lines = True, []
                self.reply("354 end with .")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("500 unknown command")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.messages: list[str] = []
        self.port = self.server_address[1]

    @staticmethod
    def awaiting_credentials(command: str) -> bool:
        """The base64 line that follows a bare `AUTH PLAIN` (no spaces, not a command word)."""
        return " " not in command and len(command) > 4 and command not in ("DATA", "QUIT", "RSET", "NOOP")

    def __enter__(self) -> SmtpSink:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
