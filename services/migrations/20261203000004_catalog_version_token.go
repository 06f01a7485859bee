package migrations

// A counter can repeat: after a database restore or a failover to a replica that
// lagged, the next writes count up to numbers that already named other states of
// the catalogue, and a cache would serve pages made under them. So every product
// write also sets a fresh random token, and the catalogue version is the pair.
// The counter stays (an app of the previous release, still running during a
// rolling deploy, increments only it, and the pair still changes).
func catalogVersionToken() Migration {
	return Migration{Name: "20261203000004", Comment: "catalog_version_token", Statements: map[string][]string{
		"pg": {
			`ALTER TABLE catalog_version ADD COLUMN token TEXT NOT NULL DEFAULT ''`,
			`UPDATE catalog_version SET token = replace(gen_random_uuid()::text, '-', '')`,
		},
		"sqlite": {
			`ALTER TABLE catalog_version ADD COLUMN token TEXT NOT NULL DEFAULT ''`,
			`UPDATE catalog_version SET token = lower(hex(randomblob(16)))`,
		},
	}}
}
