"""A development mail catcher: accepts every message on an SMTP port and prints it.

``make run`` starts it when nothing listens on the ordering service's SMTP host and port
(Mailpit does that job under docker compose), so the vendor's e-mail of step 15 is seen in the
log and kept as an .eml file under ``var/mail/``. Never for production: it delivers nothing.

    python scripts/mail_catcher.py --port 1025
"""

import argparse
import asyncio
import contextlib
import email
import email.policy
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class PrintingHandler:
    def __init__(self, keep_in: Path) -> None:
        self.keep_in = keep_in

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        message = email.message_from_bytes(bytes(raw), policy=email.policy.default)
        self.keep_in.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        saved = self.keep_in / f"{stamp}.eml"
        saved.write_bytes(bytes(raw))
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        print(f"mail to {', '.join(envelope.rcpt_tos)} from {envelope.mail_from}", flush=True)
        print(f"  Subject: {message['Subject']}", flush=True)
        for line in text.strip().splitlines()[:12]:
            print(f"  | {line}", flush=True)
        print(f"  (whole message: {saved})", flush=True)
        return "250 Message accepted for delivery"


async def serve(host: str, port: int, keep_in: Path) -> None:
    controller = Controller(PrintingHandler(keep_in), hostname=host, port=port)
    controller.start()
    print(f"mail catcher listening on {host}:{port}; messages kept in {keep_in}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--keep-in", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, args.keep_in))


if __name__ == "__main__":
    main()
