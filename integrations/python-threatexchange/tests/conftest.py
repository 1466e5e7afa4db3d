"""What the tests share: a real `takeback serve` on a fresh SQLite database, a proxy on
loopback that can alter the feed on its way, and benign generated pictures.

Needs the `takeback` binary: TAKEBACK_BIN, else target/debug/takeback (which `cargo build`
makes). Without it the tests fail and say so: a skipped test would look like a pass.
"""

import json
import os
import pathlib
import random
import re
import shutil
import subprocess
import threading
import time
import typing as t
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from PIL import Image, ImageDraw

ROOT = pathlib.Path(__file__).resolve().parents[3]
BINARY = pathlib.Path(os.environ.get("TAKEBACK_BIN", ROOT / "target/debug/takeback"))


def takeback(*args: str) -> str:
    """Runs `takeback ARGS…` and returns its stdout."""
    if not BINARY.is_file():
        pytest.fail(f"{BINARY} is missing: build it with `cargo build -p takeback` or set TAKEBACK_BIN")
    done = subprocess.run([str(BINARY), *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"takeback {' '.join(args)}: {done.stderr}"
    return done.stdout


class Hotline:
    """`takeback serve` on loopback with its own database in `dir`; `restart` keeps it."""

    def __init__(self, dir: pathlib.Path, *args: str) -> None:
        self.dir = dir
        self.args = args
        self.database = f"sqlite://{dir / 'takeback.db'}"
        self.process: t.Optional[subprocess.Popen] = None
        self.url = ""
        self.start()

    def start(self) -> None:
        if not BINARY.is_file():
            pytest.fail(f"{BINARY} is missing: build it with `cargo build -p takeback` or set TAKEBACK_BIN")
        env = {
            **os.environ,
            # The throttles count every test's reports as one source's: off.
            "TAKEBACK_REPORTS_PER_SOURCE_PER_HOUR": "0",
            "TAKEBACK_FAILED_CASE_LOOKUPS_PER_SOURCE_PER_HOUR": "0",
        }
        for name in ("TAKEBACK_DATABASE_URL", "TAKEBACK_CONFIG"):
            env.pop(name, None)
        self.process = subprocess.Popen(
            [str(BINARY), "serve", "--listen", "127.0.0.1:0", "--database", self.database, *self.args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=open(self.dir / "serve.log", "ab"),
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        found = re.search(r"listening on (http://\S+)", line)
        if not found:
            self.process.kill()
            pytest.fail(f"takeback serve did not start: {(self.dir / 'serve.log').read_text()}")
        self.url = found.group(1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()

    def run(self, *args: str) -> str:
        """`takeback ARGS… --database` this hotline's."""
        return takeback(*args, "--database", self.database)

    def partner(self, name: str) -> str:
        return self.run("partner", "add", name).strip()

    def analyst(self, name: str) -> str:
        return self.run("analyst", "add", name).strip()

    def public_key(self) -> str:
        keys = requests.get(f"{self.url}/api/v1/keys", timeout=10).json()["keys"]
        return keys[0]["public_key"]

    def report(
        self,
        pdq_hashes: t.Sequence[str] = (),
        md5: t.Sequence[str] = (),
        videos: t.Sequence[t.Sequence[str]] = (),
    ) -> t.Tuple[str, str]:
        """Reports fingerprints as a young person would (a video as its frames' PDQ
        hashes, one a second); returns the case number and secret."""
        hashes: t.List[t.Dict[str, t.Any]] = [
            {"algorithm": "pdq", "value": h, "quality": 90} for h in pdq_hashes
        ]
        hashes += [{"algorithm": "md5", "value": h} for h in md5]
        for frames in videos:
            hashes.append(
                {
                    "algorithm": "vpdq",
                    "frames": [
                        {"timestamp": float(n), "value": h, "quality": 90}
                        for n, h in enumerate(frames)
                    ],
                }
            )
        answer = requests.post(
            f"{self.url}/api/v1/reports",
            json={
                "reporter": "young_person",
                "hashes": hashes,
                "urls": [],
                "under_18": True,
                "consent_to_share": True,
            },
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        receipt = answer.json()
        return receipt["case_id"], receipt["case_secret"]

    def withdraw(self, case: t.Tuple[str, str]) -> None:
        answer = requests.delete(
            f"{self.url}/api/v1/reports/{case[0]}",
            headers={"Authorization": f"Bearer {case[1]}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text

    def analyst_entry(self, token: str, entry_id: int) -> t.Any:
        answer = requests.get(
            f"{self.url}/api/v1/analyst/entries/{entry_id}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def backup(self, to: pathlib.Path) -> None:
        """Copies the database while the server is stopped (and starts it again)."""
        self.stop()
        to.mkdir()
        for file in self.dir.glob("takeback.db*"):
            shutil.copy2(file, to / file.name)
        self.start()

    def restore(self, backup: pathlib.Path) -> None:
        self.stop()
        for file in self.dir.glob("takeback.db*"):
            file.unlink()
        for file in backup.iterdir():
            shutil.copy2(file, self.dir / file.name)
        self.start()


@pytest.fixture
def hotline(tmp_path: pathlib.Path) -> t.Iterator[Hotline]:
    server = Hotline(tmp_path)
    yield server
    server.stop()


def random_hash(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


class Proxy:
    """A loopback proxy in front of a hotline that can alter feed pages (`tamper`):
    `flip` a hash, `drop` a change, `reorder` two, `replay` the first page it saw, or
    serve `stale` the answer it saw before to the same request."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.tamper: t.Optional[str] = None
        self.first_page: t.Optional[bytes] = None
        self.seen: t.Dict[str, bytes] = {}
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: t.Any) -> None:
                pass

            def do_GET(self) -> None:
                headers = {k: v for k, v in self.headers.items() if k.lower() == "authorization"}
                answer = requests.get(proxy.upstream + self.path, headers=headers, timeout=30)
                body = answer.content
                if self.path.startswith("/api/v1/hashlist?") and answer.status_code == 200:
                    body = proxy.alter(self.path, body)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")}
                answer = requests.post(
                    proxy.upstream + self.path, data=self.rfile.read(length), headers=headers, timeout=30
                )
                self.send_response(answer.status_code)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def alter(self, path: str, body: bytes) -> bytes:
        if self.first_page is None:
            self.first_page = body
        if self.tamper == "stale" and path in self.seen:
            return self.seen[path]
        self.seen[path] = body
        page = json.loads(body)
        changes = page["changes"]
        if self.tamper == "flip" and changes:
            value = changes[-1]["value"]
            changes[-1]["value"] = ("1" if value[0] == "0" else "0") + value[1:]
        elif self.tamper == "drop" and len(changes) >= 2:
            del changes[0]
        elif self.tamper == "reorder" and len(changes) >= 2:
            changes[0], changes[1] = changes[1], changes[0]
        elif self.tamper == "replay":
            return self.first_page
        return json.dumps(page).encode()

    def close(self) -> None:
        self.server.shutdown()


def picture(path: pathlib.Path, seed: int) -> pathlib.Path:
    """A benign generated picture: coloured shapes on a background."""
    rng = random.Random(seed)
    image = Image.new("RGB", (320, 240), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y = rng.randrange(320), rng.randrange(240)
        box = (x, y, x + rng.randrange(20, 160), y + rng.randrange(20, 120))
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.rectangle(box, fill=colour)
        else:
            draw.ellipse(box, fill=colour)
    image.save(path)
    return path


def wait_until(condition: t.Callable[[], bool], seconds: float = 20) -> bool:
    end = time.time() + seconds
    while time.time() < end:
        if condition():
            return True
        time.sleep(0.2)
    return condition()
