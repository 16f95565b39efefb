# newsbot in a container: one process serves Slack over HTTP on $PORT (default 3000) and runs
# the summary and publish workers. Build and run:
#   docker build -t newsbot .
#   docker run --env-file .env -p 3000:3000 newsbot
# With PostgreSQL, run `newsbot db upgrade` once per release first (docker-compose.yml does).

# --- build: install the app and its locked dependencies into a venv ---------------------------
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY prompts ./prompts
RUN python -m venv /opt/newsbot \
    && /opt/newsbot/bin/pip install --upgrade "pip>=24" \
    && /opt/newsbot/bin/pip install -c constraints.txt .

# --- run: the venv only, as an unprivileged user -------------------------------------------------
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 --user-group newsbot
COPY --from=build /opt/newsbot /opt/newsbot
ENV PATH="/opt/newsbot/bin:$PATH" PYTHONUNBUFFERED=1 PORT=3000
USER newsbot
WORKDIR /home/newsbot
EXPOSE 3000
# 200 only while the database answers (bot/server.py). The slim image has no curl: Python asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4)"]
CMD ["newsbot", "serve"]
