package migrations

// processed_webhook_events records each payment event once, in the transaction
// that acts on it: a provider delivering the same event again (Stripe retries
// until it gets a 2xx, and may deliver twice) finds its id here and changes
// nothing.
func createProcessedWebhookEvents() Migration {
	return Migration{Name: "20261203300004", Comment: "create_processed_webhook_events", Statements: map[string][]string{
		"pg": {
			`CREATE TABLE processed_webhook_events (
				provider TEXT NOT NULL,
				event_id TEXT NOT NULL CHECK (char_length(event_id) BETWEEN 1 AND 255),
				processed_at TIMESTAMPTZ NOT NULL,
				PRIMARY KEY (provider, event_id)
			)`,
		},
		"sqlite": {
			`CREATE TABLE processed_webhook_events (
				provider TEXT NOT NULL,
				event_id TEXT NOT NULL CHECK (length(event_id) BETWEEN 1 AND 255),
				processed_at TIMESTAMP NOT NULL,
				PRIMARY KEY (provider, event_id)
			)`,
		},
	}}
}
