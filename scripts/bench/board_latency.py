"""Live board latency: posts tickets at a fixed rate while listening to the SSE stream, and
reports how long each ticket took to reach the board (p50, p99, max) and how many arrived.

    python3 board_latency.py URL TOKEN SITE [rate=200] [seconds=10]
"""
import http.client, json, sys, threading, time, urllib.parse

url, token, site = sys.argv[1], sys.argv[2], int(sys.argv[3])
rate = int(sys.argv[4]) if len(sys.argv) > 4 else 200
seconds = int(sys.argv[5]) if len(sys.argv) > 5 else 10
host = urllib.parse.urlparse(url)
sent, seen = {}, {}
ready = threading.Event()

def listen():
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=seconds + 30)
    conn.request("GET", "/api/v1/command-center/stream", headers={"Authorization": f"Bearer {token}"})
    resp = conn.getresponse()
    event = None
    while True:
        line = resp.fp.readline()
        if not line:
            return
        line = line.decode().rstrip("\r\n")
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and event == "summary":
            ready.set()
        elif line.startswith("data:") and event == "ticket":
            summary = json.loads(line[5:])["summary"]
            seen.setdefault(summary, time.monotonic())

threading.Thread(target=listen, daemon=True).start()
ready.wait(30)
# Four posting threads, each on its own connection, interleaved to hold the total rate.
POSTERS = 4
start = time.monotonic()

def post(k):
    conn = http.client.HTTPConnection(host.hostname, host.port)
    for i in range(k, rate * seconds, POSTERS):
        due = start + i / rate
        time.sleep(max(0, due - time.monotonic()))
        summary = f"Board latency probe {i}"
        body = json.dumps({"site_id": site, "summary": summary, "what_happened": "probe"})
        sent[summary] = time.monotonic()
        conn.request("POST", "/api/v1/tickets", body=body, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        conn.getresponse().read()

posters = [threading.Thread(target=post, args=(k,)) for k in range(POSTERS)]
for t in posters:
    t.start()
for t in posters:
    t.join()
elapsed = time.monotonic() - start
time.sleep(2)
lat = sorted((seen[s] - t) * 1000 for s, t in sent.items() if s in seen)
pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] if lat else float("nan")
print(f"{len(sent)} tickets at {len(sent) / elapsed:.0f}/s; {len(lat)} reached the board; "
      f"latency p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms, max {lat[-1] if lat else float('nan'):.1f} ms")
