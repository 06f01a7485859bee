package migrations

// users.dashboard_version names the current state of the user's seller
// dashboard (the account page: their products with covers and sales, their
// store, their email), so the rendered page can be cached per user
// (handlers/account.go). Every write that changes what the page shows sets a
// new random value in its own transaction (services/dashboardversion.go); the
// signed-in query every request already runs reads it (services/userexists.go).
// Random rather than a counter, for the catalogue version's reason: after a
// restore a counter would count again through values that named other states.
func dashboardVersion() Migration {
	return Migration{Name: "20261216000001", Comment: "dashboard_version", Statements: map[string][]string{
		"pg":     {`ALTER TABLE users ADD COLUMN dashboard_version BIGINT NOT NULL DEFAULT 0`},
		"sqlite": {`ALTER TABLE users ADD COLUMN dashboard_version INTEGER NOT NULL DEFAULT 0`},
	}}
}
