#!/usr/bin/env python3
"""Helpers of bench/peers/run (standard library only, except `report`, which needs matplotlib).

  peers.py body proto|json              the request body every load generator sends, on stdout
  peers.py lua proto|json               a wrk script POSTing that body
  peers.py check PORT KIND              one request per codec to a server, response checked;
                                        KIND greet (a GreetService) or echo (body echoed back)
  peers.py wrk                          parse `wrk --latency` output on stdin -> "rps p50_us p99_us"
  peers.py client                       parse a load program's result line on stdin -> same
  peers.py strace                       total syscall count from `strace -c` output on stdin
  peers.py idle PORT PID CONNS          RSS of PID before/after CONNS idle keep-alive connections
  peers.py report RESULTS MD PNG        median tables (markdown, to MD and stdout) and a chart

Only 127.0.0.1 is ever contacted.
"""
import json
import os
import re
import socket
import statistics
import sys
import time

HOST = "127.0.0.1"
PATH = "/greet.v1.GreetService/Greet"
NAME = "peer-bench-name!"  # 16 bytes: GreetRequest{name} encodes to 2 + 16 = 18 bytes


def encode_string_field1(value: str) -> bytes:
    data = value.encode()
    assert len(data) < 128, "one-byte length only"
    return bytes([0x0A, len(data)]) + data


def body(kind: str) -> bytes:
    if kind == "proto":
        encoded = encode_string_field1(NAME)
        assert len(encoded) == 18, len(encoded)
        return encoded
    return json.dumps({"name": NAME}, separators=(",", ":")).encode()


def content_type(kind: str) -> str:
    return "application/proto" if kind == "proto" else "application/json"


def lua(kind: str) -> str:
    escaped = "".join("\\%d" % b for b in body(kind))
    return (
        'wrk.method = "POST"\n'
        f'wrk.body = "{escaped}"\n'
        f'wrk.headers["Content-Type"] = "{content_type(kind)}"\n'
        'wrk.headers["Connect-Protocol-Version"] = "1"\n'
    )


def request_bytes(kind: str) -> bytes:
    payload = body(kind)
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: {content_type(kind)}\r\n"
        f"Connect-Protocol-Version: 1\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


def read_response(sock: socket.socket, pending: bytes = b""):
    """Reads one Content-Length-framed HTTP/1.1 response: (status, headers, body, leftover)."""
    data = pending
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed before the response head")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    if "content-length" not in headers:
        raise RuntimeError(f"response without Content-Length: {headers}")
    length = int(headers["content-length"])
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed inside the response body")
        rest += chunk
    return status, headers, rest[:length], rest[length:]


def check(port: int, kind: str) -> None:
    expected_greeting = f"Hello, {NAME}!"
    with socket.create_connection((HOST, port), timeout=5) as sock:
        for codec in ("proto", "json", "proto"):  # the second proto call reuses the connection
            sock.sendall(request_bytes(codec))
            status, headers, payload, leftover = read_response(sock)
            assert not leftover
            problem = None
            if status != 200:
                problem = f"status {status}"
            elif kind == "echo":
                if payload != body(codec):
                    problem = "body is not the request body"
            elif not headers.get("content-type", "").startswith(content_type(codec)):
                problem = f"content-type {headers.get('content-type')!r}"
            elif codec == "proto" and payload != encode_string_field1(expected_greeting):
                problem = "wrong GreetResponse bytes"
            elif codec == "json" and json.loads(payload) != {"greeting": expected_greeting}:
                problem = "wrong GreetResponse JSON"
            if problem:
                sys.exit(f"CHECK FAILED on port {port} ({kind}, {codec}): {problem}; "
                         f"status {status}, headers {headers}, body {payload!r}")
    print(f"port {port} answers correctly ({kind}: proto, json, keep-alive)")


UNITS_US = {"us": 1.0, "ms": 1000.0, "s": 1e6}


def to_us(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"unknown wrk latency {text!r}")
    return float(match.group(1)) * UNITS_US[match.group(2)]


def parse_wrk(text: str) -> str:
    if re.search(r"Non-2xx or 3xx responses: *\d+", text):
        sys.exit("WRK FAILED: non-2xx responses\n" + text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if errors and sum(int(n) for n in errors.groups()) > 0:
        print("warning: wrk " + errors.group(0), file=sys.stderr)
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", text).group(1))
    p50 = to_us(re.search(r"^\s*50%\s+(\S+)", text, re.M).group(1))
    p99 = to_us(re.search(r"^\s*99%\s+(\S+)", text, re.M).group(1))
    return f"{rps:.1f}\t{p50:.1f}\t{p99:.1f}"


def parse_client(text: str) -> str:
    fields = dict(re.findall(r"(\w+)=(\S+)", text))
    return f"{float(fields['calls_per_s']):.1f}\t{fields['p50_us']}\t{fields['p99_us']}"


def parse_strace(text: str) -> int:
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[-1] == "total":
            return int(parts[3])
    sys.exit("no total line in strace output:\n" + text)


def vm_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def idle(port: int, pid: int, conns: int) -> None:
    """Opens `conns` keep-alive connections, one request each, and keeps them open idle."""
    time.sleep(0.5)
    before = vm_rss_kib(pid)
    sockets = []
    request = request_bytes("proto")
    try:
        for _ in range(conns):
            sock = socket.create_connection((HOST, port), timeout=10)
            sock.sendall(request)
            status, _, _, _ = read_response(sock)
            if status != 200:
                sys.exit(f"idle: status {status}")
            sockets.append(sock)
        time.sleep(1.0)  # let the server settle (e.g. a GC cycle) with all of them open
        after = vm_rss_kib(pid)
        # Every connection must still be open (no idle timeout kicked in).
        alive = 0
        for sock in sockets:
            sock.setblocking(False)
            try:
                alive += 1 if sock.recv(1) else 0
            except BlockingIOError:
                alive += 1
    finally:
        for sock in sockets:
            sock.close()
    print(f"{before}\t{after}\t{conns}\t{alive}")


def fmt_rate(value: float) -> str:
    return f"{value / 1000:.1f}k" if value >= 1000 else f"{value:.0f}"


def fmt_us(value: float) -> str:
    return f"{value / 1000:.2f} ms" if value >= 1000 else f"{value:.0f} µs"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "—"


def server_table(out, servers, scenarios, runs, names, medians, median) -> None:
    header = ["scenario"]
    for server in servers:
        header += [f"{names.get(server, server)} req/s", "p50", "p99"]
    header += ["ours/connect-go req/s", "ours/connect-go p50", "ours/beast req/s", "ours/beast p50"]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" + "---:|" * (len(header) - 1))
    for scenario in scenarios:
        row = [scenario]
        for server in servers:
            samples = runs.get((server, scenario), [])
            m = tuple(median(samples, i) for i in range(3)) if samples else (0, 0, 0)
            medians[(server, scenario)] = m
            row += [fmt_rate(m[0]), fmt_us(m[1]), fmt_us(m[2])]
        ours = medians.get(("ours", scenario), (0, 0, 0))
        go = medians.get(("connect-go", scenario), (0, 0, 0))
        beast = medians.get(("beast", scenario), (0, 0, 0))
        row += [ratio(ours[0], go[0]), ratio(ours[1], go[1]), ratio(ours[0], beast[0]),
                ratio(ours[1], beast[1])]
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    out.append("(raw Beast echoes the request body, also for the JSON row; ratios of p50 below 1 "
               "mean ours is faster.)")
    out.append("")


def report(results_path: str, md_path: str, png_path: str) -> None:
    servers, scenarios = [], []
    runs = {}  # (server, scenario) -> [(rps, p50, p99)]
    clients, client_runs, syscalls, idles, meta = [], {}, {}, {}, {}
    with open(results_path) as results:
        for line in results:
            cols = line.rstrip("\n").split("\t")
            if cols[0] == "meta":
                meta[cols[1]] = cols[2]
            elif cols[0] == "server":
                server, scenario = cols[1], cols[2]
                if server not in servers:
                    servers.append(server)
                if scenario not in scenarios:
                    scenarios.append(scenario)
                runs.setdefault((server, scenario), []).append(tuple(map(float, cols[4:7])))
            elif cols[0] == "client":
                if cols[1] not in clients:
                    clients.append(cols[1])
                client_runs.setdefault(cols[1], []).append(tuple(map(float, cols[3:6])))
            elif cols[0] == "syscalls":
                syscalls[cols[1]] = (int(cols[2]), int(cols[3]))
            elif cols[0] == "idle":
                idles[cols[1]] = tuple(int(c) for c in cols[2:6])

    def median(samples, i):
        return statistics.median(s[i] for s in samples)

    out = []
    out.append(f"Run {meta.get('date', '?')}, commit {meta.get('commit', '?')}: {meta.get('machine', '')}.")
    out.append(f"Servers pinned to CPU 0 (`taskset -c 0`), load generators to CPU 1; "
               f"median of {meta.get('repeats')} runs of {meta.get('seconds')} s each. "
               f"Request: `GreetRequest{{name}}`, 18 bytes as proto.")
    out.append("")
    names = {"ours": "ours", "connect-go": "connect-go", "beast": "raw Beast"}
    medians = {}
    if servers:
        server_table(out, servers, scenarios, runs, names, medians, median)

    threads = meta.get("client_threads", "16")
    client_medians = {}
    if clients:
        out.append(f"Clients against the raw Beast echo server, {threads} concurrent callers each "
                   f"(ours blocking: threads; ours coroutine: coroutines on one thread; connect-go: "
                   f"goroutines), closed loop:")
        out.append("")
        out.append("| client | calls/s | p50 | p99 | syscalls/call |")
        out.append("|---|---:|---:|---:|---:|")
        for client in clients:
            samples = client_runs[client]
            m = tuple(median(samples, i) for i in range(3))
            client_medians[client] = m
            calls, count = syscalls.get(client, (0, 0))
            per_call = f"{count / calls:.1f}" if calls else "—"
            out.append(f"| {client} | {fmt_rate(m[0])} | {fmt_us(m[1])} | {fmt_us(m[2])} | {per_call} |")
        go = client_medians.get("connect-go")
        go_calls, go_count = syscalls.get("connect-go", (0, 0))
        for client in clients:
            if client == "connect-go" or go is None:
                continue
            m = client_medians[client]
            calls, count = syscalls.get(client, (0, 0))
            per_call = ratio(count / calls, go_count / go_calls) if calls and go_calls else ""
            out.append(f"| {client}/connect-go | {ratio(m[0], go[0])} | {ratio(m[1], go[1])} | "
                       f"{ratio(m[2], go[2])} | {per_call} |")
        out.append("")
        calls_note = next(iter(syscalls.values()), (0, 0))[0]
        out.append(f"Syscalls: `strace -f -c` over a run of {calls_note} calls, total syscalls of "
                   f"all threads (setup included) divided by calls.")
        out.append("")

    if idles:
        out.append("Idle keep-alive connections (each sent one request, then stays open), "
                   "server RSS from /proc/PID/status:")
        out.append("")
        out.append("| server | VmRSS before | VmRSS after | connections | KiB per connection |")
        out.append("|---|---:|---:|---:|---:|")
    for server, (before, after, conns, alive) in idles.items():
        note = "" if alive == conns else f" ({alive} still open)"
        out.append(f"| {names.get(server, server)} | {before} KiB | {after} KiB | {conns}{note} | "
                   f"{(after - before) / conns:.1f} |")
    text = "\n".join(out) + "\n"
    with open(md_path, "w") as md:
        md.write(text)
    print(text)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, cax) = plt.subplots(1, 2, figsize=(12, 4.8),
                                  gridspec_kw={"width_ratios": [3, max(len(clients), 1)]})
    width = 0.8 / max(len(servers), 1)
    for i, server in enumerate(servers):
        values = [medians[(server, s)][0] for s in scenarios]
        positions = [x + (i - (len(servers) - 1) / 2) * width for x in range(len(scenarios))]
        bars = ax.bar(positions, values, width, label=names.get(server, server))
        ax.bar_label(bars, labels=[fmt_rate(v) for v in values], fontsize=7, padding=2)
    ax.set_xticks(range(len(scenarios)))
    ax.set_xticklabels(scenarios)
    ax.set_ylabel("requests/s (median)")
    ax.set_title(f"servers: Greet over HTTP/1.1 on 1 core ({meta.get('date', '')})", fontsize=10)
    if servers:
        ax.legend()
    ax.grid(axis="y", alpha=0.3)
    if clients:
        values = [client_medians[c][0] for c in clients]
        colors = ["C0" if c.startswith("ours") else "C1" for c in clients]
        bars = cax.bar(range(len(clients)), values, 0.6, color=colors)
        labels = []
        for client, value in zip(clients, values):
            calls, count = syscalls.get(client, (0, 0))
            labels.append(fmt_rate(value) + (f"\n{count / calls:.1f} sc/call" if calls else ""))
        cax.bar_label(bars, labels=labels, fontsize=7, padding=2)
        cax.set_xticks(range(len(clients)))
        cax.set_xticklabels([c.replace(" (", "\n(") for c in clients], fontsize=8)
        cax.set_ylabel("calls/s (median)")
        cax.set_title(f"clients: {threads} callers vs raw Beast echo", fontsize=10)
        cax.grid(axis="y", alpha=0.3)
        cax.margins(y=0.15)
    else:
        cax.set_visible(False)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)


def main() -> None:
    command, args = sys.argv[1], sys.argv[2:]
    if command == "body":
        sys.stdout.buffer.write(body(args[0]))
    elif command == "lua":
        sys.stdout.write(lua(args[0]))
    elif command == "check":
        check(int(args[0]), args[1])
    elif command == "wrk":
        print(parse_wrk(sys.stdin.read()))
    elif command == "client":
        print(parse_client(sys.stdin.read()))
    elif command == "strace":
        print(parse_strace(sys.stdin.read()))
    elif command == "idle":
        idle(int(args[0]), int(args[1]), int(args[2]))
    elif command == "report":
        report(*args)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
