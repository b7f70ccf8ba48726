# lape-plan: one Streamlit process; the database lives on the /data volume.
#   docker build -t lape-plan . && docker run -p 127.0.0.1:8501:8501 -v lape-data:/data lape-plan
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LAPE_PLAN_DB=/data/lape_plan.db

WORKDIR /app
# The pinned install first, so that a code change does not reinstall the packages.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY app.py pyproject.toml README.md ./
COPY .streamlit/config.toml .streamlit/config.toml
COPY lape_plan lape_plan
COPY pages pages
COPY data data

# A system user without a login shell; it owns only its home, the database volume and the folder of
# published plans (served by the app at /app/static/published/; a volume in compose.yaml).
RUN useradd --system --uid 10001 --create-home --shell /usr/sbin/nologin lape \
    && mkdir /data && chown lape /data \
    && mkdir -p /app/static/published && chown lape /app/static/published
USER lape
VOLUME ["/data"]
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]

# Listens on all interfaces inside the container; publish the port to the host's loopback only
# and let the reverse proxy terminate HTTPS (README, "Running it for a municipality").
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
