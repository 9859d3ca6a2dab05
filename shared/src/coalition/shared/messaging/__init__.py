"""Messaging: CloudEvents on NATS JetStream, the outbox relay and idempotent subscriptions."""
