package migrations

// catalog_version is one row whose number every product write increments in its
// own transaction. Cached catalogue pages are valid only under the number they
// were made with, so every app instance sharing the database sees a write at once.
func createCatalogVersion() Migration {
	create := []string{
		`CREATE TABLE catalog_version (
			id INTEGER PRIMARY KEY CHECK (id = 1),
			version BIGINT NOT NULL
		)`,
		`INSERT INTO catalog_version (id, version) VALUES (1, 1)`,
	}
	return Migration{Name: "20261122000003", Comment: "create_catalog_version", Statements: map[string][]string{"pg": create, "sqlite": create}}
}
