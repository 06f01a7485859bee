package migrations

// login_devices are the browsers that have logged in to an account (services.Devices):
// the SHA-256 of each browser's token, never the token, and when it was issued.
func createLoginDevices() Migration {
	return Migration{Name: "20261123000004", Comment: "create_login_devices", Statements: map[string][]string{
		"pg": {
			`CREATE TABLE login_devices (
				id TEXT PRIMARY KEY CHECK (char_length(id) = 64),
				user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
				created_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE INDEX login_devices_user_newest_idx ON login_devices (user_id, created_at DESC)`,
		},
		"sqlite": {
			`CREATE TABLE login_devices (
				id TEXT PRIMARY KEY CHECK (length(id) = 64),
				user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
				created_at TIMESTAMP NOT NULL
			)`,
			`CREATE INDEX login_devices_user_newest_idx ON login_devices (user_id, created_at DESC)`,
		},
	}}
}
