-- Trace context carried with an event (docs/observability.md): the request that wrote a
-- billing event and the e-mail it leads to are one trace although a queue, a Redis
-- message and another process lie between them. Each is the W3C `traceparent` of the
-- span that wrote the row, or NULL where nothing was traced; readers open their span under
-- it. Not personal data: random ids.
ALTER TABLE outbox ADD COLUMN traceparent text
    CHECK (traceparent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$');
ALTER TABLE deliveries ADD COLUMN traceparent text
    CHECK (traceparent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$');
