# instance/config.py for production (copy it there, chmod 600, fill in the blanks).
# Every key can also come from the environment as DEFTWEB_<KEY>; see the README's table.

ENVIRONMENT = "production"
# python -c 'import secrets; print(secrets.token_hex(32))': the same value on every app host.
SECRET_KEY = ""
# One PostgreSQL database shared by every app host.
DATABASE_URL = "postgresql+psycopg://deftweb:PASSWORD@dbod-deftweb.cern.ch:6600/deftweb"
DEV_LOGIN = False
LOG_FORMAT = "json"
MONITOR_TASK_URL = "https://bigpanda.cern.ch/task/{id}/"
