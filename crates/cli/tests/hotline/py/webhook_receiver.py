"""A partner's webhook receiver for the takedown tests: verifies each notice's signature
with the Standard Webhooks reference library and records what it received.

    python webhook_receiver.py LOG SECRET [--fail-first N] [--hang-first N]

Prints `listening on PORT` once ready. Each delivery becomes one JSON line in LOG:
{"verified": bool, "id", "timestamp", "body"}. A delivery that does not verify is answered
401; the first N that do are answered 500 (a partner having a bad day), or with
--hang-first not answered for a minute (a sender killed meanwhile never hears back); the
rest 204.
"""

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

arguments = argparse.ArgumentParser()
arguments.add_argument("log")
arguments.add_argument("secret")
arguments.add_argument("--fail-first", type=int, default=0)
arguments.add_argument("--hang-first", type=int, default=0)
options = arguments.parse_args()
log_path, fail_first, hang_first = options.log, options.fail_first, options.hang_first
webhook = Webhook(options.secret)
failed = 0
hung = 0
lock = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        global failed, hung
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length)
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            webhook.verify(body, headers)
            verified = True
        except WebhookVerificationError:
            verified = False
        with lock, open(log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps({
                "verified": verified,
                "id": headers.get("webhook-id"),
                "timestamp": headers.get("webhook-timestamp"),
                "body": body.decode("utf-8", "replace"),
            }) + "\n")
        with lock:
            hang = verified and hung < hang_first
            hung += hang
            fail = verified and not hang and failed < fail_first
            failed += fail
        if hang:
            time.sleep(60)
        if not verified:
            status = 401
        elif fail:
            status = 500
        else:
            status = 204
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
print(f"listening on {server.server_address[1]}", flush=True)
server.serve_forever()
