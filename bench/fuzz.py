"""Fuzzing at length: generated callbacks and API requests against a running `louwu serve`.

    .venv/bin/python bench/fuzz.py [--cases 50000] [--chunk 5000] [--api-examples 300]

The callback campaign is tests/fuzzing.py's (the CI test runs 1,500 cases of it per backend): genuine,
odd, unsigned, stale, hostile, garbage and replayed requests to `/wechat` of a server in safe mode
(which also takes plaintext) on SQLite with the demo buildings. Each chunk is a fresh hypothesis run;
after each, the server's resident memory. Then schemathesis drives the JSON API from its OpenAPI
document with an admin's token. Any 500, traceback in an answer or hang stops the run with the case.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.intake import free_port, stop, wait_up  # noqa: E402
from bench.soak import rss_mib  # noqa: E402
from tests.fuzzing import Tally, Target, campaign  # noqa: E402

BIN = Path(sys.executable).parent
DEMO = ROOT / "bot" / "demo" / "demo.toml"
TOKEN, APP_ID = "louwu-fuzz", "wx_fuzz"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def louwu(cfg: Path, *args: str, stdin: str = "") -> str:
    done = subprocess.run(  # noqa: S603
        [str(BIN / "louwu"), "--config", str(cfg), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def configure(tmp: Path) -> tuple[Path, str]:
    """A config and database with the demo buildings and an admin; returns the admin's API token."""
    cfg = tmp / "config.toml"
    cfg.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp}/fuzz.db"\n'
        f'[wechat]\ntoken = "{TOKEN}"\napp_id = "{APP_ID}"\nencoding_aes_key = "{AES_KEY}"\n'
        '[log]\nlevel = "WARNING"\n'
    )
    louwu(cfg, "db", "upgrade")
    louwu(cfg, "seed", str(DEMO))
    louwu(cfg, "users", "add", "fuzz-admin", "--role", "admin", stdin="correct horse battery\n" * 2)
    printed = louwu(cfg, "users", "token", "fuzz-admin")
    return cfg, printed.split("shown once: ")[1].split()[0]


def callbacks(port: int, pid: int, cases: int, chunk: int) -> Tally:
    total = Tally()
    print(f"{'cases':>8} {'RSS MiB':>8} {'slowest s':>10}  statuses so far")
    done = 0
    while done < cases:
        n = min(chunk, cases - done)
        tally = Tally()
        campaign(Target("127.0.0.1", port, TOKEN, APP_ID, AES_KEY), n, tally, seed=None)
        done += n
        total.statuses.update(tally.statuses)
        total.kinds.update(tally.kinds)
        total.slowest = max(total.slowest, tally.slowest)
        statuses = dict(sorted(total.statuses.items()))
        print(f"{total.cases:8d} {rss_mib(pid):8.1f} {tally.slowest:10.2f}  {statuses}", flush=True)
    return total


def api(port: int, token: str, examples: int) -> tuple[int, str]:
    """schemathesis against the OpenAPI document; (test cases generated, its summary line)."""
    run = subprocess.run(  # noqa: S603
        [
            str(BIN / "schemathesis"),
            "run",
            f"http://127.0.0.1:{port}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--max-examples",
            str(examples),
            "--no-color",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        print(run.stdout[-6000:], run.stderr[-2000:])
        raise SystemExit("schemathesis found a failure (above)")
    generated = sum(int(n) for n in re.findall(r"(\d+) generated", run.stdout))
    summary = next((line for line in run.stdout.splitlines() if "passed" in line), "")
    return generated, summary.strip(" =")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=50_000)
    ap.add_argument("--chunk", type=int, default=5_000)
    ap.add_argument("--api-examples", type=int, default=300)
    args = ap.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp_name:
        cfg, token = configure(Path(tmp_name))
        log = Path(tmp_name) / "serve.log"
        with log.open("wb") as out:
            serve = subprocess.Popen(  # noqa: S603
                [str(BIN / "louwu"), "--config", str(cfg), "serve", "--port", str(port)],
                stdout=out,
                stderr=out,
            )
        try:
            wait_up(port, serve)
            start = time.perf_counter()
            tally = callbacks(port, serve.pid, args.cases, args.chunk)
            seconds = time.perf_counter() - start
            generated, summary = api(port, token, args.api_examples)
            rss = rss_mib(serve.pid)
        finally:
            stop(serve)
        text = log.read_text(errors="replace")
        logged = Counter(re.findall(r" (ERROR|WARNING) ", text))
        # each ERROR line with the last line of its traceback
        errors = re.findall(r".* ERROR .*(?:\n(?!\d{4}-).*)*", text)
    kinds = Counter({k.rsplit(" ", 1)[0]: 0 for k in tally.kinds})
    for k, n in tally.kinds.items():
        kinds[k.rsplit(" ", 1)[0]] += n
    print(f"\ncallback: {tally.cases} requests in {seconds:.0f} s, {dict(sorted(tally.statuses.items()))}")
    print("  by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    print(f"  slowest answer {tally.slowest:.2f} s; no 5xx, no traceback in any answer")
    print(f"API: {generated} generated test cases (schemathesis, all checks): {summary}")
    print(f"server RSS at the end {rss:.1f} MiB; its log: {dict(logged)}")
    for entry in errors[:5]:
        lines = [line for line in entry.splitlines() if line.strip(" ^~")]
        print(f"  {lines[0][:200]} … {lines[-1][:200]}")


if __name__ == "__main__":
    main()
