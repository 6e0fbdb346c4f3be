# One image for every service (and docker-compose's kafka-setup); the command picks
# which one runs: `python -m services.directives`, ...
#
# Two stages. The builder installs the pinned dependencies of pyproject.toml into a
# virtualenv: that layer depends on pyproject.toml alone, so changing the code does
# not reinstall them. The runtime stage is a slim image with that virtualenv and the
# sources, owned by root and run as an unprivileged user that can write only its
# state folder. tests/unit/test_dockerfile.py checks all of this (no Docker engine on
# the development machines).

FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /build
COPY pyproject.toml ./
# pyproject's [project] dependencies, exactly as pinned there, without the sources.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install -r requirements.txt

FROM python:3.11-slim AS runtime
RUN groupadd --system --gid 10001 chidao \
    && useradd --system --uid 10001 --gid chidao --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin chidao \
    && install -d -o chidao -g chidao -m 0750 /var/lib/chidao
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY shared ./shared
COPY services ./services
COPY chidao ./chidao
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CHIDAO_STATE_DIR=/var/lib/chidao
USER 10001:10001
EXPOSE 8001 8002 8003 8004
