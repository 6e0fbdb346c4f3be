# One image for every service; the command picks which one runs.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY chidao ./chidao
RUN pip install --no-cache-dir .
ENV PYTHONUNBUFFERED=1
