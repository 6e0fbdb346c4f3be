"""Reliable messaging over Kafka: transactional outbox, relay, inbox, consumer with
retries and a dead-letter topic. See docs/messaging.md for the design note."""
