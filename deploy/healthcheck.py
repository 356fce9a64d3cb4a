"""Health check of the web process, run inside its container by the compose file.

Asks the portal's own /healthz on 127.0.0.1 and exits 0 when it answers 200 (the database
answers), 1 otherwise, as Docker expects. Only the standard library, so it costs little to run.

The request carries a Host header the portal accepts (the first concrete name in ALLOWED_HOSTS):
the production settings answer 400 to any other host. /healthz is exempt from the HTTPS redirect,
so the probe needs no TLS.
"""

import http.client
import os
import sys


def probe_host(allowed_hosts: str) -> str:
    """The first host name in ALLOWED_HOSTS that Django will accept as a Host header."""
    for entry in allowed_hosts.split(","):
        host = entry.strip()
        if not host or host == "*":
            continue
        # ".example.org" allows example.org and every subdomain.
        return host.lstrip(".")
    return "localhost"


def check_web(port: int, host: str, timeout: float) -> tuple[bool, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/healthz", headers={"Host": host, "Accept": "application/json"})
        response = connection.getresponse()
        body = response.read(2048).decode("utf-8", "replace").strip()
    except OSError as exc:
        return False, f"web: no answer on 127.0.0.1:{port}: {exc}"
    finally:
        connection.close()
    return response.status == 200, f"web: /healthz answered {response.status} {body}"


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    host = probe_host(os.environ.get("ALLOWED_HOSTS", ""))
    timeout = float(os.environ.get("HEALTHCHECK_TIMEOUT", "5"))
    healthy, message = check_web(port, host, timeout)
    print(message)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
