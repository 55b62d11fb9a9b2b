#!/usr/bin/env python3
"""openai-server.py PORTFILE [DELAY] - a small OpenAI-compatible streaming
completions server for the tests, on 127.0.0.1.  It writes the port it
listens on to PORTFILE, streams max_tokens chunks (server-sent events)
DELAY seconds apart (default 0.001), then a usage chunk and [DONE].
POST /v1/completions only; anything else gets 404.  It stops by itself
after 60 seconds or 5000 requests, whichever comes first.
Plain python3, no third-party modules.
"""
import http.server
import os
import json
import sys
import threading
import time

LIFETIME = 60
MAX_REQUESTS = 5000
portfile = sys.argv[1]
delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.001
count = 0
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def chunk(self, obj):
        self.wfile.write(b"data: " + json.dumps(obj).encode() + b"\n\n")
        self.wfile.flush()

    def do_POST(self):
        global count
        with lock:
            count += 1
            if count >= MAX_REQUESTS:
                threading.Thread(target=server.shutdown).start()
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/v1/completions":
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": "no such endpoint"}')
            return
        n = int(body.get("max_tokens", 16))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for k in range(n):
            time.sleep(delay)
            self.chunk({"choices": [{"index": 0, "text": " t%d" % k}]})
        self.chunk({"choices": [], "usage": {"completion_tokens": n}})
        self.wfile.write(b"data: [DONE]\n\n")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
timer = threading.Timer(LIFETIME, server.shutdown)
timer.daemon = True
timer.start()
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
