#!/usr/bin/env bash
# Certificates for the brokers of docker-compose.yml (SASL_SSL): a certificate authority
# and the brokers' key and certificate signed by it, for the names clients use
# (kafka-1, kafka-2, kafka-3 inside the network, localhost from the host). Run once before `docker compose
# up`; nothing it writes is committed (deploy/kafka-tls/out/ is git-ignored).
#
#   KAFKA_KEYSTORE_PASSWORD=... deploy/kafka-tls/make-certs.sh [OUT_DIR]
#
# Writes OUT_DIR (default deploy/kafka-tls/out): ca.crt (give it to every client:
# KAFKA_SSL_CAFILE), ca.key (keep it offline), kafka.p12 (the broker's keystore,
# PKCS12, protected by KAFKA_KEYSTORE_PASSWORD; one keystore for the three brokers of
# one machine). Existing files are kept, so clients already trusting the CA keep
# working; delete kafka.p12 for a new broker certificate (one made before the three
# brokers names only `kafka`), the whole folder to start over.
set -euo pipefail
out="${1:-$(dirname "$0")/out}"
: "${KAFKA_KEYSTORE_PASSWORD:?set KAFKA_KEYSTORE_PASSWORD (the broker keystore password)}"
mkdir -p "$out"
chmod 700 "$out"
cd "$out"
umask 077
if [[ ! -f ca.key ]]; then
  openssl req -x509 -newkey rsa:3072 -sha256 -days 3650 -nodes \
    -keyout ca.key -out ca.crt -subj "/O=chidao/CN=chidao Kafka CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
fi
if [[ ! -f kafka.p12 ]]; then
  openssl req -newkey rsa:3072 -sha256 -nodes -keyout kafka.key -out kafka.csr \
    -subj "/O=chidao/CN=kafka" 2>/dev/null
  printf 'subjectAltName=DNS:kafka-1,DNS:kafka-2,DNS:kafka-3,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' > kafka.ext
  openssl x509 -req -in kafka.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -sha256 \
    -extfile kafka.ext -out kafka.crt 2>/dev/null
  openssl pkcs12 -export -name kafka -inkey kafka.key -in kafka.crt -certfile ca.crt \
    -out kafka.p12 -passout env:KAFKA_KEYSTORE_PASSWORD
  rm -f kafka.key kafka.csr kafka.ext ca.srl
fi
chmod 644 ca.crt  # public: every client needs it
echo "wrote $out/ca.crt and $out/kafka.p12 (keystore password: KAFKA_KEYSTORE_PASSWORD)"
