"""gunicorn settings for deftweb: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be changed by the environment named beside it. The app behind this is stateless:
run as many of these, on as many hosts, as the load needs, all on one PostgreSQL database.
"""

import multiprocessing
import os

#: Loopback or a unix socket only: the TLS proxy is the only client (it sets the identity headers).
bind = os.environ.get("DEFTWEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
#: A request that takes longer than this is stuck; the worker is killed and replaced.
timeout = int(os.environ.get("DEFTWEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
#: The app checks this (SQLite refuses more than one worker in production).
raw_env = [f"DEFTWEB_WORKERS={workers}"]
#: Headers spelled with underscores share a WSGI key with the dashed ones: drop them, so a
#: client's X_SSL_Client_S_DN can never stand in for the proxy's X-SSL-Client-S-DN.
header_map = "drop"
#: The proxy's address; only it may set X-Forwarded-* (the app's PROXY_FIX_COUNT decides use).
forwarded_allow_ips = os.environ.get("DEFTWEB_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("DEFTWEB_ACCESS_LOG", "-")
errorlog = "-"
#: The request id is the proxy's (nginx $request_id), echoed by the app as a response header.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s user_agent="%(a)s"'
proc_name = "deftweb"
