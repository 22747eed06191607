"""RabbitMQ topology, the transactional outbox and its relay, the inbox and consumers."""
