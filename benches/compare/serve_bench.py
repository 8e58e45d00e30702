"""Measures `blazetext serve` against FastAPI + uvicorn + the fasttext wheel with wrk, on
loopback, in one run (see serve.sh, which builds the models and installs the tools).

Usage: serve_bench.py BIN PYTHON_VENV WORKDIR RUNS SECONDS
WORKDIR holds clf.bin (a classifier with many labels: cooking's 735), few.bin (one with few:
AG News' 4), big.bin (a ~300 MB classifier), vec.bin (word vectors),
words.txt (500 words), topics.ntm (topic model) and doc.txt (a 200-word document).
Prints a Markdown table of medians; every wrk run is bounded (SECONDS, 32 connections).
"""

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

BIN, VENV, WORK, RUNS, SECONDS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
HERE = os.path.dirname(os.path.abspath(__file__))
CLASSIFY = {"instances": ["Which baking dish is best to bake a banana bread ?"], "configuration": {"k": 1}}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ping(port, timeout=120.0):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=1) as r:
                if r.status == 200:
                    return time.monotonic() - start
        except Exception:
            time.sleep(0.005)
    raise RuntimeError(f"server on {port} never became ready")


def start_blazetext(port, *models, extra=()):
    cmd = [BIN, "serve", *models, "--bind", f"127.0.0.1:{port}", "--no-access-log", "--quiet", *extra]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_peer(port, model, workers):
    env = dict(os.environ, MODEL=model)
    cmd = [f"{VENV}/bin/uvicorn", "serve_peer:app", "--port", str(port), "--workers", str(workers),
           "--no-access-log", "--log-level", "warning"]
    return subprocess.Popen(cmd, cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def stop(process):
    """SIGTERM to the server (to uvicorn's whole process group: its workers too)."""
    if os.getpgid(process.pid) == process.pid:
        os.killpg(process.pid, signal.SIGTERM)
    else:
        process.terminate()
    process.wait(timeout=60)


def to_ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port, path, body, headers):
    script, payload = os.path.join(WORK, "request.lua"), os.path.join(WORK, "request.body")
    with open(payload, "w") as f:
        f.write(body)
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\n')
        f.write(f'local file = io.open("{payload}", "rb")\nwrk.body = file:read("*a")\nfile:close()\n')
        for name, value in headers.items():
            f.write(f'wrk.headers["{name}"] = "{value}"\n')
    out = subprocess.run(["wrk", "-t1", "-c32", f"-d{SECONDS}s", "--latency", "-s", script,
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", body.encode(), headers)
        try:
            urllib.request.urlopen(request)
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"wrk saw {errors.group(1)} error answers, like: {e.read()!r}")
        raise RuntimeError(f"wrk saw {errors.group(1)} error answers:\n{out}")
    return rps, p50, p99


def measure(start, path, body, headers):
    """Median req/s, p50 and p99 (ms) of RUNS wrk runs against one server started by `start`."""
    port = free_port()
    process = start(port)
    try:
        wait_ping(port)
        wrk(port, path, body, headers)  # warm-up run, not counted
        runs = [wrk(port, path, body, headers) for _ in range(RUNS)]
    finally:
        stop(process)
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        kib = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
    return kib / 1024


def main():
    json_headers = {"Content-Type": "application/json"}
    body = json.dumps(CLASSIFY)
    rows, ratios = [], []
    for name, label in (("clf.bin", "cooking, 735 labels"), ("few.bin", "AG News, 4 labels")):
        model = os.path.join(WORK, name)
        request = f"one-sentence classification ({label})"
        ours = measure(lambda p: start_blazetext(p, model), "/invocations", body, json_headers)
        rows.append((request, "blazetext serve", ours))
        best_peer = None
        for workers in (1, 2):
            peer = measure(lambda p: start_peer(p, model, workers), "/invocations", body, json_headers)
            rows.append((request, f"FastAPI+uvicorn+fasttext, {workers} worker(s)", peer))
            if best_peer is None or peer[0] > best_peer[0]:
                best_peer = peer
        ratios.append(f"{label}: {ours[0] / best_peer[0]:.1f}x the best Python server's req/s, "
                      f"p99 {ours[2]:.2f} ms vs {best_peer[2]:.2f} ms")
    words = open(os.path.join(WORK, "words.txt")).read().split()[:500]
    vectors = measure(lambda p: start_blazetext(p, os.path.join(WORK, "vec.bin")), "/invocations",
                      json.dumps({"instances": words}), json_headers)
    rows.append(("500-word vector lookup", "blazetext serve", vectors))
    doc = open(os.path.join(WORK, "doc.txt")).read().strip()
    topics = measure(lambda p: start_blazetext(p, os.path.join(WORK, "topics.ntm")), "/invocations", doc,
                     {"Content-Type": "text/plain"})
    rows.append(("topic weights of a 200-word document", "blazetext serve", topics))

    print(f"| request | server | req/s | p50 ms | p99 ms |")
    print("|---|---|---:|---:|---:|")
    for request, server, (rps, p50, p99) in rows:
        print(f"| {request} | {server} | {rps:,.0f} | {p50:.2f} | {p99:.2f} |")
    print()
    for ratio in ratios:
        print(f"classification, {ratio}")

    big = os.path.join(WORK, "big.bin")
    size_mib = os.path.getsize(big) / 2**20
    starts, rss = [], []
    for _ in range(RUNS):
        port = free_port()
        process = start_blazetext(port, big)
        starts.append(wait_ping(port))
        rss.append(rss_mib(process.pid))
        stop(process)
    port = free_port()
    process = start_blazetext(port, extra=("--variant", f"a={big}:0.5", "--variant", f"b={big}:0.5"))
    wait_ping(port)
    two_variants = rss_mib(process.pid)
    stop(process)
    print(f"\ncold start of a {size_mib:.0f} MiB classifier, launch to /ping 200: median "
          f"{statistics.median(starts):.2f} s (runs: {', '.join(f'{s:.2f}' for s in starts)})")
    print(f"resident memory serving it: {statistics.median(rss):.0f} MiB (model file {size_mib:.0f} MiB); "
          f"two variants of the same file: {two_variants:.0f} MiB")


if __name__ == "__main__":
    main()
